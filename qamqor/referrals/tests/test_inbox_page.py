"""The inbox: the referrals sent to the user's agencies, by section, without names."""

import re

from django.urls import reverse

from qamqor.accounts.models import Membership, Role
from qamqor.conftest import make_agency, signed_in
from qamqor.referrals.models import ReferralStatus

from . import inbox_support
from .inbox_support import DAY, HOUR, MOMENT, PERSON, make_referral

frozen_moment = inbox_support.frozen_moment
english = inbox_support.english
police_case = inbox_support.police_case

INBOX = reverse("referrals:inbox")


def rows(body: str) -> list[int]:
    """The referral ids of the table's rows, in order."""
    return [int(pk) for pk in re.findall(r'<tr id="referral-(\d+)"', body)]


def page(user, **query) -> str:
    response = signed_in(user).get(INBOX, query)
    assert response.status_code == 200
    return response.content.decode()


def test_new_referrals_show_what_is_asked_and_the_time_left(alice, agency, police_case):
    referral = make_referral(
        police_case,
        agency,
        urgency="urgent",
        purpose="services",
        service_types=("social_psychological",),
        services=("accommodation",),
    )
    body = page(alice)
    assert rows(body) == [referral.pk]
    row = body[body.index(f'id="referral-{referral.pk}"') :]
    detail = reverse(
        "referrals:detail", kwargs={"code": police_case.code, "referral_id": referral.pk}
    )
    assert f'<a href="{detail}">{police_case.code}</a>' in row
    assert "Special social services" in row
    assert '<span class="tag">Social-psychological</span>' in row
    assert '<span class="tag">Accommodation</span>' in row
    assert "Urgent" in row
    assert "Police B" in row
    # Sent an hour before noon, 24 hours to answer: 23 hours left, due at 11:00 tomorrow.
    assert "23\xa0hours left" in row
    assert "answer by 03.03.2026 11:00" in row


def test_a_referral_past_its_deadline_is_overdue_until_it_expires(alice, agency, police_case):
    late = make_referral(police_case, agency, urgency="emergency", sent_at=MOMENT - 3 * HOUR)
    due = make_referral(police_case, agency, urgency="routine")
    assert rows(page(alice)) == [due.pk]
    body = page(alice, tab="overdue")
    assert rows(body) == [late.pk]
    # One hour to answer, sent three hours ago.
    assert "overdue by 2\xa0hours" in body
    late.status = ReferralStatus.EXPIRED
    late.expired_at = late.updated_at = MOMENT
    late.save()
    assert rows(page(alice, tab="overdue")) == []
    assert rows(page(alice, tab="finished")) == [late.pk]


def test_new_and_overdue_are_ordered_by_their_deadline(alice, agency, police_case):
    routine = make_referral(police_case, agency, urgency="routine")
    emergency = make_referral(police_case, agency, urgency="emergency", sent_at=MOMENT)
    urgent = make_referral(police_case, agency, urgency="urgent")
    assert rows(page(alice)) == [emergency.pk, urgent.pk, routine.pk]


def test_accepted_and_in_progress_referrals(alice, agency, police_case):
    accepted = make_referral(
        police_case,
        agency,
        status=ReferralStatus.ACCEPTED,
        responded_at=MOMENT - HOUR / 2,
        responded_by=alice,
    )
    started = make_referral(
        police_case,
        agency,
        status=ReferralStatus.IN_PROGRESS,
        sent_at=MOMENT - 2 * DAY,
        responded_at=MOMENT - DAY,
        responded_by=alice,
        started_at=MOMENT - DAY,
    )
    body = page(alice, tab="live")
    assert rows(body) == [accepted.pk, started.pk]
    assert "Accepted" in body and "In progress" in body
    assert "answered in 30\xa0minutes" in body and "answered in 1\xa0day" in body
    assert rows(page(alice, tab="live", status="in_progress")) == [started.pk]
    assert rows(page(alice)) == []


