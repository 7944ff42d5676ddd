"""The plan rows of "my tasks": reviews due within 7 days (late ones included) and overdue
services, of open plans only, for the cases the caller passes, one query each."""

from qamqor.cases.access import visible_cases
from qamqor.cases.models import Case
from qamqor.plans.actions import (
    approve_plan_closure,
    generate_plan,
    record_delivery,
    request_plan_closure,
    set_review_date,
)
from qamqor.plans.models import PlannedService
from qamqor.plans.queries import open_plan, reviews_due, services_overdue

from .conftest import TODAY, days, decide


def plan_started(alice, open_case, ago):
    case = open_case()
    decide(alice, case)
    return generate_plan(alice, case, started_on=TODAY - days(ago))


def test_reviews_due_within_seven_days_and_late_ones(alice, open_case, frozen_today):
    late = plan_started(alice, open_case, 31)  # review was yesterday
    soon = plan_started(alice, open_case, 23)  # review in 7 days
    plan_started(alice, open_case, 22)  # review in 8 days
    rows = list(reviews_due(Case.objects.all(), TODAY))
    assert [(r.case_code, r.review_on) for r in rows] == [
        (late.case.code, TODAY - days(1)),
        (soon.case.code, TODAY + days(7)),
    ]
    assert len(reviews_due(Case.objects.all(), TODAY, within_days=8)) == 3
    frozen_today(TODAY + days(1))
    assert len(reviews_due(Case.objects.all())) == 3  # today by default


def test_a_new_review_date_leaves_the_list(alice, open_case):
    plan = plan_started(alice, open_case, 31)
    set_review_date(alice, plan, TODAY + days(30))
    assert not reviews_due(Case.objects.all(), TODAY).exists()


def test_services_overdue(alice, open_case):
    plan = plan_started(alice, open_case, 31)  # every service was due yesterday
    crisis = PlannedService.objects.get(plan=plan, service__code="crisis_support")
    legal = PlannedService.objects.get(plan=plan, service__code="legal_consultation")
    record_delivery(alice, plan, planned_service=crisis, delivered_on=TODAY, outcome="delivered")
    record_delivery(alice, plan, planned_service=legal, delivered_on=TODAY, outcome="refused")
    plan_started(alice, open_case, 10)  # nothing due yet
    rows = list(services_overdue(Case.objects.all(), TODAY))
    assert len(rows) == 4 and crisis not in rows and legal in rows
    assert {(r.case_code, r.due_on) for r in rows} == {(plan.case.code, TODAY - days(1))}
    assert all(r.service.name for r in rows)


def test_closed_plans_and_unreached_cases_give_no_task(alice, carol, charlie, open_case):
    plan = plan_started(alice, open_case, 40)
    assert services_overdue(visible_cases(alice), TODAY).count() == 5
    assert reviews_due(visible_cases(alice), TODAY).count() == 1
    assert not services_overdue(visible_cases(charlie), TODAY).exists()
    assert not reviews_due(visible_cases(charlie), TODAY).exists()
    request_plan_closure(alice, plan, "other", "Причина")
    assert services_overdue(visible_cases(alice), TODAY).count() == 5  # still open
    approve_plan_closure(carol, plan)
    assert not services_overdue(visible_cases(alice), TODAY).exists()
    assert not reviews_due(visible_cases(alice), TODAY).exists()
    assert open_plan(plan.case) is None


def test_one_query_each_however_many_plans(alice, open_case, django_assert_num_queries):
    for ago in (31, 35, 40, 45):
        plan_started(alice, open_case, ago)
    cases = Case.objects.all()
    with django_assert_num_queries(1):
        assert (
            len([(r.case_code, r.review_on, r.case.code) for r in reviews_due(cases, TODAY)]) == 4
        )
    with django_assert_num_queries(1):
        rows = [(r.case_code, r.due_on, r.service.name) for r in services_overdue(cases, TODAY)]
    assert len(rows) == 20


def test_open_plan(alice, eligible_case):
    assert open_plan(eligible_case) is None
    plan = generate_plan(alice, eligible_case)
    assert open_plan(eligible_case) == plan
