"""The receiving agency of a live referral for services records the deliveries of what
it was asked for against the owning agency's plan; the owner sees them on the plan page
and on the referral. Nothing else: not another service, not in another provider's name,
not once the referral has ended."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from qamqor.assessments.actions import record_eligibility_decision
from qamqor.assessments.models import Eligibility
from qamqor.clock import today
from qamqor.conftest import signed_in
from qamqor.plans.actions import (
    add_planned_service,
    generate_plan,
    may_record_delivery,
    record_delivery,
)
from qamqor.plans.models import Delivery, DeliveryOutcome, PlannedService
from qamqor.referrals.models import DataScope, ReferralPurpose
from qamqor.referrals.referral_actions import (
    accept_referral,
    complete_referral,
    revoke_referral,
)
from qamqor.services.models import Service, ServiceSetting

from .referral_support import consent, crisis_centre, fresh, refer


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(region):
    return crisis_centre(region)


@pytest.fixture
def plan(alice, make_case):
    case = make_case(opened_on=today() - datetime.timedelta(days=30))
    record_eligibility_decision(
        alice, case, decision=Eligibility.ELIGIBLE, deciding_body="Commission",
        decided_on=today() - datetime.timedelta(days=20), reasons="Criteria met",
    )  # fmt: skip
    return generate_plan(alice, case, started_on=today() - datetime.timedelta(days=10))


def planned(plan, code, provider):
    """A planned service of `code` by `provider`, added by the plan's owner."""
    service = Service.objects.get(code=code)
    return add_planned_service(
        plan.case.created_by, plan, service=service, provider=provider,
        setting=ServiceSetting.objects.first(), due_on=today() + datetime.timedelta(days=7),
    )  # fmt: skip


@pytest.fixture
def asked(alice, plan, centre):
    """A live referral asking the centre for individual counselling."""
    consent(plan.case, alice, DataScope.IDENTITY)
    referral = refer(
        alice, plan.case, centre.agency, DataScope.IDENTITY,
        services=[Service.objects.get(code="individual_counselling")],
    )  # fmt: skip
    accept_referral(centre.worker, referral)
    return referral


def deliver(user, plan, planned_service, provider):
    return record_delivery(
        user, plan, planned_service=planned_service, provider=provider,
        delivered_on=today(), outcome=DeliveryOutcome.DELIVERED,
    )  # fmt: skip


def test_the_receiving_agency_records_the_service_it_was_asked_for(alice, plan, centre, asked):
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    worker = fresh(centre.worker)
    assert may_record_delivery(worker, plan)
    delivery = deliver(worker, plan, counselling, centre.agency)
    assert delivery.plan == plan and delivery.provider == centre.agency
    assert delivery.recorded_by == centre.worker


def test_and_the_planned_services_it_is_named_provider_of(plan, centre, asked):
    accommodation = planned(plan, "accommodation", centre.agency)
    deliver(fresh(centre.worker), plan, accommodation, centre.agency)
    assert Delivery.objects.filter(planned_service=accommodation).exists()


def test_a_service_type_asked_for_covers_its_services(alice, plan, centre):
    consent(plan.case, alice, DataScope.MINIMUM)
    accept_referral(centre.worker, refer(alice, plan.case, centre.agency, DataScope.MINIMUM))
    support_group = planned(plan, "support_group", plan.case.owner_agency)  # psychological
    deliver(fresh(centre.worker), plan, support_group, centre.agency)


def test_but_nothing_else(plan, centre, asked):
    legal = planned(plan, "legal_consultation", plan.case.owner_agency)
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    worker = fresh(centre.worker)
    with pytest.raises(PermissionDenied):
        deliver(worker, plan, legal, centre.agency)  # not asked for
    with pytest.raises(PermissionDenied):
        deliver(worker, plan, counselling, plan.case.owner_agency)  # in the owner's name
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("end", ["revoked", "completed"])
def test_not_once_the_referral_has_ended(alice, plan, centre, asked, end):
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    if end == "revoked":
        revoke_referral(alice, asked)
    else:
        complete_referral(centre.worker, asked, "Done.")
    worker = fresh(centre.worker)
    assert not may_record_delivery(worker, plan)
    with pytest.raises(PermissionDenied):
        deliver(worker, plan, counselling, centre.agency)


def test_not_before_the_referral_is_accepted_nor_for_another_purpose(alice, plan, centre, region):
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    consent(plan.case, alice, DataScope.IDENTITY)
    refer(alice, plan.case, centre.agency, DataScope.IDENTITY,
          services=[counselling.service])  # fmt: skip
    assert not may_record_delivery(fresh(centre.worker), plan)
    police = crisis_centre(region, prefix="p_", name="Police C")
    accept_referral(
        police.worker,
        refer(
            alice, plan.case, police.agency, DataScope.IDENTITY, purpose=ReferralPurpose.PROTECTION
        ),  # fmt: skip
    )
    assert not may_record_delivery(fresh(police.worker), plan)


def test_recorded_from_the_referral_page_and_seen_by_the_owner(alice, plan, centre, asked):
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    planned(plan, "legal_consultation", plan.case.owner_agency)
    url = reverse("referrals:detail", args=[plan.case.code, asked.pk])
    client = signed_in(centre.worker)
    page = client.get(url).content.decode()
    options = re.findall(r'<option value="(\d+)"', page)
    assert options == [str(counselling.pk)]  # only what the referral is for
    delivered = client.post(
        reverse("referrals:referral_delivery", args=[plan.case.code, asked.pk]),
        {
            "planned_service": counselling.pk,
            "delivered_on": today().isoformat(),
            "duration_minutes": 50,
            "outcome": DeliveryOutcome.DELIVERED,
            "notes": "First session.",
        },
    )
    assert delivered.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.provider == centre.agency and delivery.duration_minutes == 50
    owner = signed_in(alice)
    plan_page = owner.get(reverse("plans:page", args=[plan.case.code])).content.decode()
    assert "Crisis centre C" in plan_page and "dina" in plan_page
    assert "dina" in owner.get(url).content.decode()  # the owner follows the progress


def test_a_bad_delivery_is_refused_on_its_field(plan, centre, asked):
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    response = signed_in(centre.worker).post(
        reverse("referrals:referral_delivery", args=[plan.case.code, asked.pk]),
        {
            "planned_service": counselling.pk,
            "delivered_on": (today() + datetime.timedelta(days=3)).isoformat(),
            "outcome": DeliveryOutcome.DELIVERED,
        },
    )
    assert response.status_code == 400 and 'class="error"' in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_planned_service_outside_the_referral_is_refused_by_the_form(plan, centre, asked):
    legal = planned(plan, "legal_consultation", plan.case.owner_agency)
    response = signed_in(centre.worker).post(
        reverse("referrals:referral_delivery", args=[plan.case.code, asked.pk]),
        {"planned_service": legal.pk, "delivered_on": today().isoformat(), "outcome": "delivered"},
    )
    assert response.status_code == 400
    assert not Delivery.objects.exists()
    assert PlannedService.objects.filter(pk=legal.pk).exists()


def test_the_owner_may_not_record_through_the_referral(alice, plan, centre, asked):
    counselling = planned(plan, "individual_counselling", plan.case.owner_agency)
    response = signed_in(alice).post(
        reverse("referrals:referral_delivery", args=[plan.case.code, asked.pk]),
        {
            "planned_service": counselling.pk,
            "delivered_on": today().isoformat(),
            "outcome": "delivered",
        },  # fmt: skip
    )
    assert response.status_code == 403
