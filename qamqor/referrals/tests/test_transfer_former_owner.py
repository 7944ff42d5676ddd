"""The former owner keeps a de-identified summary of a transferred case only if a referral
consent in force covers it: decided at acceptance, and ended by a withdrawal or expiry."""

import datetime

import pytest

from qamqor.accounts.models import AgencyKind
from qamqor.clock import now, today
from qamqor.conftest import make_agency
from qamqor.referrals.consents import covering_consent
from qamqor.referrals.models import CaseTransfer, ConsentPurpose, DataScope
from qamqor.referrals.transfer_actions import accept_transfer, propose_transfer
from qamqor.referrals.transfers import (
    former_owner_summary_cases,
    former_owner_summary_condition,
)

from . import transfer_helpers
from .transfer_helpers import REASON, consent

# The shared fixtures, named here so that pytest finds them in this module.
_english = transfer_helpers._english
crisis_centre = transfer_helpers.crisis_centre
proposal = transfer_helpers.proposal
yerlan = transfer_helpers.yerlan
zhanna = transfer_helpers.zhanna


def keeps(user, case):
    return former_owner_summary_cases(user).filter(pk=case.pk).exists()


def test_without_a_consent_the_former_owner_keeps_nothing(alice, carol, case, proposal, zhanna):
    accept_transfer(zhanna, proposal)
    assert CaseTransfer.objects.get().former_owner_keeps_summary is False
    assert not keeps(carol, case) and not keeps(alice, case)


def test_with_a_referral_consent_the_agency_s_supervisor_and_the_case_s_opener_keep_it(
    alice, bob, carol, charlie, dana, gulnara, case, agency, proposal, zhanna, yerlan
):
    consent(case, recipient_agency=agency)
    accept_transfer(zhanna, proposal)
    assert CaseTransfer.objects.get().former_owner_keeps_summary is True
    assert keeps(carol, case) and keeps(alice, case)
    # Bob's role reaches the cases he opens or is given; he had nothing to do with this one.
    for user in (bob, charlie, dana, gulnara, zhanna, yerlan):
        assert not keeps(user, case), user.username


@pytest.mark.parametrize(
    ("shape", "covers"),
    [
        ("names the former owner", True),
        ("names its kind", True),
        ("names no agency", True),
        ("names the full case file", True),
        ("names another agency", False),
        ("names another kind", False),
        ("is a consent to processing only", False),
        ("is a refusal", False),
        ("expired yesterday", False),
        ("was withdrawn", False),
    ],
)
def test_which_consents_let_the_former_owner_keep_the_summary(
    shape, covers, carol, case, agency, proposal, zhanna, other_region
):
    yesterday = today() - datetime.timedelta(days=1)
    police = AgencyKind.objects.get(code="police")
    builders = {
        "names the former owner": dict(recipient_agency=agency),
        "names its kind": dict(recipient_kind=agency.kind),
        "names no agency": {},
        "names the full case file": dict(scope=DataScope.FULL),
        "names another agency": dict(recipient_agency=make_agency(other_region, name="X")),
        "names another kind": dict(recipient_kind=police),
        "is a consent to processing only": dict(purpose=ConsentPurpose.PROCESSING),
        "is a refusal": dict(given=False),
        "expired yesterday": dict(given_on=yesterday, expires_on=yesterday),
        "was withdrawn": {},
    }
    recorded = consent(case, **builders[shape])
    if shape == "was withdrawn":
        recorded.withdrawn_at = now()
        recorded.save()
    accept_transfer(zhanna, proposal)
    transfer = CaseTransfer.objects.get()
    assert transfer.former_owner_keeps_summary is covers
    # The SQL rule of the summary agrees with the consent rule that decided it.
    assert (covering_consent(case, agency, DataScope.MINIMUM) is not None) is covers
    assert keeps(carol, case) is covers


def test_withdrawing_the_consent_ends_the_summary_at_once(carol, case, agency, proposal, zhanna):
    recorded = consent(case, recipient_agency=agency)
    accept_transfer(zhanna, proposal)
    assert keeps(carol, case)
    recorded.withdrawn_at = now()
    recorded.save()
    assert not keeps(carol, case)


def test_the_summary_ends_when_the_consent_expires(
    carol, case, agency, proposal, zhanna, monkeypatch
):
    consent(case, recipient_agency=agency, expires_on=today() + datetime.timedelta(days=10))
    accept_transfer(zhanna, proposal)
    assert keeps(carol, case)
    later = now() + datetime.timedelta(days=11)
    monkeypatch.setattr("qamqor.clock.now", lambda: later)
    assert not keeps(carol, case)


def test_a_consent_given_after_the_acceptance_does_not_open_a_summary(
    carol, case, agency, proposal, zhanna
):
    accept_transfer(zhanna, proposal)
    consent(case, recipient_agency=agency)
    assert not keeps(carol, case)


def test_a_proposal_or_a_declined_transfer_keeps_nothing_apart(
    carol, case, agency, crisis_centre, zhanna
):
    from qamqor.referrals.transfer_actions import decline_transfer

    consent(case, recipient_agency=agency)
    transfer = propose_transfer(carol, case, crisis_centre, REASON)
    assert not keeps(carol, case)
    decline_transfer(zhanna, transfer, "Нет мест.")
    assert not keeps(carol, case)


def test_no_role_that_reaches_cases_means_no_condition_at_all(dana, erin):
    for user in (dana, erin):
        assert former_owner_summary_condition(user).children == [("pk__in", [])]


def test_one_query_however_many_summaries(
    carol, make_case, agency, crisis_centre, zhanna, django_assert_num_queries
):
    for _ in range(3):
        case = make_case()
        consent(case, recipient_agency=agency)
        accept_transfer(zhanna, propose_transfer(carol, case, crisis_centre, REASON))
    carol._qamqor_memberships = None  # read the roles afresh, as a new request does
    with django_assert_num_queries(2):  # the roles, then the cases
        assert len(list(former_owner_summary_cases(carol))) == 3
