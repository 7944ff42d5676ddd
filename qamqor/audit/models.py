"""The audit log: one row per thing that happened, written with the change itself.

Rows form a hash chain (see chain.py and docs/audit.md): each carries its place in the
chain (`sequence`, gapless from 1), the hash of the event before it and its own keyed
hash. The database refuses to update or delete them (triggers.py).
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    # Gapless, unlike `id`: PostgreSQL spends identity values on rolled-back inserts.
    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept beside the key so the log reads the same after a user is renamed; for a failed
    # or locked-out sign-in, the username that was tried (actor is then empty).
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    case_code = models.CharField(max_length=20, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # A look at data (record_access) rather than a change: the case's access history.
    read = models.BooleanField(default=False)
    # Names of changed fields and other facts; never plaintext of identifying values.
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        # Declared here rather than as db_index: on SQLite, altering a field remakes the
        # table and loses its triggers; adding an index does not.
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor_username"], name="audit_event_actor_username"),
        ]

    def __str__(self) -> str:
        return f"{self.sequence} {self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"


class ChainHead(models.Model):
    """The one row naming the newest event of the chain.

    Writers lock it (SELECT ... FOR UPDATE) to take the next place in the chain one at a
    time; it also lets `audit verify` notice events cut from the end of the log.
    """

    ROW_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW_ID)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash}"
