"""The hash chain: a fresh log verifies; each kind of tampering is found at its place."""

import io
import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from qamqor.audit import chain
from qamqor.audit.events import record, record_access
from qamqor.audit.models import AuditEvent, ChainHead
from qamqor.audit.verify import Anchor, Breach, verify_chain

from .helpers import insert_raw, tamper, write_events


def run_verify(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# A fresh log --------------------------------------------------------------------------


def test_a_fresh_log_verifies_and_the_command_prints_count_and_last_hash(alice):
    events = write_events(5, alice)
    assert [e.sequence for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    result = verify_chain()
    assert result.intact and result.count == 5 and result.last_hash == events[-1].hash
    assert ChainHead.objects.get().hash == events[-1].hash
    out, _ = run_verify()
    assert "5 events verified" in out
    assert f"anchor: 5:{events[-1].hash}" in out


def test_an_empty_log_verifies():
    result = verify_chain()
    assert result.intact and result.count == 0
    out, _ = run_verify()
    assert "0 events verified" in out


def test_events_of_every_kind_and_value_read_back_to_their_hash(alice, bob):
    """Times, addresses, JSON details and reads survive the database unchanged."""
    from qamqor.audit import request_context

    token = request_context._request_facts.set(("2001:DB8:0:0::1", "/cases/x/"))
    try:
        with transaction.atomic():
            record(alice, "user.update", bob, case_code="", old="Бақыт", new=("a", 1), n={2: None})
        record_access(alice, "case.view", bob, case_code="ALA-2026-000001", seen=True, at=0.1)
    finally:
        request_context._request_facts.reset(token)
    assert verify_chain().intact
    view = AuditEvent.objects.get(action="case.view")
    assert view.read and view.details == {"seen": True, "at": 0.1}
    update = AuditEvent.objects.get(action="user.update")
    assert not update.read and update.details == {"old": "Бақыт", "new": ["a", 1], "n": {"2": None}}


def test_writing_an_event_costs_two_queries_beyond_the_insert(alice):
    write_events(1)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        record(alice, "test.event")
    writes = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(writes) == 3, writes


def test_a_missing_head_is_rebuilt_from_the_newest_event():
    write_events(3)
    ChainHead.objects.all().delete()
    write_events(2)
    assert verify_chain().intact and ChainHead.objects.get().sequence == 5


def test_record_still_refuses_to_run_outside_a_transaction(alice):
    from unittest import mock

    with mock.patch.object(connection, "in_atomic_block", False), pytest.raises(RuntimeError):
        record(alice, "test.event")


# Tampering ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "case.view"),
        ("actor_username", "someone.else"),
        ("at", "2020-01-01 00:00:00"),
        ("details", '{"number": 33}'),
        ("ip_address", "10.0.0.9"),
        ("read", True),
    ],
)
def test_an_edited_event_is_reported_as_modified(column, value):
    events = write_events(5)
    sql = f"UPDATE audit_auditevent SET {column} = %s WHERE sequence = 3"  # noqa: S608
    tamper((sql, [value]))
    result = verify_chain()
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.event_id) == (3, events[2].pk)
    assert result.broken.breach == Breach.MODIFIED
    assert result.count == 2 and result.last_hash == events[1].hash


def test_a_deleted_event_is_reported_as_a_gap():
    write_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 3")
    broken = verify_chain().broken
    assert broken is not None
    assert (broken.sequence, broken.breach) == (3, Breach.DELETED)
    assert "event 3 is missing" in broken.explanation


def test_deleting_the_first_events_is_reported():
    write_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence <= 2")
    broken = verify_chain().broken
    assert broken is not None and (broken.sequence, broken.breach) == (1, Breach.DELETED)


def test_an_event_slipped_in_between_is_reported_as_inserted():
    events = write_events(5)
    # Make room at place 3 (in two steps: the sequence is unique row by row), then add a
    # row there that links to event 2 as a genuine one would.
    tamper(
        "UPDATE audit_auditevent SET sequence = sequence + 1000 WHERE sequence >= 3",
        "UPDATE audit_auditevent SET sequence = sequence - 999 WHERE sequence >= 1000",
    )
    forged = insert_raw(3, events[1].hash, "f" * 64)
    broken = verify_chain().broken
    assert broken is not None
    assert (broken.sequence, broken.event_id, broken.breach) == (3, forged, Breach.INSERTED)


def test_an_event_added_after_the_newest_is_reported_as_inserted():
    events = write_events(5)
    forged = insert_raw(6, events[-1].hash, "e" * 64)
    broken = verify_chain().broken
    assert broken is not None
    assert (broken.sequence, broken.event_id, broken.breach) == (6, forged, Breach.INSERTED)


def test_two_swapped_events_are_reported_as_reordered():
    events = write_events(5)
    tamper(
        "UPDATE audit_auditevent SET sequence = 0 WHERE sequence = 3",
        "UPDATE audit_auditevent SET sequence = 3 WHERE sequence = 4",
        "UPDATE audit_auditevent SET sequence = 4 WHERE sequence = 0",
    )
    broken = verify_chain().broken
    assert broken is not None
    assert (broken.sequence, broken.event_id, broken.breach) == (3, events[3].pk, Breach.REORDERED)
    assert "written after event 4" in broken.explanation


