"""Writing audit events.

`record()` is called by actions inside the transaction of the change it records;
`record_access()` records a read (a view of a case or a person, an export) in a
transaction of its own. Both append to the hash chain (chain.py) while holding the lock
on the chain head, so events take their places one at a time.
"""

from typing import Any

from django.db import models, transaction

from qamqor.clock import now

from .chain import CHAINED_FIELDS, GENESIS, audit_key, chain_hash, normalise_details
from .models import AuditEvent, ChainHead
from .request_context import current_request_facts


def record(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    case_code: str = "",
    **details: Any,
) -> AuditEvent:
    """Record that `actor` did `action` to `obj`.

    Must run inside the transaction of the change it records, so that the change and
    its event are written together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of its change")
    user = actor if getattr(actor, "pk", None) else None
    return append_event(
        actor=user,
        actor_username=getattr(user, "username", ""),
        action=action,
        obj=obj,
        case_code=case_code,
        details=details,
    )


def record_access(
    actor: Any,
    action: str,
    obj: models.Model | None,
    *,
    case_code: str = "",
    **details: Any,
) -> AuditEvent:
    """Record a read (a view of a case or person, an export) in a transaction of its own.

    A read changes nothing that could carry the event, yet it must be on record even when
    the page fails afterwards. Inside an outer transaction this is a savepoint, and the
    event shares that transaction's fate.
    """
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        return append_event(
            actor=user,
            actor_username=getattr(user, "username", ""),
            action=action,
            obj=obj,
            case_code=case_code,
            details=details,
            read=True,
        )


def append_event(
    *,
    actor: Any,
    actor_username: str,
    action: str,
    obj: models.Model | None = None,
    case_code: str = "",
    details: dict[str, Any],
    read: bool = False,
) -> AuditEvent:
    """Append one event to the chain. The caller holds the transaction.

    Two queries beyond the insert: lock the head, move it on.
    """
    ip_address, path = current_request_facts()
    head = _locked_head()
    event = AuditEvent(
        sequence=head.sequence + 1,
        at=now(),
        actor=actor,
        actor_username=actor_username[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        case_code=case_code,
        ip_address=ip_address,
        path=path,
        read=read,
        details=normalise_details(details),
        prev_hash=head.hash,
    )
    event.hash = chain_hash(
        audit_key(), head.hash, [getattr(event, name) for name in CHAINED_FIELDS]
    )
    event.save(force_insert=True)
    head.sequence, head.hash = event.sequence, event.hash
    head.save(update_fields=["sequence", "hash"])
    return event


def _locked_head() -> ChainHead:
    """The chain head, locked until the transaction ends.

    On PostgreSQL the row lock queues concurrent writers; SQLite ignores FOR UPDATE, and
    its IMMEDIATE transactions (settings.py) already let one writer in at a time.
    """
    head = ChainHead.objects.select_for_update().filter(pk=ChainHead.ROW_ID).first()
    if head is not None:
        return head
    # The migration creates the head; it is missing only after a test flush or by hand.
    # Rebuild it from the newest event; ignore_conflicts lets a concurrent writer win.
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, hash_ = last if last is not None else (0, GENESIS)
    ChainHead.objects.bulk_create(
        [ChainHead(id=ChainHead.ROW_ID, sequence=sequence, hash=hash_)], ignore_conflicts=True
    )
    return ChainHead.objects.select_for_update().get(pk=ChainHead.ROW_ID)
