"""Rows of the access matrix (qamqor/web/tests/test_access_matrix.py) for the plan pages.

The matrix's sensitive case is given an eligibility decision and a plan (arguments()),
so that the plan pages and their changes are walked with a real plan id.
"""

from qamqor.web.tests.matrix import CAST, case_change, case_page, everyone

PLAN_CHANGES = [
    "plans:generate",
    "plans:goal_add",
    "plans:goal_update",
    "plans:service_add",
    "plans:service_change",
    "plans:service_remove",
    "plans:review_set",
    "plans:extend",
    "plans:delivery_add",
    "plans:closure_request",
    "plans:closure_withdraw",
]
DECISIONS = ["plans:closure_approve", "plans:closure_refuse"]

# Those whose role reaches cases (case workers, the supervisor, the regional coordinator)
# see the compliance list of the plans they reach; to anyone else it does not exist.
REACH_CASES = {"alice", "bob", "carol", "charlie", "gulnara"}

PAGES: dict[str, dict[str, int]] = {
    "plans:page": case_page(200, de_identified=403),
    "plans:detail": case_page(200, de_identified=403),
    **{name: everyone(405) for name in PLAN_CHANGES + DECISIONS},
    "plans:compliance": {user: 200 if user in REACH_CASES else 404 for user in CAST},
}


def _decision() -> dict[str, set[int]]:
    """Approving or refusing a closure: an approver of the owning agency (carol) gets
    through; alice may change the case but not decide (403), the de-identified reach is
    refused (403), and to everyone else the case does not exist."""
    statuses = case_change()
    statuses["alice"] = {403}
    return statuses


POSTS: dict[str, dict[str, set[int]]] = {
    **{name: case_change() for name in PLAN_CHANGES},
    **{name: _decision() for name in DECISIONS},
}


def arguments(case):  # type: ignore[no-untyped-def]
    """A plan for the matrix's case, drawn up by its owner (alice)."""
    from qamqor.assessments.actions import record_eligibility_decision
    from qamqor.assessments.models import Eligibility
    from qamqor.clock import today
    from qamqor.plans.actions import generate_plan
    from qamqor.plans.queries import open_plan

    plan = open_plan(case)
    if plan is None:
        owner = case.created_by
        record_eligibility_decision(
            owner,
            case,
            decision=Eligibility.ELIGIBLE,
            deciding_body="Matrix",
            decided_on=today(),
            reasons="Matrix",
        )
        plan = generate_plan(owner, case)
    return {"plan_id": plan.pk}
