"""Writing a few chained events, and tampering with them as a database writer would."""

from typing import Any

from django.db import connection, transaction

from qamqor.audit.events import record
from qamqor.audit.models import AuditEvent
from qamqor.audit.triggers import drop_triggers


def write_events(count: int, actor: Any = None) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            record(actor, "test.event", case_code=f"ALA-2026-{number:06d}", number=number)
            for number in range(1, count + 1)
        ]


def tamper(*statements: tuple[str, list[Any]] | str) -> None:
    """Run raw SQL on the audit table with its triggers dropped (the test's rollback
    brings them back)."""
    drop_triggers(connection)
    with connection.cursor() as cursor:
        for statement in statements:
            sql, params = (statement, []) if isinstance(statement, str) else statement
            cursor.execute(sql, params)


def insert_raw(sequence: int, prev_hash: str, hash_: str, action: str = "forged") -> int:
    """Insert an event row as SQL can, with whatever hash the writer cares to give it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (sequence, at, actor_username, action, object_type,"
            " object_id, case_code, path, read, details, prev_hash, hash)"
            " VALUES (%s, '2026-01-01 10:00:00', 'mallory', %s, '', '', '', '', %s, '{}', %s, %s)",
            [sequence, action, False, prev_hash, hash_],
        )
    return AuditEvent.objects.get(sequence=sequence).pk
