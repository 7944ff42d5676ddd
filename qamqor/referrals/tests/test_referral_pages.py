"""The referral pages: the case's referrals (pathway and send form), one referral for
both sides with its actions, and the case file's pathway and "who can see this case"."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.cases.access import case_access
from qamqor.cases.actions import break_glass
from qamqor.conftest import make_agency, make_user, signed_in
from qamqor.referrals.models import (
    DataScope,
    OverrideGround,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Urgency,
)
from qamqor.referrals.referral_actions import accept_referral, revoke_referral
from qamqor.referrals.referral_views import shared_case
from qamqor.services.models import ServiceType

from .referral_support import consent, crisis_centre, fresh, refer, withdraw

REASON = "An immediate threat to her life from the partner."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(region):
    return crisis_centre(region)


def list_url(case):
    return reverse("referrals:case_referrals", args=[case.code])


def detail_url(referral, name="referrals:detail"):
    return reverse(name, args=[referral.case.code, referral.pk])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def send_form(centre, **changes):
    data = {
        "to_agency": centre.agency.pk,
        "purpose": ReferralPurpose.SERVICES,
        "service_types": [ServiceType.objects.get(code="social_psychological").pk],
        "urgency": Urgency.objects.get(code="urgent").pk,
        "scope": DataScope.IDENTITY,
        "message": "Please call her before noon.",
    }
    data.update(changes)
    return data


def test_the_owner_refers_from_the_case_s_referrals_page(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY, agency=centre.agency)
    client = signed_in(alice)
    page = client.get(list_url(case))
    assert page.status_code == 200 and 'id="send-form"' in text(page)
    assert "override_ground" not in text(page)  # a case worker may not override
    response = client.post(list_url(case), send_form(centre))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(referral)
    assert referral.scope == DataScope.IDENTITY and referral.sent_by == alice
    pathway = text(client.get(list_url(case)))
    assert "Crisis centre A → Crisis centre C" in pathway and "due by" in pathway


def test_the_send_form_shows_every_problem_and_sends_nothing(alice, case, centre):
    response = signed_in(alice).post(list_url(case), send_form(centre, purpose="", urgency=""))
    assert response.status_code == 400
    body = text(response)
    assert body.count('class="error"') >= 2
    assert not Referral.objects.exists()
    # Without a consent, identity is refused on the scope field, in words.
    response = signed_in(alice).post(list_url(case), send_form(centre))
    assert response.status_code == 400
    assert "No consent in force allows sharing" in text(response)


def test_a_supervisor_refers_without_consent_from_the_form(carol, case, centre):
    page = text(signed_in(carol).get(list_url(case)))
    assert "override_ground" in page
    data = send_form(
        centre, purpose=ReferralPurpose.PROTECTION, service_types=[],
        urgency=Urgency.objects.get(code="emergency").pk,
        override_ground=OverrideGround.THREAT_TO_LIFE, override_reason=REASON,
    )  # fmt: skip
    assert signed_in(carol).post(list_url(case), data).status_code == 302
    assert Referral.objects.get().is_override
    page = text(signed_in(carol).get(list_url(case)))
    assert "without consent: An immediate threat to life" in page


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("charlie", 404), ("gulnara", 403)])
def test_the_pathway_is_for_those_who_see_the_whole_case(request, case, who, status):
    assert signed_in(request.getfixturevalue(who)).get(list_url(case)).status_code == status


@pytest.mark.parametrize(
    ("scope", "status"),
    [(DataScope.MINIMUM, 403), (DataScope.IDENTITY, 403), (DataScope.FULL, 200)],
)
def test_the_receiving_agency_sees_the_pathway_only_with_the_whole_file(
    alice, case, centre, scope, status
):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, scope))
    response = signed_in(centre.worker).get(list_url(case))
    assert response.status_code == status
    if status == 200:
        assert 'id="send-form"' not in text(response)  # read only
        assert signed_in(centre.worker).post(list_url(case), {}).status_code == 403


def test_each_side_sees_its_actions(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    sender = text(signed_in(alice).get(detail_url(referral)))
    assert 'id="revoke"' in sender and 'id="accept"' not in sender
    assert "Please see the person this week." in sender
    receiver = text(signed_in(centre.worker).get(detail_url(referral)))
    assert 'id="accept"' in receiver and 'id="revoke"' not in receiver
    assert "Decline" in receiver and "Please see the person this week." in receiver
    assert "left" in receiver  # the time left to answer


def test_the_receiving_agency_answers_and_works_from_the_page(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    client = signed_in(centre.worker)
    seen = {"status": "sent"}
    assert client.post(detail_url(referral, "referrals:referral_accept"), seen).status_code == 302
    page = text(client.get(detail_url(referral)))
    assert "Referral accepted." in page and 'id="start"' in page
    client.post(detail_url(referral, "referrals:referral_start"), {"status": "accepted"})
    empty = client.post(detail_url(referral, "referrals:referral_complete"), {"outcome": " "})
    assert empty.status_code == 400 and "This field is required." in text(empty)
    done = client.post(
        detail_url(referral, "referrals:referral_complete"),
        {"status": "in_progress", "outcome": "Counselling given."},
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "Counselling given."
    assert "Counselling given." in text(signed_in(alice).get(list_url(case)))


def test_declining_asks_for_the_reason_on_the_page(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    client = signed_in(centre.supervisor)
    url = detail_url(referral, "referrals:referral_decline")
    assert client.post(url, {"decline_reason": ""}).status_code == 400
    assert client.post(url, {"decline_reason": "No place tonight."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert "No place tonight." in text(signed_in(alice).get(detail_url(referral)))


def test_a_page_acted_on_after_someone_else_changed_the_referral_says_so(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    accept_referral(centre.worker, referral)
    # alice's page still showed "sent" when she pressed "revoke".
    client = signed_in(alice)
    response = client.post(detail_url(referral, "referrals:referral_revoke"), {"status": "sent"})
    assert response.status_code == 302
    page = text(client.get(detail_url(referral)))
    assert "changed a moment ago by someone else: its status is now “Accepted”" in page
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_once_revoked_the_receiving_agency_keeps_the_referral_but_not_the_case(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY, message="Call her at 9.")
    accept_referral(centre.worker, referral)
    revoke_referral(alice, referral)
    client = signed_in(centre.worker)
    page = client.get(detail_url(referral))
    assert page.status_code == 200 and "Revoked" in text(page)
    assert "Call her at 9." not in text(page) and "Сәрсенбаева" not in text(page)
    assert client.get(reverse("cases:detail", args=[case.code])).status_code == 404


def test_a_withdrawn_consent_takes_the_referral_page_away_too(alice, case, centre):
    given = consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    accept_referral(centre.worker, referral)
    client = signed_in(centre.worker)
    assert client.get(detail_url(referral)).status_code == 200
    withdraw(given)
    assert client.get(detail_url(referral)).status_code == 404


def test_a_referral_of_another_case_or_none_is_not_found(alice, make_case, centre):
    first, second = make_case(), make_case()
    consent(first, alice, DataScope.FULL)
    referral = refer(alice, first, centre.agency)
    client = signed_in(alice)
    url = reverse("referrals:detail", args=[second.code, referral.pk])
    assert client.get(url).status_code == 404
    missing = reverse("referrals:detail", args=[first.code, referral.pk + 1000])
    assert client.get(missing).status_code == 404


def test_another_receiving_agency_does_not_see_this_referral(alice, case, centre, region):
    consent(case, alice, DataScope.FULL)
    ours = refer(alice, case, centre.agency, DataScope.FULL)
    other = crisis_centre(region, prefix="o_", name="Other centre")
    accept_referral(other.worker, refer(alice, case, other.agency, DataScope.FULL))
    # The other centre reaches the case (the whole file), not the referral to this one.
    assert signed_in(other.worker).get(detail_url(ours)).status_code == 403


def test_the_answers_are_the_receiving_agency_s_only(alice, carol, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    for name in ("referrals:referral_accept", "referrals:referral_decline"):
        assert signed_in(carol).post(detail_url(referral, name), {}).status_code == 403
    assert (
        signed_in(centre.worker)
        .post(detail_url(referral, "referrals:referral_revoke"), {})
        .status_code
        == 403
    )


def test_viewing_a_referral_is_recorded(alice, case, centre):
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    signed_in(centre.worker).get(detail_url(referral))
    event = AuditEvent.objects.filter(action="referral.view").get()
    assert event.actor == centre.worker and event.details["side"] == "recipient"
    assert event.details["identity"] is False  # the minimum until it answers


# The case file's tags ---------------------------------------------------------------


def render(tag: str, case, user) -> str:
    user = fresh(user)
    template = Template("{% load referral_tags %}{% " + tag + " case %}")
    context = {"case": case, "access": case_access(user, case)}
    return re.sub(r"\s+", " ", template.render(Context(context)))


def test_the_pathway_on_the_case_file(alice, carol, case, centre):
    assert "This case has not been referred." in render("referral_pathway", case, alice)
    consent(case, alice, DataScope.IDENTITY)
    referral = refer(alice, case, centre.agency, DataScope.IDENTITY)
    accept_referral(centre.worker, referral)
    override = refer(
        carol, case, make_agency(case.region, kind="police", name="Police C"), DataScope.FULL,
        purpose=ReferralPurpose.PROTECTION, urgency_code="emergency",
        override_ground=OverrideGround.CHILD_BEST_INTERESTS, override_reason=REASON,
    )  # fmt: skip
    html = render("referral_pathway", case, alice)
    assert detail_url(referral) in html and detail_url(override) in html
    assert "Accepted" in html and "answered in" in html
    assert "without consent: The best interests of a child" in html
    assert list_url(case) in html


def test_who_can_see_this_case_and_why(alice, bob, carol, case, centre, gulnara, region):
    consent(case, alice, DataScope.IDENTITY, agency=centre.agency)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.IDENTITY))
    police = crisis_centre(region, prefix="p_", name="Police C")
    refer(
        carol, case, police.agency, DataScope.FULL, purpose=ReferralPurpose.PROTECTION,
        urgency_code="emergency", override_ground=OverrideGround.THREAT_TO_LIFE,
        override_reason=REASON,
    )  # fmt: skip
    outsider = make_user("aidar", make_agency(region, name="Far centre"), role="supervisor")
    break_glass(outsider, case, "Checking a report of a child in danger tonight.")
    html = render("case_audience", case, alice)
    rows = re.findall(r'<tr class="audience-(\w+)">(.*?)</tr>', html)
    relations = [relation for relation, _row in rows]
    assert relations == ["assigned", "agency", "referral", "referral", "referral", "referral",
                         "region", "break_glass"]  # fmt: skip
    by_relation = {relation: row for relation, row in rows}
    assert "alice" in rows[0][1] and "bob" not in html  # bob is not assigned
    assert "carol" in by_relation["agency"] and "may change it" in by_relation["agency"]
    assert "gulnara" in by_relation["region"] and "A summary without name" in html
    centre_rows = [row for relation, row in rows if "Crisis centre C" in row]
    assert all("Who the person is" in row and "read only" in row for row in centre_rows)
    assert any("with the consent given on" in row for row in centre_rows)
    police_rows = [row for relation, row in rows if "Police C" in row]
    assert all("They see the minimum until they answer." in row for row in police_rows)
    assert all("Without consent." in row for row in police_rows)
    assert "Checking a report" in by_relation["break_glass"]


def test_who_can_see_follows_a_withdrawal(alice, case, centre):
    given = consent(case, alice, DataScope.IDENTITY)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.IDENTITY))
    assert "Crisis centre C" in render("case_audience", case, alice)
    withdraw(given)
    assert "Crisis centre C" not in render("case_audience", case, alice)


def test_the_identity_view_of_a_shared_case(alice, case, centre):
    from qamqor.cases.actions import add_note

    add_note(alice, case, "A note for the owner only")
    consent(case, alice, DataScope.IDENTITY)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.IDENTITY))
    request = RequestFactory().get("/")
    request.user = fresh(centre.worker)
    access = case_access(request.user, case)
    assert access.person_only
    body = re.sub(r"\s+", " ", shared_case(request, case, access).content.decode())
    assert "Сәрсенбаева" in body and "Shared with your agency by referral" in body
    assert "A note for the owner only" not in body
