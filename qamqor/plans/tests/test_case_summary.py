"""{% plan_summary case %} on the case file: status, review date, overdue services and a
link; never a goal or a note."""

from django.template import Context, Template

from qamqor.plans.actions import (
    add_goal,
    approve_plan_closure,
    generate_plan,
    request_plan_closure,
)

from .conftest import TODAY, days

GOAL = "Научиться водить машину"


def summary(case):
    return Template("{% load plans %}{% plan_summary case %}").render(Context({"case": case}))


def test_no_plan(eligible_case):
    body = summary(eligible_case)
    assert "This case has no service plan." in body
    assert f"/cases/{eligible_case.code}/plan/" in body


def test_an_open_plan_with_overdue_services(alice, plan):
    add_goal(alice, plan, GOAL)
    body = summary(plan.case)
    assert "Active" in body and plan.review_on.strftime("%d.%m.%Y") in body
    assert '<strong class="flag">5</strong>' in body
    assert GOAL not in body


def test_a_closed_plan(alice, carol, plan):
    request_plan_closure(alice, plan, "other", "Причина")
    approve_plan_closure(carol, plan)
    body = summary(plan.case)
    assert "Closed" in body and TODAY.strftime("%d.%m.%Y") in body


def test_two_queries_at_most(alice, eligible_case, django_assert_max_num_queries):
    generate_plan(alice, eligible_case, started_on=TODAY - days(3))
    with django_assert_max_num_queries(2):
        summary(eligible_case)
