from typing import Any

from django import template

from qamqor.cases.models import Case
from qamqor.clock import today

from ..models import PlanStatus, ServicePlan
from ..queries import overdue_count

register = template.Library()


@register.inclusion_tag("plans/_case_summary.html")
def plan_summary(case: Case) -> dict[str, Any]:
    """The case's plan in brief for the case file: status, review date, overdue services
    and a link to the plan page; no goal or note. Two queries at most."""
    day = today()
    plans = ServicePlan.objects.filter(case=case).only(
        "status", "review_on", "closed_on", "started_on", "case_id"
    )
    plan = plans.exclude(status=PlanStatus.CLOSED).first() or plans.first()
    return {
        "case": case,
        "plan": plan,
        "today": day,
        "overdue": overdue_count(plan, day) if plan is not None and plan.is_open else 0,
    }
