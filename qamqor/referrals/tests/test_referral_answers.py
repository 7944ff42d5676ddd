"""The answers and the work that follow a referral: the receiving agency accepts or
declines (with a reason), starts and completes (with an outcome); the referring side
revokes. Each by the right side only, told to the other side, audited; a change the
referral's status no longer allows is refused with its status named."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qamqor.accounts.models import Notification
from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_user
from qamqor.referrals.models import DataScope, ReferralStatus
from qamqor.referrals.referral_actions import (
    accept_referral,
    complete_referral,
    decline_referral,
    revoke_referral,
    start_referral,
)

from .referral_support import consent, crisis_centre, fresh, refer, withdraw


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(region):
    return crisis_centre(region)


@pytest.fixture
def given(alice, case, centre):
    return consent(case, alice, DataScope.IDENTITY, agency=centre.agency)


@pytest.fixture
def referral(alice, case, centre, given):
    return refer(alice, case, centre.agency, DataScope.IDENTITY)


def told(kind):
    return {n.recipient.username for n in Notification.objects.filter(kind=kind)}


def test_the_whole_way_accepted_started_completed(alice, bob, case, centre, referral):
    case.assignments.create(user=bob, assigned_at=referral.sent_at, assigned_by=alice)
    accept_referral(centre.worker, referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.responded_by_id == centre.worker.pk and referral.responded_at
    start_referral(centre.worker, referral)
    assert referral.status == ReferralStatus.IN_PROGRESS and referral.started_at
    complete_referral(centre.supervisor, referral, "  Counselling given; safe at her sister's.  ")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.completed_at
    assert referral.outcome == "Counselling given; safe at her sister's."
    # The referring side is told each step: who sent it and who works on the case.
    for kind in ("referral_accepted", "referral_in_progress", "referral_completed"):
        assert told(kind) == {"alice", "bob"}, kind
    actions = list(
        AuditEvent.objects.filter(action__startswith="referral.").values_list("action", flat=True)
    )
    assert actions == ["referral.send", "referral.accept", "referral.start", "referral.complete"]
    assert "sister" not in str(AuditEvent.objects.get(action="referral.complete").details)


def test_an_accepted_referral_may_be_completed_without_a_start(centre, referral):
    accept_referral(centre.worker, referral)
    complete_referral(centre.worker, referral, "Done.")
    assert referral.status == ReferralStatus.COMPLETED


def test_declining_needs_a_reason(centre, referral):
    with pytest.raises(ValidationError) as error:
        decline_referral(centre.worker, referral, "  ")
    assert "decline_reason" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    decline_referral(centre.worker, referral, "No place for a woman with three children.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "No place for a woman with three children."
    assert told("referral_declined") == {"alice"}


def test_completing_needs_an_outcome(centre, referral):
    accept_referral(centre.worker, referral)
    with pytest.raises(ValidationError) as error:
        complete_referral(centre.worker, referral, "")
    assert "outcome" in error.value.message_dict


@pytest.mark.parametrize("stage", ["sent", "accepted", "in_progress"])
def test_the_referring_side_revokes_and_the_receiving_agency_is_told(
    carol, centre, referral, stage
):
    if stage != "sent":
        accept_referral(centre.worker, referral)
    if stage == "in_progress":
        start_referral(centre.worker, referral)
    revoke_referral(carol, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED
    assert referral.revoked_by == carol and referral.revoked_at
    assert told("referral_revoked") == {"dina", "saule"}


@pytest.mark.parametrize("who", ["alice", "carol", "bob", "charlie", "gulnara"])
def test_only_the_receiving_agency_answers(request, referral, who):
    user = request.getfixturevalue(who)
    for act in (accept_referral, lambda u, r: decline_referral(u, r, "No.")):
        with pytest.raises(PermissionDenied):
            act(user, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_only_members_who_may_change_cases_answer_for_the_agency(centre, referral):
    coordinator = make_user("aru", centre.agency, role="regional_coordinator")
    administrator = make_user("asem", centre.agency, role="agency_admin")
    for user in (coordinator, administrator):
        with pytest.raises(PermissionDenied):
            accept_referral(user, referral)


@pytest.mark.parametrize("who", ["worker", "bob", "charlie"])
def test_only_the_referring_side_revokes(request, centre, referral, who):
    user = getattr(centre, who) if who == "worker" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        revoke_referral(user, referral)


def test_a_change_the_status_no_longer_allows_names_the_status(alice, centre, referral):
    accept_referral(centre.worker, referral)
    with pytest.raises(ValidationError) as error:
        accept_referral(centre.supervisor, referral)
    assert error.value.messages == [
        "This referral cannot be accepted: its status is now “Accepted”."
    ]
    revoke_referral(alice, referral)
    with pytest.raises(ValidationError) as error:
        start_referral(centre.worker, referral)
    assert error.value.messages == [
        "Work on this referral cannot start: its status is now “Revoked”."
    ]


def test_a_stale_copy_is_judged_on_the_row_as_it_is_now(alice, centre, referral):
    """The other user's object still says "sent"; the locked row says "revoked"."""
    stale = type(referral).objects.get(pk=referral.pk)
    revoke_referral(alice, referral)
    with pytest.raises(ValidationError) as error:
        accept_referral(centre.worker, stale)
    assert error.value.messages == [
        "This referral was changed a moment ago by someone else: its status is now “Revoked”. "
        "Nothing was done; look at it again."
    ]


def test_a_revocation_meant_for_a_sent_referral_is_refused_once_it_was_accepted(
    alice, centre, referral
):
    seen_by_the_sender = type(referral).objects.get(pk=referral.pk)
    accept_referral(centre.worker, referral)
    with pytest.raises(ValidationError) as error:
        revoke_referral(alice, seen_by_the_sender)
    assert "its status is now “Accepted”" in error.value.messages[0]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_once_the_consent_is_withdrawn_the_agency_can_no_longer_accept(centre, referral, given):
    withdraw(given)
    worker = fresh(centre.worker)
    with pytest.raises(ValidationError) as error:
        accept_referral(worker, referral)
    assert "no longer in force" in error.value.messages[0]


def test_a_member_who_left_the_agency_no_longer_answers(centre, referral):
    from qamqor.clock import now

    centre.worker.memberships.update(ended_at=now())
    with pytest.raises(PermissionDenied):
        accept_referral(fresh(centre.worker), referral)