def test_a_re_linked_event_without_the_key_is_found():
    """A writer who rewrites an event and recomputes its hash without the key fails."""
    import hashlib

    events = write_events(3)
    values = [getattr(events[1], name) for name in chain.CHAINED_FIELDS]
    values[chain.CHAINED_FIELDS.index("action")] = "case.view"
    guessed = hashlib.sha256(events[0].hash.encode() + chain.canonical(values)).hexdigest()
    tamper(
        (
            "UPDATE audit_auditevent SET action = 'case.view', hash = %s WHERE sequence = 2",
            [guessed],
        )
    )
    broken = verify_chain().broken
    assert broken is not None and (broken.sequence, broken.breach) == (2, Breach.MODIFIED)


# The end of the log --------------------------------------------------------------------


def test_cutting_the_newest_events_is_found_against_the_head():
    write_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    broken = verify_chain().broken
    assert broken is not None
    assert (broken.sequence, broken.breach) == (4, Breach.DELETED)
    assert "end of the log" in broken.explanation


def test_cutting_the_tail_and_the_head_is_found_only_against_an_anchor():
    events = write_events(5)
    anchor = Anchor(5, events[-1].hash)
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    ChainHead.objects.update(sequence=3, hash=events[2].hash)
    assert verify_chain().intact  # the documented limit
    broken = verify_chain(anchor=anchor).broken
    assert broken is not None and (broken.sequence, broken.breach) == (4, Breach.DELETED)


def test_an_anchor_with_another_hash_is_reported():
    write_events(3)
    broken = verify_chain(anchor=Anchor(2, "a" * 64)).broken
    assert broken is not None and (broken.sequence, broken.breach) == (2, Breach.MODIFIED)


# The command ---------------------------------------------------------------------------


def test_the_command_exits_non_zero_naming_the_first_broken_link():
    events = write_events(4)
    tamper("UPDATE audit_auditevent SET action = 'x' WHERE sequence IN (2, 3)")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert f"sequence 2 (id {events[1].pk}): modified" in err.getvalue()


def test_the_command_takes_an_anchor_and_refuses_a_malformed_one():
    events = write_events(2)
    out, _ = run_verify("--anchor", f"2:{events[1].hash}")
    assert "2 events verified" in out
    with pytest.raises(CommandError):
        run_verify("--anchor", "two:abc")


# The key -------------------------------------------------------------------------------


@pytest.fixture
def fresh_key(settings, tmp_path, monkeypatch):
    """audit_key() as outside the test suite, with a fresh data directory."""
    settings.TESTING = False
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv(chain.KEY_ENV, raising=False)
    monkeypatch.delenv("QAMQOR_DATABASE_URL", raising=False)
    chain.audit_key.cache_clear()
    yield tmp_path
    chain.audit_key.cache_clear()


def test_the_key_file_is_generated_once_for_its_owner_only(fresh_key):
    key = chain.audit_key()
    path = fresh_key / chain.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    chain.audit_key.cache_clear()
    assert chain.audit_key() == key and len(key) >= chain.MIN_KEY_LENGTH


def test_the_key_from_the_environment_wins_and_must_be_long(fresh_key, monkeypatch):
    monkeypatch.setenv(chain.KEY_ENV, "k" * 40)
    assert chain.audit_key() == b"k" * 40
    assert not (fresh_key / chain.KEY_FILE).exists()
    chain.audit_key.cache_clear()
    monkeypatch.setenv(chain.KEY_ENV, "short")
    with pytest.raises(ImproperlyConfigured):
        chain.audit_key()


def test_with_a_server_database_the_key_is_never_made_up(fresh_key, monkeypatch):
    """Application servers each making up a key would break one chain between them."""
    monkeypatch.setenv("QAMQOR_DATABASE_URL", "postgres://db.example/qamqor")
    with pytest.raises(ImproperlyConfigured, match="QAMQOR_AUDIT_KEY"):
        chain.audit_key()
    assert not (fresh_key / chain.KEY_FILE).exists()
    (fresh_key / chain.KEY_FILE).write_text("s" * 48 + "\n")
    assert chain.audit_key() == b"s" * 48


def test_another_key_does_not_verify_the_chain(fresh_key, monkeypatch):
    chain.audit_key.cache_clear()
    monkeypatch.setenv(chain.KEY_ENV, "a" * 40)
    write_events(2)
    chain.audit_key.cache_clear()
    monkeypatch.setenv(chain.KEY_ENV, "b" * 40)
    broken = verify_chain().broken
    assert broken is not None and broken.sequence == 1


# Writers at once ------------------------------------------------------------------------


if connection.vendor == "postgresql":
    # Defined on PostgreSQL only: SQLite admits one writer at a time by itself.
    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_concurrent_writers_take_turns_on_the_chain():
        """Four connections appending at once still make one gapless chain."""
        import threading

        from django.db import connections

        errors: list[BaseException] = []

        def writer() -> None:
            try:
                for _ in range(25):
                    write_events(1)
            except BaseException as error:  # reported by the main thread
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        result = verify_chain()
        assert result.intact and result.count == 100
