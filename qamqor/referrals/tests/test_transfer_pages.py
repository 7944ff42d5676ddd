"""The transfer pages: the case's transfer page for its editors, the proposal's page for
the receiving agency's supervisors (a summary without identity, reachable only while the
proposal awaits them), the list of incoming proposals and the case file's transfer tag."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency, signed_in
from qamqor.referrals.models import CaseTransfer, TransferStatus
from qamqor.referrals.transfer_actions import accept_transfer, propose_transfer

from . import transfer_helpers
from .transfer_helpers import REASON

# The shared fixtures, named here so that pytest finds them in this module.
_english = transfer_helpers._english
crisis_centre = transfer_helpers.crisis_centre
madina = transfer_helpers.madina
proposal = transfer_helpers.proposal
yerlan = transfer_helpers.yerlan
zhanna = transfer_helpers.zhanna

IDENTITY = {"surname": "Бекмұхамбетова", "IIN": "900101400003", "phone": "+7 701 555 0199"}


@pytest.fixture
def case(make_case):
    return make_case(
        surname=IDENTITY["surname"], iin=IDENTITY["IIN"], phone=IDENTITY["phone"],
        birth_year=1990, birth_month=1, birth_day=1,
    )  # fmt: skip


def page(case):
    return reverse("referrals:transfer_page", args=[case.code])


def detail(transfer):
    return reverse("referrals:transfer_detail", args=[transfer.case.code, transfer.pk])


def answer(transfer, verb):
    return reverse(f"referrals:transfer_{verb}", args=[transfer.case.code, transfer.pk])


def text(response):
    return response.content.decode()


# The case's transfer page


def test_the_editor_proposes_from_the_transfer_page(alice, agency, case, crisis_centre, zhanna):
    client = signed_in(alice)
    body = text(client.get(page(case)))
    assert "Crisis centre B" in body and "Crisis centre A ·" not in body
    response = client.post(page(case), {"to_agency": crisis_centre.pk, "reason": REASON})
    assert response.status_code == 302 and response.url == page(case)
    transfer = CaseTransfer.objects.get()
    assert (transfer.to_agency, transfer.reason) == (crisis_centre, REASON)
    body = text(client.get(page(case)))
    assert "Transfer awaiting an answer" in body and REASON in body
    assert 'id="transfer-propose-form"' not in body  # one proposal at a time


def test_a_bad_proposal_is_shown_again_with_its_errors(alice, case, crisis_centre):
    response = signed_in(alice).post(page(case), {"to_agency": "", "reason": " "})
    assert response.status_code == 400
    body = text(response)
    assert "Choose the agency to transfer the case to." in body
    assert "Say why the case should move to this agency." in body
    response = signed_in(alice).post(page(case), {"to_agency": "999999", "reason": REASON})
    assert response.status_code == 400 and not CaseTransfer.objects.exists()


def test_a_closed_case_shows_why_it_cannot_be_proposed(alice, carol, case):
    from qamqor.conftest import close_case

    close_case(case, alice, carol)
    body = text(signed_in(alice).get(page(case)))
    assert "A closed case cannot be transferred" in body
    assert 'id="transfer-propose-form"' not in body


def test_withdrawing_from_the_transfer_page(carol, case, proposal):
    response = signed_in(carol).post(answer(proposal, "withdraw"))
    assert response.status_code == 302 and response.url == page(case)
    assert CaseTransfer.objects.get().status == TransferStatus.WITHDRAWN
    # Once more: said in words, nothing changes.
    client = signed_in(carol)
    client.post(answer(proposal, "withdraw"))
    assert "withdrawn by the agency that proposed it" in text(client.get(page(case)))


def test_the_history_lists_every_transfer_of_the_case(alice, case, proposal, zhanna, other_region):
    from qamqor.referrals.transfer_actions import decline_transfer

    decline_transfer(zhanna, proposal, "Нет мест до апреля.")
    propose_transfer(alice, case, make_agency(other_region, kind="police", name="Police C"), "x")
    body = text(signed_in(alice).get(page(case)))
    assert body.count("<tr>") == 3  # the head and two transfers
    assert "Нет мест до апреля." in body and "Declined" in body and "Police C" in body


# The proposal's page


def test_the_receiving_supervisor_sees_a_summary_without_identity_and_the_reason(
    case, proposal, zhanna
):
    response = signed_in(zhanna).get(detail(proposal))
    assert response.status_code == 200
    body = text(response)
    assert REASON in body and case.code in body and case.age_band in body
    assert [label for label, value in IDENTITY.items() if value in body] == []
    assert 'id="transfer-accept-form"' in body and 'id="transfer-decline-form"' in body
    event = AuditEvent.objects.get(action="case_transfer.view")
    assert (event.actor_username, event.case_code) == ("zhanna", case.code)


@pytest.mark.parametrize(
    ("who", "status"),
    [("yerlan", 404), ("bob", 404), ("charlie", 404), ("dana", 404), ("gulnara", 403)],
)
def test_nobody_else_reaches_the_proposal(request, who, status, proposal):
    assert signed_in(request.getfixturevalue(who)).get(detail(proposal)).status_code == status


def test_the_owner_s_editors_see_the_proposal_without_the_answer_forms(alice, proposal):
    body = text(signed_in(alice).get(detail(proposal)))
    assert REASON in body and 'id="transfer-accept-form"' not in body


def test_the_receiving_side_loses_the_page_once_it_declines(proposal, zhanna):
    client = signed_in(zhanna)
    response = client.post(answer(proposal, "decline"), {"decline_reason": "Нет мест."})
    assert response.status_code == 302 and response.url == reverse("referrals:transfer_inbox")
    assert client.get(detail(proposal)).status_code == 404


def test_a_transfer_id_of_another_case_is_not_found(alice, make_case, proposal, zhanna):
    other = make_case()
    url = reverse("referrals:transfer_detail", args=[other.code, proposal.pk])
    assert signed_in(zhanna).get(url).status_code == 404
    assert signed_in(alice).get(url).status_code == 404


def test_a_decline_without_a_reason_is_shown_again(proposal, zhanna):
    response = signed_in(zhanna).post(answer(proposal, "decline"), {"decline_reason": ""})
    assert response.status_code == 400
    assert "Say why your agency does not take the case." in text(response)
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED


def test_accepting_opens_the_case_file_to_the_receiving_agency(case, proposal, zhanna, yerlan):
    client = signed_in(zhanna)
    response = client.post(answer(proposal, "accept"), {"worker": yerlan.pk})
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.code])
    assert IDENTITY["surname"] in text(client.get(response.url))
    assert case.assignments.get().user == yerlan


def test_a_worker_of_another_agency_is_refused_on_the_form(bob, proposal, zhanna):
    response = signed_in(zhanna).post(answer(proposal, "accept"), {"worker": bob.pk})
    assert response.status_code == 400
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED


def test_the_second_supervisor_is_told_the_case_was_accepted_meanwhile(
    case, proposal, zhanna, madina
):
    first, second = signed_in(zhanna), signed_in(madina)
    assert second.get(detail(proposal)).status_code == 200  # both open the proposal
    first.post(answer(proposal, "accept"))
    response = second.post(answer(proposal, "accept"))
    assert response.status_code == 302  # madina's agency owns the case now: to the case
    body = text(second.get(response.url))
    assert "This transfer has already been accepted." in body
    assert AuditEvent.objects.filter(action="case.transfer_accept").count() == 1


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_the_owner_s_side_does_not_answer_its_own_proposal(verb, alice, carol, proposal):
    for user in (alice, carol):
        response = signed_in(user).post(answer(proposal, verb), {"decline_reason": "x"})
        assert response.status_code == 403
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED


# Incoming proposals


def test_the_inbox_lists_what_awaits_the_agency_s_answer(case, proposal, zhanna, yerlan, alice):
    response = signed_in(zhanna).get(reverse("referrals:transfer_inbox"))
    body = text(response)
    assert response.status_code == 200
    assert detail(proposal) in body and "Crisis centre A" in body
    assert [label for label, value in IDENTITY.items() if value in body] == []
    for user in (yerlan, alice):
        assert signed_in(user).get(reverse("referrals:transfer_inbox")).status_code == 404


def test_the_inbox_moves_an_answered_proposal_below(case, proposal, zhanna):
    accept_transfer(zhanna, proposal)
    body = text(signed_in(zhanna).get(reverse("referrals:transfer_inbox")))
    assert "No transfer awaits your answer." in body and "Answered lately" in body
    assert detail(proposal) not in body


def test_the_inbox_reads_a_fixed_number_of_queries(
    alice, make_case, crisis_centre, zhanna, django_assert_max_num_queries
):
    for _ in range(6):
        propose_transfer(alice, make_case(), crisis_centre, REASON)
    client = signed_in(zhanna)
    client.get(reverse("referrals:transfer_inbox"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("referrals:transfer_inbox"))
    assert text(response).count("/transfer/") >= 6


# The case file's tag


def render_status(case, can_edit=True):
    template = Template("{% load transfer_tags %}{% transfer_status case %}")
    return template.render(Context({"case": case, "can_edit": can_edit}))


def test_the_tag_shows_a_pending_proposal_and_leads_editors_to_it(
    case, proposal, django_assert_num_queries
):
    with django_assert_num_queries(1):
        html = render_status(case)
    assert "proposed for transfer to Crisis centre B" in html
    assert reverse("referrals:transfer_page", args=[case.code]) in html
    assert "transfer-status-link" not in render_status(case, can_edit=False)


def test_the_tag_shows_where_a_transferred_case_came_from(case, proposal, zhanna):
    accept_transfer(zhanna, proposal)
    case.refresh_from_db()
    assert "Transferred from Crisis centre A" in render_status(case)


def test_the_tag_offers_a_transfer_to_editors_and_shows_nothing_else_otherwise(case):
    assert "Transfer the case to another agency" in render_status(case)
    assert render_status(case, can_edit=False).strip() == ""
