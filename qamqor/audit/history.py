"""A case's access history: who looked at it, when, from where, on which page."""

from typing import TYPE_CHECKING

from django.db.models import Q

from .models import AuditEvent

if TYPE_CHECKING:
    from qamqor.cases.models import Case


def case_access_history(case: "Case", limit: int = 50) -> list[AuditEvent]:
    """The newest reads of `case`, and the flagged events (break-glass), newest first.

    For the case's supervisors; the caller decides who sees it. One indexed query.
    """
    return list(
        AuditEvent.objects.filter(case_code=case.code)
        .filter(Q(read=True) | Q(details__flagged=True))
        .order_by("-sequence")[:limit]
    )
