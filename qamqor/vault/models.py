"""What the vault keeps in the database about its keys (never the keys themselves)."""

from django.db import models


class KeyCheck(models.Model):
    """A key that has encrypted data in this database, with a known value under it.

    Start-up refuses a keyring that lacks a key still holding data (`retired_at` empty),
    and one whose key does not decrypt its check value. A key is retired when
    `qamqor rotate-keys` has moved everything off it.
    """

    key_id = models.CharField(max_length=16, unique=True)
    check_value = models.TextField()
    first_used_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key_id
