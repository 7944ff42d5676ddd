"""Withdrawing a consent: at once, ending exactly the shares that rested on it, telling the
recipients that their access ended (never why, never who), on the audit record."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.accounts.models import Notification
from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency, make_user
from qamqor.referrals.consent_actions import withdraw_consent
from qamqor.referrals.consents import consents_in_force, covering_consent
from qamqor.referrals.models import DataScope, Referral, ReferralStatus

from . import consent_helpers
from .consent_helpers import TODAY, make_referral, noon

# The shared fixtures, named here so that pytest finds them in this module.
_english = consent_helpers._english
media = consent_helpers.media
frozen_today = consent_helpers.frozen_today
consent_for = consent_helpers.consent_for

REASON_WORDS = ("withdraw", "consent", "отозв", "соглас", "келісім")


@pytest.fixture
def shelter(region):
    return make_agency(region, kind="crisis_centre_state", name="Shelter")


@pytest.fixture
def shelter_staff(shelter, region):
    """A worker and a supervisor who reach the shelter's cases, and an administrator
    of it who reaches none."""
    worker = make_user("dinara", shelter)
    worker.email = "dinara@shelter.example"
    worker.save()
    supervisor = make_user("marat", shelter, role="supervisor")
    supervisor.email = "marat@shelter.example"
    supervisor.save()
    administrator = make_user("nurlan", shelter, role="agency_admin")
    return worker, supervisor, administrator


@pytest.fixture
def police(other_region):
    return make_agency(other_region, kind="police", name="Police C")


def test_withdrawal_ends_the_shares_resting_on_it_and_no_other(
    alice, case, make_case, shelter, police, consent_for, shelter_staff
):
    consent = consent_for(case)
    other_consent = consent_for(case, scope=DataScope.MINIMUM)
    earlier = noon(TODAY) - datetime.timedelta(days=3)
    awaiting = make_referral(case, shelter, consent)
    accepted = make_referral(case, police, consent, status=ReferralStatus.ACCEPTED)
    in_progress = make_referral(case, police, consent, status=ReferralStatus.IN_PROGRESS)
    completed = make_referral(case, shelter, consent, status=ReferralStatus.COMPLETED)
    declined = make_referral(case, police, consent, status=ReferralStatus.DECLINED)
    on_other_consent = make_referral(case, shelter, other_consent)
    already_ended = make_referral(
        case, shelter, consent, status=ReferralStatus.ACCEPTED, share_ended_at=earlier
    )
    without_consent = make_referral(case, police, None)

    ended = withdraw_consent(alice, consent)

    assert ended == 3
    consent.refresh_from_db()
    assert consent.withdrawn_at == noon(TODAY) and consent.withdrawn_by == alice
    rows = {r.pk: r for r in Referral.objects.all()}
    for referral in (awaiting, accepted, in_progress):
        assert rows[referral.pk].share_ended_at == noon(TODAY)
        assert rows[referral.pk].status == referral.status  # the status stays
    for referral in (completed, declined, on_other_consent, without_consent):
        assert rows[referral.pk].share_ended_at is None
    assert rows[already_ended.pk].share_ended_at == earlier


def test_a_withdrawn_consent_covers_nothing_any_more(alice, case, shelter, consent_for):
    consent = consent_for(case)
    assert covering_consent(case, shelter, DataScope.IDENTITY) == consent
    withdraw_consent(alice, consent)
    assert covering_consent(case, shelter, DataScope.IDENTITY) is None
    assert not consents_in_force(case).exists()


def test_recipients_are_told_access_ended_and_not_why(
    alice,
    carol,
    bob,
    case,
    shelter,
    police,
    consent_for,
    shelter_staff,
    django_capture_on_commit_callbacks,
):
    worker, supervisor, administrator = shelter_staff
    police_officer = make_user("serik", police)
    bystander_agency = make_agency(shelter.region, kind="health", name="Clinic")
    bystander = make_user("aliya", bystander_agency)
    consent = consent_for(case)
    make_referral(case, shelter, consent)
    make_referral(case, shelter, consent, status=ReferralStatus.ACCEPTED)
    make_referral(case, bystander_agency, consent, status=ReferralStatus.COMPLETED)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(alice, consent)

    told = Notification.objects.filter(kind="share_ended")
    assert {n.recipient for n in told} == {worker, supervisor}  # once each
    assert told.count() == 2
    for notification in told:
        assert notification.case_code == case.code and notification.params == {}
    for someone in (administrator, police_officer, bystander, alice, carol, bob):
        assert not Notification.objects.filter(recipient=someone).exists()
    # One e-mail each: recipients never see one another's addresses.
    assert sorted(email.to for email in mail.outbox) == [
        ["dinara@shelter.example"],
        ["marat@shelter.example"],
    ]
    for email in mail.outbox:
        body = email.subject + email.body
        for word in REASON_WORDS:
            assert word not in body.lower(), word
        for identity in ("Сәрсенбаева", "Әйгерім", "Жанар", "психолог"):
            assert identity not in body


def test_withdrawal_is_audited_with_the_shares_it_ended(alice, case, shelter, consent_for):
    consent = consent_for(case)
    first = make_referral(case, shelter, consent)
    second = make_referral(case, shelter, consent, status=ReferralStatus.ACCEPTED)
    withdraw_consent(alice, consent)
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert event.case_code == case.code and event.object_id == str(consent.pk)
    assert event.actor == alice
    assert event.details["shares_ended"] == 2
    assert event.details["referrals"] == [first.pk, second.pk]
    assert "Жанар" not in str(event.details)


def test_a_consent_with_no_share_is_withdrawn_quietly(alice, case, consent_for):
    consent = consent_for(case)
    assert withdraw_consent(alice, consent) == 0
    assert not Notification.objects.exists()
    assert AuditEvent.objects.get(action="consent.withdraw").details["shares_ended"] == 0


def test_withdrawing_twice_is_refused_and_changes_nothing(
    alice, carol, case, consent_for, frozen_today
):
    consent = consent_for(case)
    withdraw_consent(alice, consent)
    frozen_today(TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        withdraw_consent(carol, consent)
    assert "already been withdrawn" in refused.value.messages[0]
    consent.refresh_from_db()
    assert consent.withdrawn_by == alice and consent.withdrawn_at == noon(TODAY)
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1


def test_a_stale_copy_cannot_withdraw_again(alice, carol, case, consent_for):
    consent = consent_for(case)
    stale = type(consent).objects.get(pk=consent.pk)
    withdraw_consent(alice, consent)
    with pytest.raises(ValidationError):
        withdraw_consent(carol, stale)  # read before the withdrawal, refused all the same


def test_a_refusal_cannot_be_withdrawn(alice, case, consent_for):
    refused_consent = consent_for(case, given=False)
    with pytest.raises(ValidationError) as refused:
        withdraw_consent(alice, refused_consent)
    assert "no consent to withdraw" in refused.value.messages[0]
    refused_consent.refresh_from_db()
    assert refused_consent.withdrawn_at is None


def test_an_expired_consent_may_still_be_withdrawn(alice, case, shelter, consent_for, frozen_today):
    consent = consent_for(case, expires_on=TODAY)
    frozen_today(TODAY + datetime.timedelta(days=10))
    make_referral(case, shelter, consent, status=ReferralStatus.ACCEPTED)
    assert withdraw_consent(alice, consent) == 1


@pytest.mark.parametrize("who", ["bob", "charlie", "dana", "gulnara"])
def test_only_editors_of_the_case_withdraw(who, request, case, shelter, consent_for):
    consent = consent_for(case)
    referral = make_referral(case, shelter, consent)
    with pytest.raises(PermissionDenied):
        withdraw_consent(request.getfixturevalue(who), consent)
    consent.refresh_from_db()
    referral.refresh_from_db()
    assert consent.withdrawn_at is None and referral.share_ended_at is None
