"""Writing audit events. Called by actions inside their transaction, never on its own."""

from typing import Any

from django.db import models, transaction

from qamqor.clock import now

from .models import AuditEvent
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
    ip_address, path = current_request_facts()
    user = actor if getattr(actor, "pk", None) else None
    return AuditEvent.objects.create(
        at=now(),
        actor=user,
        actor_username=getattr(user, "username", ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        case_code=case_code,
        ip_address=ip_address,
        path=path,
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
    """Record a read (a view of a case or person, an export) in a transaction of its own."""
    with transaction.atomic():
        return record(actor, action, obj, case_code=case_code, **details)
