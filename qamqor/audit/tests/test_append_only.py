"""The database refuses to change or remove audit events, through the ORM and raw SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from qamqor.audit.models import AuditEvent
from qamqor.audit.triggers import drop_triggers, install_triggers
from qamqor.audit.verify import verify_chain

from .helpers import write_events


def refused(action) -> None:
    # A savepoint, so that on PostgreSQL the test's transaction survives the error.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        action()


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_the_orm_cannot_update_an_event():
    event = write_events(2)[0]
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(action="case.view"))
    event.action = "case.view"
    refused(event.save)
    refused(lambda: AuditEvent.objects.update(path="/"))


def test_the_orm_cannot_delete_an_event():
    event = write_events(2)[0]
    refused(event.delete)
    refused(AuditEvent.objects.all().delete)


def test_raw_sql_cannot_update_or_delete_events():
    write_events(2)
    refused(lambda: raw("UPDATE audit_auditevent SET action = 'x' WHERE sequence = 1"))
    refused(lambda: raw("DELETE FROM audit_auditevent WHERE sequence = 2"))
    refused(lambda: raw("DELETE FROM audit_auditevent"))
    assert AuditEvent.objects.count() == 2 and verify_chain().intact


if connection.vendor == "postgresql":
    # Defined on PostgreSQL only: SQLite has no TRUNCATE.
    def test_postgresql_refuses_truncate():
        write_events(1)
        # Settle the deferred foreign-key checks of the insert, which would make PostgreSQL
        # refuse the TRUNCATE for its own reason before the trigger had its say.
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        refused(lambda: raw("TRUNCATE audit_auditevent"))
        refused(lambda: raw("TRUNCATE audit_auditevent CASCADE"))
        assert AuditEvent.objects.count() == 1


def test_events_are_still_appended():
    write_events(3)
    assert AuditEvent.objects.count() == 3


def test_triggers_can_be_reinstalled_after_being_dropped():
    write_events(1)
    drop_triggers(connection)
    install_triggers(connection)
    install_triggers(connection)  # installing twice is harmless
    refused(lambda: raw("DELETE FROM audit_auditevent"))


# serialized_rollback restores the reference data of the migrations after the flush, and
# keeps content types from being made again with other ids under later such tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transactional_test_can_write_events_and_be_flushed_afterwards():
    """Its flush (DELETE / TRUNCATE) passes thanks to audit.testing; the next test below
    finds the triggers back in place."""
    write_events(2)
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_flush_the_triggers_are_back_and_the_chain_starts_afresh():
    assert not AuditEvent.objects.exists()
    events = write_events(1)
    assert events[0].sequence == 1
    refused(lambda: raw("DELETE FROM audit_auditevent"))
