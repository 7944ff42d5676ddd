"""Sending a referral: who may, to whom, for what, and how much of the case it shares:
what a consent in force allows; without one, the minimum for protection in an
emergency; beyond that only by an override, with a ground and a reason, flagged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qamqor.accounts.models import Agency, Notification
from qamqor.audit.models import AuditEvent
from qamqor.conftest import close_case, make_agency
from qamqor.referrals.models import (
    DataScope,
    OverrideGround,
    Referral,
    ReferralPurpose,
    ReferralStatus,
)
from qamqor.services.models import Service

from .referral_support import consent, crisis_centre, refer

REASON = "The child is in immediate danger at home tonight."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(region):
    return crisis_centre(region)


def refused(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(messages) for field, messages in error.message_dict.items()}


def test_a_referral_on_consent_shares_what_it_allows_and_answers_in_the_urgency_s_period(
    alice, case, centre
):
    given = consent(case, alice, DataScope.IDENTITY, agency=centre.agency)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    assert referral.status == ReferralStatus.SENT
    assert referral.consent == given and referral.from_agency == case.owner_agency
    assert referral.respond_by - referral.sent_at == datetime.timedelta(hours=24)
    assert [t.code for t in referral.service_types.all()] == ["social_psychological"]


def test_the_widest_consent_is_the_one_referred_on(alice, case, centre):
    consent(case, alice, DataScope.MINIMUM)
    wide = consent(case, alice, DataScope.FULL, agency=centre.agency)
    assert refer(alice, case, centre.agency, DataScope.IDENTITY).consent == wide


@pytest.mark.parametrize(
    ("granted", "asked"),
    [(DataScope.MINIMUM, DataScope.IDENTITY), (DataScope.IDENTITY, DataScope.FULL)],
)
def test_no_more_than_the_consent_allows(alice, case, centre, granted, asked):
    consent(case, alice, granted, agency=centre.agency)
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency, asked)
    assert "No consent in force allows sharing" in refused(error.value)["scope"]
    assert not Referral.objects.exists()


def test_a_consent_naming_another_agency_does_not_cover_this_one(alice, case, centre, region):
    other = make_agency(region, name="Other centre")
    consent(case, alice, DataScope.FULL, agency=other)
    with pytest.raises(ValidationError):
        refer(alice, case, centre.agency, DataScope.IDENTITY)


@pytest.mark.parametrize("change", ["withdrawn", "expired", "refused", "not yet given"])
def test_a_consent_not_in_force_covers_nothing(alice, case, centre, change):
    from qamqor.clock import now, today

    day = datetime.timedelta(days=1)
    fields = {
        "withdrawn": {"withdrawn_at": now()},
        "expired": {"given_on": today() - 10 * day, "expires_on": today() - day},
        "refused": {"given": False},
        "not yet given": {"given_on": today() + day},
    }[change]
    consent(case, alice, DataScope.FULL, agency=centre.agency, **fields)
    with pytest.raises(ValidationError):
        refer(alice, case, centre.agency, DataScope.IDENTITY)


def test_without_consent_the_minimum_for_protection_in_an_emergency(alice, case, centre):
    referral = refer(
        alice, case, centre.agency, DataScope.MINIMUM,
        purpose=ReferralPurpose.PROTECTION, urgency_code="emergency",
    )  # fmt: skip
    assert referral.consent is None and not referral.is_override
    assert referral.respond_by - referral.sent_at == datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    ("purpose", "urgency_code"),
    [
        (ReferralPurpose.PROTECTION, "urgent"),
        (ReferralPurpose.SERVICES, "emergency"),
        (ReferralPurpose.IDENTIFICATION, "emergency"),
    ],
)
def test_without_consent_nothing_else_is_shared(alice, case, centre, purpose, urgency_code):
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency, DataScope.MINIMUM, purpose=purpose,
              urgency_code=urgency_code)  # fmt: skip
    assert "only an emergency referral for protection" in refused(error.value)["scope"]


def test_which_urgency_is_an_emergency_is_data(alice, case, centre):
    from qamqor.referrals.models import Urgency

    Urgency.objects.filter(code="urgent").update(emergency=True)
    referral = refer(
        alice, case, centre.agency, DataScope.MINIMUM, purpose=ReferralPurpose.PROTECTION
    )
    assert referral.urgency.code == "urgent"


def test_a_supervisor_overrides_consent_on_a_ground_with_a_reason_flagged(carol, case, centre):
    referral = refer(
        carol, case, centre.agency, DataScope.IDENTITY, purpose=ReferralPurpose.PROTECTION,
        urgency_code="emergency", override_ground=OverrideGround.CHILD_BEST_INTERESTS,
        override_reason=REASON,
    )  # fmt: skip
    assert referral.is_override and referral.consent is None
    assert referral.override_reason == REASON
    event = AuditEvent.objects.get(action="referral.send")
    assert event.details["flagged"] is True
    assert event.details["override_ground"] == "child_best_interests"
    assert REASON not in str(event.details)


def test_a_case_worker_may_not_override(alice, case, centre):
    with pytest.raises(PermissionDenied):
        refer(alice, case, centre.agency, DataScope.IDENTITY,
              override_ground=OverrideGround.THREAT_TO_LIFE, override_reason=REASON)  # fmt: skip
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("ground", "reason", "field"),
    [
        ("", REASON, "override_ground"),
        ("because", REASON, "override_ground"),
        (OverrideGround.THREAT_TO_LIFE, "Danger.", "override_reason"),
        (OverrideGround.THREAT_TO_LIFE, "   ", "override_reason"),
    ],
)
def test_an_override_needs_one_of_the_two_grounds_and_a_written_reason(
    carol, case, centre, ground, reason, field
):
    with pytest.raises(ValidationError) as error:
        refer(carol, case, centre.agency, DataScope.IDENTITY,
              override_ground=ground, override_reason=reason)  # fmt: skip
    assert field in error.value.message_dict
    assert not Referral.objects.exists()


def test_no_override_where_a_consent_covers_the_referral(carol, case, centre):
    consent(case, carol, DataScope.FULL)
    with pytest.raises(ValidationError) as error:
        refer(carol, case, centre.agency, DataScope.IDENTITY,
              override_ground=OverrideGround.THREAT_TO_LIFE, override_reason=REASON)  # fmt: skip
    assert "A consent in force covers" in refused(error.value)["override_ground"]


@pytest.mark.parametrize("outsider", ["bob", "charlie", "dana", "gulnara"])
def test_only_those_who_may_change_the_case_refer_it(request, case, centre, outsider):
    with pytest.raises(PermissionDenied):
        refer(request.getfixturevalue(outsider), case, centre.agency, DataScope.MINIMUM,
              purpose=ReferralPurpose.PROTECTION, urgency_code="emergency")  # fmt: skip


def test_not_to_its_own_agency_nor_to_one_that_no_longer_works(alice, case, agency, centre):
    consent(case, alice, DataScope.FULL)
    with pytest.raises(ValidationError) as error:
        refer(alice, case, agency, DataScope.IDENTITY)
    assert "another agency" in refused(error.value)["to_agency"]
    Agency.objects.filter(pk=centre.agency.pk).update(is_active=False)
    centre.agency.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency, DataScope.IDENTITY)
    assert "no longer works" in refused(error.value)["to_agency"]


def test_a_referral_for_services_names_them_and_only_it_does(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency, service_types=[], services=[])
    assert "at least one service" in refused(error.value)["services"]
    counselling = Service.objects.get(code="individual_counselling")
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency, purpose=ReferralPurpose.IDENTIFICATION,
              services=[counselling])  # fmt: skip
    assert "only in a referral for services" in refused(error.value)["services"]
    referral = refer(alice, case, centre.agency, services=[counselling])
    assert list(referral.services.all()) == [counselling]


def test_one_open_referral_per_agency(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    refer(alice, case, centre.agency)
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency)
    assert "open referral to this agency already" in refused(error.value)["to_agency"]
    assert Referral.objects.count() == 1


def test_a_closed_case_is_not_referred(alice, carol, case, centre):
    consent(case, alice, DataScope.FULL)
    close_case(case, alice, carol)
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency)
    assert "closed case" in " ".join(error.value.messages)


def test_the_receiving_agency_is_told_without_the_message(alice, case, centre, region):
    consent(case, alice, DataScope.FULL)
    refer(alice, case, centre.agency, message="Сәрсенбаева needs a place tonight")
    told = Notification.objects.filter(kind="referral_received")
    assert {n.recipient for n in told} == {centre.worker, centre.supervisor}
    assert all(n.case_code == case.code for n in told)
    assert "Сәрсенбаева" not in str([n.params for n in told])
    event = AuditEvent.objects.get(action="referral.send")
    assert event.case_code == case.code and event.details["scope"] == "identity"
    assert "Сәрсенбаева" not in str(event.details) and "flagged" not in event.details


def test_bad_choices_are_refused_per_field(alice, case, centre):
    with pytest.raises(ValidationError) as error:
        refer(alice, case, centre.agency, scope="everything", purpose="gossip")
    assert {"purpose", "scope"} <= set(error.value.message_dict)


def test_urgencies_are_data_with_their_periods():
    from qamqor.referrals.models import Urgency

    rows = [(u.code, u.response_minutes, u.emergency) for u in Urgency.objects.all()]
    assert rows == [("emergency", 60, True), ("urgent", 1440, False), ("routine", 4320, False)]
