"""Closing a plan: a case editor requests it with an outcome and a reason; an approver of
the owning agency other than the requester approves or refuses; approvers and requester
are told."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.accounts.models import Notification
from qamqor.conftest import make_user
from qamqor.plans.actions import (
    add_goal,
    approve_plan_closure,
    refuse_plan_closure,
    request_plan_closure,
    withdraw_plan_closure,
)
from qamqor.plans.models import PlanOutcome, PlanStatus, ServicePlan

from .conftest import TODAY

REASON = "Нашла работу и жильё, помощь больше не нужна"


def reloaded(plan):
    return ServicePlan.objects.get(pk=plan.pk)


def test_request_then_approval_closes_the_plan(alice, carol, plan):
    request_plan_closure(alice, plan, PlanOutcome.GOALS_ACHIEVED, REASON)
    assert plan.status == PlanStatus.CLOSURE_REQUESTED
    approve_plan_closure(carol, plan)
    stored = reloaded(plan)
    assert stored.status == PlanStatus.CLOSED and stored.closed_on == TODAY
    assert stored.outcome == PlanOutcome.GOALS_ACHIEVED and stored.closure_reason == REASON
    assert (stored.closure_requested_by, stored.closure_decided_by) == (alice, carol)


def test_the_agency_approvers_are_told_and_then_the_requester(alice, carol, agency, plan):
    other_supervisor = make_user("saule", agency, role="supervisor")
    request_plan_closure(alice, plan, PlanOutcome.SERVICES_COMPLETED, REASON)
    told = Notification.objects.filter(kind="plan_closure_requested")
    assert {n.recipient for n in told} == {carol, other_supervisor}
    assert {n.case_code for n in told} == {plan.case.code}
    assert all(REASON not in str(n.params) for n in told)
    approve_plan_closure(carol, plan)
    assert Notification.objects.get(kind="plan_closure_approved").recipient == alice


def test_a_refusal_keeps_the_plan_open_and_says_why(alice, carol, plan):
    request_plan_closure(alice, plan, PlanOutcome.DECLINED, REASON)
    refuse_plan_closure(carol, plan, "Сначала завершите юридическую консультацию")
    stored = reloaded(plan)
    assert stored.status == PlanStatus.ACTIVE
    assert stored.refusal_reason.startswith("Сначала") and stored.closure_decided_by == carol
    assert Notification.objects.get(kind="plan_closure_refused").recipient == alice
    # The plan goes on and may be requested again; the new request clears the refusal.
    add_goal(alice, plan, "Найти работу")
    request_plan_closure(alice, plan, PlanOutcome.GOALS_ACHIEVED, REASON)
    assert reloaded(plan).refusal_reason == ""


def test_the_requester_cannot_decide_their_own_request(carol, plan):
    request_plan_closure(carol, plan, PlanOutcome.OTHER, REASON)
    with pytest.raises(PermissionDenied):
        approve_plan_closure(carol, plan)
    with pytest.raises(PermissionDenied):
        refuse_plan_closure(carol, plan, "Передумала")
    assert reloaded(plan).status == PlanStatus.CLOSURE_REQUESTED
    assert not Notification.objects.filter(kind="plan_closure_requested", recipient=carol)


def test_someone_without_the_capability_cannot_decide(alice, bob, charlie, gulnara, carol, plan):
    request_plan_closure(carol, plan, PlanOutcome.OTHER, REASON)
    for user in (alice, bob, charlie, gulnara):
        with pytest.raises(PermissionDenied):
            approve_plan_closure(user, plan)
        with pytest.raises(PermissionDenied):
            refuse_plan_closure(user, plan, "Нет")
    assert reloaded(plan).status == PlanStatus.CLOSURE_REQUESTED


def test_a_supervisor_of_another_agency_cannot_decide(alice, plan, other_agency):
    stranger = make_user("marat", other_agency, role="supervisor")
    request_plan_closure(alice, plan, PlanOutcome.OTHER, REASON)
    with pytest.raises(PermissionDenied):
        approve_plan_closure(stranger, plan)


def test_only_case_editors_request(bob, gulnara, plan):
    for user in (bob, gulnara):
        with pytest.raises(PermissionDenied):
            request_plan_closure(user, plan, PlanOutcome.OTHER, REASON)
    assert reloaded(plan).status == PlanStatus.ACTIVE


@pytest.mark.parametrize(
    ("outcome", "reason", "field"),
    [("", REASON, "outcome"), ("vanished", REASON, "outcome"), ("other", "  ", "reason")],
)
def test_a_request_needs_an_outcome_and_a_reason(alice, plan, outcome, reason, field):
    with pytest.raises(ValidationError) as refused:
        request_plan_closure(alice, plan, outcome, reason)
    assert field in refused.value.message_dict
    assert reloaded(plan).status == PlanStatus.ACTIVE


def test_a_refusal_needs_a_reason(alice, carol, plan):
    request_plan_closure(alice, plan, PlanOutcome.OTHER, REASON)
    with pytest.raises(ValidationError):
        refuse_plan_closure(carol, plan, " ")
    assert reloaded(plan).status == PlanStatus.CLOSURE_REQUESTED


def test_nothing_to_decide_without_a_request(carol, plan):
    with pytest.raises(ValidationError) as refused:
        approve_plan_closure(carol, plan)
    assert "No closure of this plan is awaiting approval." in refused.value.messages


def test_a_second_request_is_refused(alice, carol, plan):
    request_plan_closure(alice, plan, PlanOutcome.OTHER, REASON)
    with pytest.raises(ValidationError):
        request_plan_closure(carol, plan, PlanOutcome.OTHER, REASON)


def test_a_request_can_be_withdrawn(alice, plan):
    request_plan_closure(alice, plan, PlanOutcome.OTHER, REASON)
    withdraw_plan_closure(alice, plan)
    assert reloaded(plan).status == PlanStatus.ACTIVE


def test_a_closed_plan_cannot_be_changed(alice, carol, plan):
    request_plan_closure(alice, plan, PlanOutcome.OTHER, REASON)
    approve_plan_closure(carol, plan)
    with pytest.raises(ValidationError) as refused:
        add_goal(alice, plan, "Ещё одна цель")
    assert "This plan is closed" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        approve_plan_closure(carol, plan)
