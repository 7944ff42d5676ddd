"""The referrals an agency sent: their state and response times, for the cases one reaches."""

import re

import pytest
from django.urls import reverse

from qamqor.conftest import make_agency, signed_in
from qamqor.referrals.models import ReferralStatus
from qamqor.referrals.transfer_actions import accept_transfer

from . import inbox_support, transfer_helpers
from .inbox_support import DAY, HOUR, MOMENT, PERSON, make_referral

frozen_moment = inbox_support.frozen_moment
english = inbox_support.english
police_case = inbox_support.police_case
crisis_centre = transfer_helpers.crisis_centre
proposal = transfer_helpers.proposal
zhanna = transfer_helpers.zhanna

SENT = reverse("referrals:inbox_sent")


def rows(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="referral-(\d+)"', body)]


def page(user, **query) -> str:
    response = signed_in(user).get(SENT, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_state_and_the_response_time_of_each_referral(charlie, agency, police_case):
    waiting = make_referral(police_case, agency, urgency="routine")
    answered = make_referral(
        police_case,
        agency,
        status=ReferralStatus.DECLINED,
        sent_at=MOMENT - DAY,
        responded_at=MOMENT - DAY + 5 * HOUR,
        decline_reason="Нет мест для Жұмабаева",
    )
    body = page(charlie)
    assert rows(body) == [waiting.pk, answered.pk]
    assert "Crisis centre A" in body and police_case.code in body
    assert "2\xa0days, 23\xa0hours left" in body
    assert "Declined" in body and "answered in 5\xa0hours" in body
    for value in PERSON.values():
        assert value not in body
    assert "Нет мест" not in body and "просит приют" not in body


def test_a_referral_not_answered_in_time(charlie, agency, police_case):
    # An hour to answer, sent an hour and a half ago.
    make_referral(police_case, agency, urgency="emergency", sent_at=MOMENT - 1.5 * HOUR)
    assert "overdue by 30\xa0minutes" in page(charlie)


def test_filters_by_status_and_urgency(charlie, agency, police_case):
    sent = make_referral(police_case, agency, urgency="urgent")
    accepted = make_referral(police_case, agency, status=ReferralStatus.ACCEPTED)
    emergency = make_referral(police_case, agency, urgency="emergency", sent_at=MOMENT)
    assert rows(page(charlie, status="accepted")) == [accepted.pk]
    assert rows(page(charlie, urgency="emergency")) == [emergency.pk]
    assert rows(page(charlie, status="sent", urgency="urgent")) == [sent.pk]
    body = page(charlie, status="lost")
    assert 'class="error"' in body and len(rows(body)) == 3


def test_a_case_worker_follows_her_cases_a_supervisor_the_agency(
    alice, bob, carol, make_case, region
):
    shelter = make_agency(region, name="Shelter S")
    alices = make_referral(make_case(), shelter)
    bobs = make_referral(make_case(actor=bob), shelter, sent_at=MOMENT - 2 * HOUR)
    assert rows(page(alice)) == [alices.pk]
    assert rows(page(bob)) == [bobs.pk]
    assert rows(page(carol)) == [alices.pk, bobs.pk]


def test_what_the_agency_received_is_not_among_what_it_sent(alice, agency, police_case):
    make_referral(police_case, agency)
    assert rows(page(alice)) == []


def test_roles_that_refer_no_case_have_no_such_page(dana, erin, gulnara):
    for user in (dana, erin, gulnara):
        assert signed_in(user).get(SENT).status_code == 404


@pytest.mark.parametrize("keeps_summary", [False, True])
def test_a_case_transferred_away_leaves_the_list_unless_its_summary_is_kept(
    keeps_summary, alice, carol, case, agency, region, proposal, zhanna
):
    shelter = make_agency(region, name="Shelter S")
    referral = make_referral(case, shelter, status=ReferralStatus.COMPLETED)
    if keeps_summary:
        transfer_helpers.consent(case, recipient_agency=agency)
    assert rows(page(carol)) == [referral.pk]

    accept_transfer(zhanna, proposal)

    # The agency's supervisor follows what the agency sent about the cases it still
    # reaches: here, only through the summary a consent lets the former owner keep.
    assert rows(page(carol)) == ([referral.pk] if keeps_summary else [])
    assert rows(page(alice)) == ([referral.pk] if keeps_summary else [])
