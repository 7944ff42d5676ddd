"""`qamqor new-encryption-key`: print a new random key for QAMQOR_ENCRYPTION_KEYS."""

from typing import Any

from django.core.management.base import BaseCommand

from qamqor.vault.keys import Key, new_key_text


class Command(BaseCommand):
    help = (
        "Print a new random encryption key and its key id. Put it first in "
        "QAMQOR_ENCRYPTION_KEYS (or the key file) to encrypt with it from the next start."
    )
    # It is how a missing key gets made: it must run while the keys are not configured.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        text = new_key_text()
        key_id = Key.from_text(text).key_id
        self.stdout.write(text)
        self.stderr.write(f"key id {key_id}; keep a copy of the key apart from the database")
