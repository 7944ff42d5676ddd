"""Plan reviews due and services overdue: the plan app's queries in the task list."""

from collections.abc import Callable

import pytest
from django.urls import reverse

from qamqor.accounts.models import User
from qamqor.assessments.actions import record_eligibility_decision
from qamqor.cases.models import Case
from qamqor.plans.actions import generate_plan, record_delivery
from qamqor.plans.models import ServicePlan

from .test_my_tasks_support import TODAY, codes, days, english, frozen_today, tasks_of

__all__ = ["english", "frozen_today"]

pytestmark = pytest.mark.usefixtures("english")


def plan_started(alice: User, case: Case, started_on) -> ServicePlan:  # type: ignore[no-untyped-def]
    record_eligibility_decision(
        alice, case, decision="eligible", deciding_body="Отдел", reasons="Критерии выполнены",
        decided_on=started_on,
    )  # fmt: skip
    return generate_plan(alice, case, started_on=started_on)


def test_a_review_shows_a_week_ahead_and_stays_while_late(
    alice: User, make_case: Callable[..., Case], frozen_today: Callable
) -> None:
    case = make_case(opened_on=TODAY - days(60))
    plan = plan_started(alice, case, TODAY - days(30))
    frozen_today(plan.review_on - days(8))
    assert case.code not in codes(tasks_of(alice, "plan_review"))
    frozen_today(plan.review_on - days(7))
    [task] = tasks_of(alice, "plan_review")
    assert (task.case_code, task.due_on) == (case.code, plan.review_on)
    assert task.url == reverse("plans:page", args=[case.code])
    frozen_today(plan.review_on + days(5))
    assert codes(tasks_of(alice, "plan_review")) == [case.code]


def test_an_overdue_service_goes_when_it_is_delivered(
    alice: User, make_case: Callable[..., Case], frozen_today: Callable
) -> None:
    case = make_case(opened_on=TODAY - days(60))
    plan = plan_started(alice, case, TODAY - days(20))
    planned = list(plan.services.select_related("service").order_by("due_on", "pk"))
    assert codes(tasks_of(alice, "service_overdue")) == []
    frozen_today(planned[0].due_on + days(1))
    overdue = tasks_of(alice, "service_overdue")
    assert codes(overdue) and set(codes(overdue)) == {case.code}
    assert str(planned[0].service.name) in {task.detail for task in overdue}
    total = len(overdue)
    record_delivery(
        alice, plan, planned_service=planned[0], delivered_on=planned[0].due_on, outcome="delivered"
    )
    assert len(tasks_of(alice, "service_overdue")) == total - 1


def test_colleagues_outside_the_case_see_no_plan_task(
    alice: User, bob: User, make_case: Callable[..., Case], frozen_today: Callable
) -> None:
    case = make_case(opened_on=TODAY - days(60))
    plan = plan_started(alice, case, TODAY - days(30))
    frozen_today(plan.review_on)
    assert codes(tasks_of(bob, "plan_review")) == []
