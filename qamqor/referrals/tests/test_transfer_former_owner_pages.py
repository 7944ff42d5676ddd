"""A former owner that keeps the summary reaches the case de-identified, through the case
pages themselves; without a consent the case is gone for it."""

from django.urls import reverse

from qamqor.conftest import signed_in
from qamqor.referrals.transfer_actions import accept_transfer

from . import transfer_helpers
from .transfer_helpers import consent

_english = transfer_helpers._english
crisis_centre = transfer_helpers.crisis_centre
proposal = transfer_helpers.proposal
zhanna = transfer_helpers.zhanna


def test_the_former_owner_s_supervisor_sees_the_summary_only(carol, case, agency, proposal, zhanna):
    consent(case, recipient_agency=agency)
    accept_transfer(zhanna, proposal)
    response = signed_in(carol).get(reverse("cases:detail", args=[case.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.code in body and case.person.surname not in body
    assert (
        signed_in(carol).get(reverse("referrals:consent_list", args=[case.code])).status_code == 403
    )
    assert case.code in signed_in(carol).get(reverse("cases:list")).content.decode()


def test_without_a_consent_the_case_is_gone_for_the_former_owner(carol, case, proposal, zhanna):
    accept_transfer(zhanna, proposal)
    assert signed_in(carol).get(reverse("cases:detail", args=[case.code])).status_code == 404
