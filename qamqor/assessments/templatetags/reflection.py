"""`{% reflection_period case %}`: the recovery and reflection period on the case file.

A "possible victim of trafficking" decision starts the period (its length is the
identification instrument's data, kept on the decision). The case file shows it while the
case's current decision is that one: until its last day with the days left, and once
over, that it ended, so a worker sees that a further decision is due.
"""

from typing import Any

from django import template

from qamqor.cases.models import Case
from qamqor.clock import today

from ..models import TraffickingDecision, TraffickingStatus

register = template.Library()


@register.inclusion_tag("assessments/_reflection_period.html")
def reflection_period(case: Case) -> dict[str, Any]:
    """One query: the case's current (not superseded) decision, if it is "possible"."""
    decision = (
        TraffickingDecision.objects.filter(
            case=case,
            superseded_by__isnull=True,
            status=TraffickingStatus.POSSIBLE,
            reflection_days__isnull=False,
        )
        .only("decided_on", "reflection_days", "case_id")
        .first()
    )
    end = decision.reflection_period_end if decision else None
    if end is None:
        return {"period_end": None}
    return {"period_end": end, "days_left": (end - today()).days}
