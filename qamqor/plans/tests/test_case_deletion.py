"""A plan with deliveries never blocks the deletion of its whole case (its eligibility
decision and planned services go with it), while each alone stays protected."""

import pytest
from django.db.models import RestrictedError

from qamqor.plans.actions import record_delivery
from qamqor.plans.models import Delivery, PlannedService, ServicePlan

from .conftest import TODAY


def test_deleting_the_case_deletes_its_plan(alice, plan):
    record_delivery(
        alice, plan, planned_service=plan.services.first(), delivered_on=TODAY, outcome="delivered"
    )
    plan.case.delete()
    assert not ServicePlan.objects.exists()
    assert not PlannedService.objects.exists() and not Delivery.objects.exists()


def test_the_decision_and_a_delivered_service_stay_while_the_plan_does(alice, plan):
    planned = plan.services.first()
    record_delivery(alice, plan, planned_service=planned, delivered_on=TODAY, outcome="delivered")
    with pytest.raises(RestrictedError):
        plan.eligibility_decision.delete()
    with pytest.raises(RestrictedError):
        planned.delete()
