"""Where the plan pages read protected objects.

A plan is reached only through its case (cases.access): its page needs identity access,
since goals are in the person's own words; its changes need the case's edit access. The
agency compliance list shows case codes only, to members whose role reaches cases.
"""

from django.http import Http404

from qamqor.accounts.access import active_memberships
from qamqor.accounts.models import CaseScope, User
from qamqor.cases.models import Case

from .models import ServicePlan


class PlanNotFound(Http404):
    def __init__(self) -> None:
        super().__init__("No such plan.")


def plan_of_case(case: Case, plan_id: int) -> ServicePlan:
    """One plan of a case the caller has already authorised; another case's plan is 404."""
    plan = (
        ServicePlan.objects.filter(case=case, pk=plan_id)
        .select_related("standard", "category", "eligibility_decision")
        .first()
    )
    if plan is None:
        raise PlanNotFound()
    plan.case = case
    return plan


def reaches_cases(user: User) -> bool:
    """Whether one of the user's roles reaches cases (any scope but none)."""
    return any(m.role.case_scope != CaseScope.NONE for m in active_memberships(user))


def require_case_scope(user: User) -> None:
    """The compliance list does not exist for a role that reaches no case."""
    if not reaches_cases(user):
        raise Http404("No such page.")
