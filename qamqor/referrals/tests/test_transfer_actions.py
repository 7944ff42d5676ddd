"""Transferring a case: the owner's editors propose (one proposal at a time, never for a
closed case or one whose closure awaits approval) and withdraw; the receiving agency's
supervisors accept or decline; on acceptance ownership, region and assignments move."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.accounts.models import Notification
from qamqor.audit.models import AuditEvent
from qamqor.cases.access import case_access, visible_cases
from qamqor.cases.closure import request_closure
from qamqor.cases.models import CaseAssignment
from qamqor.conftest import close_case, make_agency, make_user
from qamqor.referrals.models import CaseTransfer, TransferStatus
from qamqor.referrals.transfer_actions import (
    accept_transfer,
    decline_transfer,
    propose_transfer,
    withdraw_transfer,
)

from . import transfer_helpers
from .transfer_helpers import REASON

# The shared fixtures, named here so that pytest finds them in this module.
_english = transfer_helpers._english
crisis_centre = transfer_helpers.crisis_centre
madina = transfer_helpers.madina
proposal = transfer_helpers.proposal
yerlan = transfer_helpers.yerlan
zhanna = transfer_helpers.zhanna


def notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


# Proposing


def test_a_proposal_records_who_why_and_tells_the_receiving_supervisors_only(
    alice, agency, case, crisis_centre, zhanna, madina, yerlan
):
    transfer = propose_transfer(alice, case, crisis_centre, f"  {REASON}  ")
    stored = CaseTransfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.from_agency, stored.to_agency, stored.proposed_by) == (
        TransferStatus.PROPOSED, agency, crisis_centre, alice
    )  # fmt: skip
    assert stored.reason == REASON
    for supervisor in (zhanna, madina):
        [notice] = notices(supervisor, "transfer_proposed")
        assert notice.case_code == case.code
        assert notice.params == {"user": "alice", "agency": agency.name_ru}
    assert not Notification.objects.filter(recipient=yerlan).exists()
    event = AuditEvent.objects.get(action="case.transfer_propose")
    assert event.case_code == case.code
    assert event.details == {"from_agency": agency.pk, "to_agency": crisis_centre.pk}
    case.refresh_from_db()
    assert case.owner_agency == agency  # nothing moves before an answer


def test_the_owner_s_supervisor_may_propose_too(carol, case, crisis_centre):
    assert propose_transfer(carol, case, crisis_centre, REASON).proposed_by == carol


@pytest.mark.parametrize("who", ["bob", "charlie", "gulnara", "zhanna"])
def test_only_the_case_s_editors_propose(request, who, case, crisis_centre):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        propose_transfer(user, case, crisis_centre, REASON)
    assert not CaseTransfer.objects.exists()


def test_the_agency_must_be_another_active_one_and_a_reason_given(
    alice, agency, case, other_region
):
    closed = make_agency(other_region, name="Closed centre")
    closed.is_active = False
    closed.save()
    for to_agency, reason, field, words in [
        (None, REASON, "to_agency", "Choose the agency"),
        (agency, REASON, "to_agency", "already belongs to this agency"),
        (closed, REASON, "to_agency", "no longer works in Qamqor"),
        (make_agency(other_region), "   ", "reason", "Say why"),
    ]:
        with pytest.raises(ValidationError) as refused:
            propose_transfer(alice, case, to_agency, reason)
        assert words in " ".join(refused.value.message_dict[field])
    assert not CaseTransfer.objects.exists()
    assert not AuditEvent.objects.filter(action="case.transfer_propose").exists()


def test_one_proposal_at_a_time(alice, carol, case, proposal, other_region):
    elsewhere = make_agency(other_region, kind="police", name="Police C")
    with pytest.raises(ValidationError, match="already awaits an answer"):
        propose_transfer(carol, case, elsewhere, REASON)
    withdraw_transfer(alice, proposal)
    assert propose_transfer(carol, case, elsewhere, REASON).to_agency == elsewhere


def test_the_database_keeps_one_proposal_per_case(alice, case, proposal, crisis_centre):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=case, from_agency=proposal.from_agency, to_agency=crisis_centre,
            proposed_by=alice, proposed_at=proposal.proposed_at, reason="x",
        )  # fmt: skip


def test_a_closed_case_is_not_transferred(alice, carol, case, crisis_centre):
    close_case(case, alice, carol)
    with pytest.raises(ValidationError, match="closed case cannot be transferred"):
        propose_transfer(alice, case, crisis_centre, REASON)


def test_nor_one_whose_closure_awaits_approval(alice, case, crisis_centre):
    request_closure(alice, case, "moved_away", "Переехала.")
    with pytest.raises(ValidationError, match="closure of this case awaits approval"):
        propose_transfer(alice, case, crisis_centre, REASON)


# Withdrawing


def test_the_owner_s_side_withdraws_and_the_receiving_supervisors_are_told(
    carol, case, proposal, zhanna
):
    withdrawn = withdraw_transfer(carol, proposal)
    assert (withdrawn.status, withdrawn.decided_by) == (TransferStatus.WITHDRAWN, carol)
    assert notices(zhanna, "transfer_withdrawn")[0].case_code == case.code
    assert AuditEvent.objects.filter(action="case.transfer_withdraw").count() == 1
    with pytest.raises(ValidationError, match="withdrawn by the agency that proposed it"):
        withdraw_transfer(carol, proposal)


@pytest.mark.parametrize("who", ["bob", "zhanna", "yerlan", "charlie"])
def test_nobody_else_withdraws(request, who, proposal):
    with pytest.raises(PermissionDenied):
        withdraw_transfer(request.getfixturevalue(who), proposal)
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED


# Accepting


def test_on_acceptance_the_case_moves_to_the_receiving_agency_and_its_region(
    alice, bob, carol, case, proposal, crisis_centre, other_region, zhanna, yerlan
):
    moved = accept_transfer(zhanna, proposal, worker=yerlan)
    case.refresh_from_db()
    assert (case.owner_agency, case.region) == (crisis_centre, other_region)
    assert moved.owner_agency == crisis_centre
    assert case.code.startswith("ALA-")  # a case keeps its code wherever it goes
    assert list(case.assignments.values_list("user__username", flat=True)) == ["yerlan"]
    transfer = CaseTransfer.objects.get()
    assert (transfer.status, transfer.decided_by) == (TransferStatus.ACCEPTED, zhanna)
    assert transfer.former_owner_keeps_summary is False  # no consent covers agency A
    # The receiving side reaches the whole case; the former owner nothing.
    for user in (zhanna, yerlan):
        assert visible_cases(user).filter(pk=case.pk).exists()
        assert case_access(user, case).edit
    for user in (alice, bob, carol):
        assert not visible_cases(user).filter(pk=case.pk).exists()
    event = AuditEvent.objects.get(action="case.transfer_accept")
    assert event.details == {
        "from_agency": proposal.from_agency_id,
        "to_agency": crisis_centre.pk,
        "old_region": proposal.from_agency.region_id,
        "new_region": other_region.pk,
        "unassigned": ["alice"],
        "former_owner_keeps_summary": False,
    }
    assign = AuditEvent.objects.get(action="case.assign", case_code=case.code)
    assert (assign.actor_username, assign.details) == ("zhanna", {"user": "yerlan"})


def test_the_former_owner_s_editors_are_told_of_the_acceptance(
    alice, bob, carol, case, proposal, zhanna
):
    accept_transfer(zhanna, proposal)
    for editor in (alice, carol):
        [notice] = notices(editor, "transfer_accepted")
        assert notice.params == {"user": "zhanna", "agency": "Crisis centre B"}
    assert not notices(bob, "transfer_accepted")  # bob never worked on the case


def test_a_member_of_both_agencies_keeps_the_assignment(alice, case, proposal, zhanna):
    from qamqor.accounts.models import Membership, Role
    from qamqor.clock import now

    Membership.objects.create(
        user=alice, agency=proposal.to_agency, role=Role.objects.get(code="case_worker"),
        started_at=now(),
    )  # fmt: skip
    accept_transfer(zhanna, proposal)
    assert CaseAssignment.objects.filter(case=case, user=alice).exists()
    assert AuditEvent.objects.get(action="case.transfer_accept").details["unassigned"] == []


@pytest.mark.parametrize("who", ["yerlan", "carol", "alice", "charlie", "gulnara"])
def test_only_a_supervisor_of_the_receiving_agency_accepts_or_declines(request, who, proposal):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        accept_transfer(user, proposal)
    with pytest.raises(PermissionDenied):
        decline_transfer(user, proposal, "Нет мест.")
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED


def test_the_worker_assigned_on_acceptance_works_in_the_receiving_agency(
    bob, case, agency, proposal, zhanna, crisis_centre
):
    inactive = make_user("timur", crisis_centre)
    inactive.is_active = False
    inactive.save()
    for worker in (bob, inactive):
        with pytest.raises(ValidationError) as refused:
            accept_transfer(zhanna, proposal, worker=worker)
        assert "worker" in refused.value.message_dict
    case.refresh_from_db()
    assert case.owner_agency == agency
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED


def test_a_withdrawn_or_answered_proposal_cannot_be_answered(
    alice, case, proposal, zhanna, madina, crisis_centre
):
    accept_transfer(zhanna, proposal)
    with pytest.raises(ValidationError, match="already been accepted"):
        accept_transfer(madina, proposal)
    with pytest.raises(ValidationError, match="already been accepted"):
        decline_transfer(madina, proposal, "Поздно.")
    assert AuditEvent.objects.filter(action="case.transfer_accept").count() == 1


def test_a_withdrawn_proposal_cannot_be_accepted(alice, case, agency, proposal, zhanna):
    withdraw_transfer(alice, proposal)
    with pytest.raises(ValidationError, match="withdrawn by the agency that proposed it"):
        accept_transfer(zhanna, proposal)
    case.refresh_from_db()
    assert case.owner_agency == agency


def test_no_closure_is_requested_while_the_proposal_awaits_its_answer(
    alice, carol, case, agency, proposal, zhanna
):
    with pytest.raises(ValidationError, match="transfer of this case to Crisis centre B awaits"):
        request_closure(alice, case, "moved_away", "Переехала.")
    assert not case.closure_requests.exists()
    assert CaseTransfer.objects.get().status == TransferStatus.PROPOSED
    accept_transfer(zhanna, proposal)
    case.refresh_from_db()
    assert case.owner_agency == proposal.to_agency


# Declining


def test_declining_needs_a_reason_and_leaves_the_case_with_its_owner(
    alice, carol, case, agency, proposal, zhanna
):
    with pytest.raises(ValidationError) as refused:
        decline_transfer(zhanna, proposal, "  ")
    assert "decline_reason" in refused.value.message_dict
    declined = decline_transfer(zhanna, proposal, "Нет свободных мест до апреля.")
    assert (declined.status, declined.decline_reason) == (
        TransferStatus.DECLINED, "Нет свободных мест до апреля."
    )  # fmt: skip
    case.refresh_from_db()
    assert case.owner_agency == agency
    assert CaseAssignment.objects.filter(case=case, user=alice).exists()
    for editor in (alice, carol):
        assert notices(editor, "transfer_declined")[0].params["agency"] == "Crisis centre B"
    event = AuditEvent.objects.get(action="case.transfer_decline")
    assert "мест" not in str(event.details)
    # The case may be proposed again, to the same agency or another.
    assert propose_transfer(alice, case, proposal.to_agency, REASON).status == "proposed"


def test_the_open_service_plan_moves_with_the_case_and_its_providers_stay(
    alice, agency, case, proposal, zhanna
):
    from django.urls import reverse

    from qamqor.assessments.actions import record_eligibility_decision
    from qamqor.assessments.models import Eligibility
    from qamqor.clock import today
    from qamqor.conftest import signed_in
    from qamqor.plans.actions import generate_plan

    record_eligibility_decision(
        alice, case, decision=Eligibility.ELIGIBLE, deciding_body="Комиссия",
        decided_on=today(), reasons="Критерии выполнены",
    )  # fmt: skip
    plan = generate_plan(alice, case)
    providers = set(plan.services.values_list("provider_id", flat=True))
    assert providers == {agency.pk}
    accept_transfer(zhanna, proposal)
    plan.refresh_from_db()
    assert plan.is_open and plan.case_id == case.pk
    assert set(plan.services.values_list("provider_id", flat=True)) == providers
    response = signed_in(zhanna).get(reverse("plans:page", args=[case.code]))
    assert response.status_code == 200
    assert signed_in(alice).get(reverse("plans:page", args=[case.code])).status_code == 404
