from typing import Any

from django import template

from qamqor.cases.models import Case
from qamqor.clock import today

from ..queries import measures_in_force

register = template.Library()


@register.inclusion_tag("protection/_case_summary.html")
def protection_in_force(case: Case) -> dict[str, Any]:
    """Which protection is in force today: kinds and end dates, no identifying text."""
    day = today()
    measures = measures_in_force(case, on=day).only("kind", "starts_on", "ends_on", "case_id")
    return {
        "case": case,
        "in_force": [{"measure": m, "days_left": (m.ends_on - day).days} for m in measures],
    }
