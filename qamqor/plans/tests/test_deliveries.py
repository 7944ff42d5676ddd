"""The delivery log: who may record a delivery, and deliveries that contradict the plan."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.plans.actions import may_record_delivery, record_delivery
from qamqor.plans.models import Delivery, DeliveryOutcome, PlannedService
from qamqor.services.models import Service

from .conftest import TODAY, days


def crisis(plan):
    return PlannedService.objects.get(plan=plan, service__code="crisis_support")


def test_a_planned_delivery_takes_the_planned_service_and_provider(alice, plan, agency):
    delivery = record_delivery(
        alice,
        plan,
        planned_service=crisis(plan),
        delivered_on=TODAY,
        duration_minutes=50,
        outcome=DeliveryOutcome.DELIVERED,
        notes="Говорили о безопасности",
    )
    assert delivery.service.code == "crisis_support" and delivery.provider == agency
    assert delivery.recorded_by == alice


def test_a_delivery_by_another_provider_outside_the_plan(alice, plan, other_agency):
    delivery = record_delivery(
        alice,
        plan,
        service=Service.objects.get(code="law_enforcement_escort"),
        provider=other_agency,
        delivered_on=TODAY - days(1),
        outcome=DeliveryOutcome.DELIVERED,
    )
    assert delivery.planned_service is None and delivery.provider == other_agency


def test_the_owning_agency_editors_record_deliveries(alice, carol, bob, charlie, gulnara, plan):
    assert may_record_delivery(alice, plan, plan.case.owner_agency)
    assert may_record_delivery(carol, plan)
    for user in (bob, charlie, gulnara):
        assert not may_record_delivery(user, plan)
        with pytest.raises(PermissionDenied):
            record_delivery(
                user, plan, planned_service=crisis(plan), delivered_on=TODAY, outcome="delivered"
            )
    assert not Delivery.objects.exists()


def test_another_agency_may_not_record_even_for_itself(charlie, plan, other_agency):
    """Until referrals exist, a provider that is not the owner records nothing."""
    assert not may_record_delivery(charlie, plan, other_agency)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"delivered_on": TODAY + days(1)}, "delivered_on", "This date is in the future."),
        (
            {"delivered_on": TODAY - days(41)},
            "delivered_on",
            "A delivery cannot come before the plan starts (21.01.2026).",
        ),
        ({"duration_minutes": 0}, "duration_minutes", "Give a duration greater than zero."),
        ({"outcome": "teleported"}, "outcome", "Choose the outcome."),
        (
            {"service": "law_enforcement_escort"},
            "service",
            "The service differs from the planned service.",
        ),
    ],
)
def test_contradictory_deliveries_are_refused(alice, plan, fields, field, message):
    values = {"planned_service": crisis(plan), "delivered_on": TODAY, "outcome": "delivered"}
    values.update(fields)
    if isinstance(values.get("service"), str):
        values["service"] = Service.objects.get(code=values["service"])
    with pytest.raises(ValidationError) as refused:
        record_delivery(alice, plan, **values)
    assert message in refused.value.message_dict[field]
    assert not Delivery.objects.exists()


def test_a_service_of_another_plan_is_refused(alice, plan, open_case):
    from qamqor.plans.actions import generate_plan

    from .conftest import decide

    other_case = open_case()
    decide(alice, other_case)
    other = generate_plan(alice, other_case)
    with pytest.raises(ValidationError) as refused:
        record_delivery(
            alice, plan, planned_service=crisis(other), delivered_on=TODAY, outcome="delivered"
        )
    assert "This service is not in this plan." in refused.value.message_dict["planned_service"]
    assert not Delivery.objects.exists()


def test_without_a_planned_service_the_service_and_provider_are_needed(alice, plan):
    with pytest.raises(ValidationError) as refused:
        record_delivery(alice, plan, delivered_on=TODAY, outcome="delivered")
    assert set(refused.value.message_dict) == {"service", "provider"}


def test_a_double_submission_records_once(alice, plan):
    key = uuid.uuid4()
    for _ in range(2):
        record_delivery(
            alice,
            plan,
            planned_service=crisis(plan),
            delivered_on=TODAY,
            outcome="delivered",
            submission_key=key,
        )
    assert Delivery.objects.count() == 1
