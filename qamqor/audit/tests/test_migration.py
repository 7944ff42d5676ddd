"""`qamqor migrate` on a log written before the chain: the events are chained in the
order they were written, and the chain verifies."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qamqor.audit.models import AuditEvent, ChainHead
from qamqor.audit.verify import verify_chain
from qamqor.clock import now

BEFORE_CHAIN = [("audit", "0001_initial")]


def _migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrate_chains_the_events_written_before(alice):
    old = _migrate(BEFORE_CHAIN).loader.project_state(BEFORE_CHAIN).apps
    OldEvent = old.get_model("audit", "AuditEvent")
    for number, action in enumerate(["case.open", "note.create", "case.status"]):
        OldEvent.objects.create(
            at=now(), actor_id=alice.pk, actor_username="alice", action=action,
            case_code="ALA-2025-000001", ip_address="10.0.0.1", details={"n": number},
        )  # fmt: skip

    _migrate()

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [(e.sequence, e.action) for e in events] == [
        (1, "case.open"), (2, "note.create"), (3, "case.status"),
    ]  # fmt: skip
    assert ChainHead.objects.get().hash == events[-1].hash
    result = verify_chain()
    assert result.intact and result.count == 3
