"""Every change to a plan is in the audit log, with codes and dates but never the
person's words; those words are encrypted in the database."""

import pytest
from django.core.exceptions import ValidationError

from qamqor.audit.models import AuditEvent
from qamqor.cases.models import Grounds
from qamqor.plans.actions import (
    add_goal,
    approve_plan_closure,
    extend_plan,
    generate_plan,
    record_delivery,
    refuse_plan_closure,
    request_plan_closure,
    set_review_date,
)
from qamqor.plans.models import Delivery, Goal, PlanExtension, ServicePlan
from qamqor.services.models import ExtensionReason
from qamqor.vault.tests.helpers import stored

from .conftest import TODAY, days, decide

GOAL = "Вернуть паспорт и уехать домой к маме"
NOTE = "Плакала, говорили о брате"
REASON = "Уехала к родственникам в Шымкент"
EXTENSION = "Идёт суд по делу работодателя"


def test_every_change_is_recorded_without_the_words(alice, carol, open_case):
    case = open_case(grounds=Grounds.TRAFFICKING)  # a standard with extensions
    decide(alice, case)
    plan = generate_plan(alice, case, started_on=TODAY - days(5))
    goal = add_goal(alice, plan, GOAL)
    delivery = record_delivery(
        alice,
        plan,
        planned_service=plan.services.first(),
        delivered_on=TODAY,
        outcome="delivered",
        notes=NOTE,
    )
    extension = extend_plan(
        alice,
        plan,
        reason=ExtensionReason.objects.get(code="criminal_proceedings"),
        days=30,
        note=EXTENSION,
    )
    set_review_date(alice, plan, TODAY + days(10))
    request_plan_closure(alice, plan, "moved_or_lost_contact", REASON)
    refuse_plan_closure(carol, plan, "Попробуйте связаться ещё раз")
    request_plan_closure(alice, plan, "moved_or_lost_contact", REASON)
    approve_plan_closure(carol, plan)

    events = list(AuditEvent.objects.filter(action__startswith="plan.").order_by("sequence"))
    assert [e.action for e in events] == [
        "plan.generate",
        "plan.goal.create",
        "plan.delivery.create",
        "plan.extend",
        "plan.review_date",
        "plan.closure_request",
        "plan.closure_refuse",
        "plan.closure_request",
        "plan.closure_approve",
    ]
    assert {e.case_code for e in events} == {case.code}
    assert [e.actor_username for e in events][-3:] == ["carol", "alice", "carol"]
    generated = events[0].details
    assert generated["standard"] == "trafficking-2023" and len(generated["services"]) == 8
    assert events[3].details["days"] == 30 and events[3].details["reason"] == "criminal_proceedings"
    everything = str([e.details for e in events])
    for words in (GOAL, NOTE, REASON, EXTENSION, "Попробуйте"):
        assert words not in everything

    assert stored(Goal, "text", goal.pk) != GOAL and GOAL not in stored(Goal, "text", goal.pk)
    assert NOTE not in stored(Delivery, "notes", delivery.pk)
    assert EXTENSION not in stored(PlanExtension, "note", extension.pk)
    assert REASON not in stored(ServicePlan, "closure_reason", plan.pk)
    assert Goal.objects.get().text == GOAL


def test_a_refused_change_records_nothing(alice, plan):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        add_goal(alice, plan, GOAL, agreed_on=TODAY + days(1))
    assert AuditEvent.objects.count() == before
