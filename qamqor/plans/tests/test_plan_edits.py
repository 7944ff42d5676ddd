"""Editing a plan: goals, planned services and the review date; bad input changes
nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.plans.actions import (
    add_goal,
    add_planned_service,
    change_planned_service,
    record_delivery,
    remove_planned_service,
    set_review_date,
    update_goal,
)
from qamqor.plans.models import Frequency, Goal, GoalStatus, PlannedService, ServicePlan
from qamqor.services.models import Service, ServiceSetting

from .conftest import TODAY, days

WORDS = "Хочу, чтобы дети снова пошли в школу"


def setting(code="inpatient"):
    return ServiceSetting.objects.get(code=code)


def service(code="meals"):
    return Service.objects.get(code=code)


def snapshot():
    return (
        list(Goal.objects.values()),
        list(PlannedService.objects.values()),
        list(ServicePlan.objects.values()),
    )


def test_goals_in_the_persons_words(alice, plan):
    goal = add_goal(alice, plan, f"  {WORDS} ", agreed_on=TODAY - days(1))
    assert (goal.text, goal.status) == (WORDS, GoalStatus.OPEN)
    update_goal(alice, goal, status=GoalStatus.ACHIEVED)
    update_goal(alice, goal, text="Дети ходят в школу")
    stored = Goal.objects.get()
    assert (stored.text, stored.status) == ("Дети ходят в школу", GoalStatus.ACHIEVED)


@pytest.mark.parametrize(
    ("text", "agreed_on", "field"),
    [
        ("", TODAY, "text"),
        (WORDS, TODAY + days(1), "agreed_on"),
        (WORDS, TODAY - days(41), "agreed_on"),
    ],
)
def test_a_bad_goal_is_refused(alice, plan, text, agreed_on, field):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        add_goal(alice, plan, text, agreed_on=agreed_on)
    assert field in refused.value.message_dict
    assert snapshot() == before


def test_an_unknown_goal_status_is_refused(alice, plan):
    goal = add_goal(alice, plan, WORDS)
    with pytest.raises(ValidationError):
        update_goal(alice, goal, status="forgotten")
    assert Goal.objects.get().status == GoalStatus.OPEN


def test_a_service_is_added_changed_and_removed(alice, plan, other_agency):
    planned = add_planned_service(
        alice,
        plan,
        service=service(),
        provider=plan.case.owner_agency,
        setting=setting(),
        frequency=Frequency.DAILY,
        due_on=TODAY + days(3),
        notes="Диета без глютена",
    )
    change_planned_service(
        alice, planned, provider=other_agency, setting=setting("temporary_stay"), due_on=TODAY
    )
    stored = PlannedService.objects.get(pk=planned.pk)
    assert (stored.provider, stored.setting.code, stored.due_on) == (
        other_agency,
        "temporary_stay",
        TODAY,
    )
    assert stored.notes == "Диета без глютена"
    remove_planned_service(alice, stored)
    assert not PlannedService.objects.filter(pk=planned.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"due_on": TODAY - days(41)}, "due_on", "cannot be due before the plan starts"),
        ({"setting": "home_based"}, "setting", "does not provide for this setting"),
        ({"frequency": "hourly"}, "frequency", "is not a valid choice"),
    ],
)
def test_a_contradictory_service_is_refused(alice, plan, fields, field, message):
    values = {
        "service": service(),
        "provider": plan.case.owner_agency,
        "setting": setting(),
        "due_on": TODAY,
    }
    values.update(fields)
    if isinstance(values["setting"], str):
        values["setting"] = setting(values["setting"])
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        add_planned_service(alice, plan, **values)
    assert message in " ".join(refused.value.message_dict[field])
    assert snapshot() == before


def test_a_contradictory_change_changes_nothing(alice, plan):
    planned = plan.services.first()
    before = snapshot()
    with pytest.raises(ValidationError):
        change_planned_service(alice, planned, due_on=TODAY - days(60), frequency="daily")
    assert snapshot() == before


def test_the_service_itself_cannot_be_changed(alice, plan):
    with pytest.raises(ValueError):
        change_planned_service(alice, plan.services.first(), service=service())


def test_a_service_with_deliveries_stays(alice, plan):
    planned = plan.services.first()
    record_delivery(alice, plan, planned_service=planned, delivered_on=TODAY, outcome="delivered")
    with pytest.raises(ValidationError) as refused:
        remove_planned_service(alice, planned)
    assert "it stays in the plan" in refused.value.messages[0]
    assert PlannedService.objects.filter(pk=planned.pk).exists()


def test_the_review_date_is_set_not_in_the_past(alice, plan):
    set_review_date(alice, plan, TODAY + days(14))
    assert ServicePlan.objects.get().review_on == TODAY + days(14)
    with pytest.raises(ValidationError) as refused:
        set_review_date(alice, plan, TODAY - days(1))
    assert "review_on" in refused.value.message_dict
    assert ServicePlan.objects.get().review_on == TODAY + days(14)


def test_others_cannot_edit(bob, charlie, gulnara, plan):
    goal_count = Goal.objects.count()
    for user in (bob, charlie, gulnara):
        with pytest.raises(PermissionDenied):
            add_goal(user, plan, WORDS)
        with pytest.raises(PermissionDenied):
            set_review_date(user, plan, TODAY + days(3))
        with pytest.raises(PermissionDenied):
            remove_planned_service(user, plan.services.first())
    assert Goal.objects.count() == goal_count and plan.services.count() == 5
