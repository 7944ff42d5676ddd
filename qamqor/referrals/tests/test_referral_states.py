"""The referral state machine: every pair of statuses and every side, the allowed changes
written out here independently of states.py; everything else refused with a message that
names the status the referral has now."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.referrals.models import AWAITING, FINISHED, LIVE, ReferralStatus
from qamqor.referrals.states import (
    Side,
    allowed_targets,
    check_required,
    check_unchanged,
    is_final,
    transition,
)

S = ReferralStatus
ALLOWED = {
    (S.SENT, S.ACCEPTED): Side.RECIPIENT,
    (S.SENT, S.DECLINED): Side.RECIPIENT,
    (S.SENT, S.REVOKED): Side.SENDER,
    (S.SENT, S.EXPIRED): Side.SYSTEM,
    (S.ACCEPTED, S.IN_PROGRESS): Side.RECIPIENT,
    (S.ACCEPTED, S.COMPLETED): Side.RECIPIENT,
    (S.ACCEPTED, S.REVOKED): Side.SENDER,
    (S.IN_PROGRESS, S.COMPLETED): Side.RECIPIENT,
    (S.IN_PROGRESS, S.REVOKED): Side.SENDER,
}
EVERY_CHANGE = list(itertools.product(S, S, Side))


@pytest.mark.parametrize(("current", "target", "side"), EVERY_CHANGE)
def test_every_change_by_every_side(current, target, side):
    expected_side = ALLOWED.get((current, target))
    if expected_side == side:
        found = transition(current, target, side)
        assert (found.source, found.target, found.by) == (current, target, side)
        return
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            transition(current, target, side)
        message = " ".join(refused.value.messages)
        label = str(current.label)
    if expected_side is None:
        # The refusal says what the referral is now, in words a user reads.
        assert f"“{label}”" in message, message
    else:
        assert refused.value.code == "wrong_side"


def test_final_statuses_lead_nowhere_and_the_others_somewhere():
    assert {s for s in S if is_final(s)} == set(FINISHED)
    for status in (*AWAITING, *LIVE):
        assert allowed_targets(status)


def test_only_the_periodic_task_expires_a_referral():
    assert allowed_targets(S.SENT, Side.SYSTEM) == [S.EXPIRED]
    for status in S:
        assert S.EXPIRED not in allowed_targets(status, Side.RECIPIENT)
        assert S.EXPIRED not in allowed_targets(status, Side.SENDER)


def test_an_accepted_referral_cannot_be_declined_and_says_so():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        transition(S.ACCEPTED, S.DECLINED, Side.RECIPIENT)
    assert refused.value.messages == [
        "This referral cannot be declined: its status is now “Accepted”."
    ]


@pytest.mark.parametrize(
    ("current", "target", "field"),
    [
        (S.SENT, S.DECLINED, "decline_reason"),
        (S.ACCEPTED, S.COMPLETED, "outcome"),
        (S.IN_PROGRESS, S.COMPLETED, "outcome"),
    ],
)
def test_declining_needs_a_reason_and_completing_an_outcome(current, target, field):
    found = transition(current, target, Side.RECIPIENT)
    with pytest.raises(ValidationError) as refused:
        check_required(found, "   ")
    assert list(refused.value.error_dict) == [field]
    check_required(found, "Given.")


def test_acting_on_a_referral_that_moved_meanwhile_is_refused_naming_its_status():
    check_unchanged(S.SENT, S.SENT)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        check_unchanged(S.SENT, S.REVOKED)
    assert refused.value.code == "changed_meanwhile"
    assert "its status is now “Revoked”" in refused.value.messages[0]