def test_finished_referrals_stay_for_30_days(alice, agency, police_case):
    declined = make_referral(
        police_case, agency, status=ReferralStatus.DECLINED, updated_at=MOMENT - DAY
    )
    completed = make_referral(
        police_case,
        agency,
        status=ReferralStatus.COMPLETED,
        sent_at=MOMENT - 20 * DAY,
        completed_at=MOMENT - 2 * DAY,
        updated_at=MOMENT - 2 * DAY,
    )
    make_referral(
        police_case,
        agency,
        status=ReferralStatus.REVOKED,
        sent_at=MOMENT - 40 * DAY,
        updated_at=MOMENT - 31 * DAY,
    )
    assert rows(page(alice, tab="finished")) == [declined.pk, completed.pk]
    assert rows(page(alice, tab="finished", status="completed")) == [completed.pk]


def test_the_sections_are_counted(alice, agency, police_case):
    make_referral(police_case, agency)
    make_referral(police_case, agency)
    make_referral(police_case, agency, urgency="emergency", sent_at=MOMENT - 2 * HOUR)
    make_referral(police_case, agency, status=ReferralStatus.ACCEPTED)
    body = page(alice)
    counts = dict(re.findall(r'id="tab-(\w+)".*?<span class="nav-count">(\d+)</span>', body))
    assert counts == {"new": "2", "live": "1", "overdue": "1", "finished": "0"}


def test_the_urgency_filter(alice, agency, police_case):
    make_referral(police_case, agency, urgency="urgent")
    routine = make_referral(police_case, agency, urgency="routine")
    assert rows(page(alice, urgency="routine")) == [routine.pk]


def test_a_bad_filter_is_named_and_changes_nothing(alice, agency, police_case):
    referral = make_referral(police_case, agency)
    body = page(alice, urgency="someday", tab="sideways", page="x")
    assert rows(body) == [referral.pk]
    assert 'class="error"' in body


def test_only_referrals_to_the_users_agencies(alice, bob, carol, charlie, agency, police_case):
    shelter = make_agency(agency.region, name="Shelter S")
    mine = make_referral(police_case, agency)
    make_referral(police_case, shelter)
    # Every member who works on the agency's cases reads its inbox, assigned or not.
    for user in (alice, bob, carol):
        assert rows(page(user)) == [mine.pk]
    # The sender's inbox holds what others send it, not what it sent.
    assert rows(page(charlie)) == []


def test_a_member_of_two_agencies_sees_both_inboxes(alice, agency, police_case):
    shelter = make_agency(agency.region, name="Shelter S")
    Membership.objects.create(
        user=alice, agency=shelter, role=Role.objects.get(code="case_worker"), started_at=MOMENT
    )
    here = make_referral(police_case, agency)
    there = make_referral(police_case, shelter, urgency="emergency", sent_at=MOMENT)
    body = page(alice)
    assert rows(body) == [there.pk, here.pk]
    assert "Shelter S" in body and "Crisis centre A" in body


def test_a_referral_whose_share_ended_leaves_the_inbox(alice, agency, police_case):
    make_referral(police_case, agency, share_ended_at=MOMENT - HOUR)
    assert rows(page(alice)) == []


def test_each_row_leads_to_the_referral_the_recipient_reaches(alice, bob, agency, police_case):
    referral = make_referral(police_case, agency)
    detail = reverse(
        "referrals:detail", kwargs={"code": police_case.code, "referral_id": referral.pk}
    )
    for user in (alice, bob):
        assert f'href="{detail}"' in page(user)
        assert signed_in(user).get(detail).status_code == 200


def test_the_inbox_never_shows_who_the_person_is(alice, carol, agency, police_case):
    make_referral(police_case, agency, status=ReferralStatus.ACCEPTED)
    make_referral(police_case, agency)
    for user in (alice, carol):
        for tab in ("new", "live"):
            body = page(user, tab=tab)
            assert police_case.code in body
            for value in PERSON.values():
                assert value not in body
            # Nor the referral's message, which may name them.
            assert "просит приют" not in body


def test_roles_that_answer_no_referral_have_no_inbox(dana, erin, gulnara, agency, police_case):
    make_referral(police_case, agency)
    for user in (dana, erin, gulnara):
        assert signed_in(user).get(INBOX).status_code == 404
