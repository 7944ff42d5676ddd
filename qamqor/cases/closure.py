"""Closing a case: a case editor requests it with an outcome and a reason, and a
supervisor of the owning agency (capability case.approve_closure) approves or refuses.

Actions, like cases.actions: each takes the acting user first, checks permission,
validates, writes and records its audit event in one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Capability, User
from qamqor.accounts.notifications import agency_members_with, notify
from qamqor.audit.events import record
from qamqor.clock import now, today

from .access import require_case_edit
from .models import (
    CLOSING_STATUS,
    Case,
    ClosureDecision,
    ClosureOutcome,
    ClosureRequest,
    Status,
)


def pending_request(case: Case) -> ClosureRequest | None:
    return case.closure_requests.filter(decision=ClosureDecision.PENDING).first()


def may_approve_closure(user: User, case: Case) -> bool:
    return has_capability(user, Capability.APPROVE_CLOSURE, agency=case.owner_agency)


def closure_blockers(case: Case) -> list[str]:
    """What must be finished before the case can close, in words for the requester."""
    # Plans and transfers depend on cases, not the reverse.
    from qamqor.plans.queries import open_plan
    from qamqor.referrals.models import CaseTransfer, TransferStatus

    blockers = []
    if open_plan(case) is not None:
        blockers.append(
            _(
                "The individual service plan is still open: close the plan first "
                "(its closure is approved too)."
            )
        )
    proposed = CaseTransfer.objects.filter(case=case, status=TransferStatus.PROPOSED)
    for transfer in proposed.select_related("to_agency"):
        blockers.append(
            _(
                "A transfer of this case to %(agency)s awaits its answer: withdraw the "
                "proposal, or wait for the answer, before closing the case."
            )
            % {"agency": transfer.to_agency.name}
        )
    return blockers


def request_closure(actor: User, case: Case, outcome: str, reason: str) -> ClosureRequest:
    require_case_edit(actor, case)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if outcome not in ClosureOutcome.values:
        errors["outcome"] = _("Choose the outcome of the case.")
    if not reason:
        errors["reason"] = _("Say why the case is being closed.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # The row lock orders this request after a closure being approved right now.
            if Case.objects.select_for_update().get(pk=case.pk).is_closed:
                raise ValidationError(_("The case is already closed."))
            blockers = closure_blockers(case)
            if blockers:
                raise ValidationError(blockers)
            request = ClosureRequest.objects.create(
                case=case,
                outcome=outcome,
                reason=reason,
                requested_by=actor,
                requested_at=now(),
            )
            record(actor, "case.closure_request", case, case_code=case.code, outcome=outcome)
            approvers = [
                user
                for user in agency_members_with(case.owner_agency, Capability.APPROVE_CLOSURE)
                if user.pk != actor.pk
            ]
            notify(approvers, "case_closure_requested", case_code=case.code, user=actor.username)
    except IntegrityError:
        raise ValidationError(_("A closure of this case is already awaiting approval.")) from None
    return request


def _locked_pending(request: ClosureRequest) -> ClosureRequest:
    locked = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if locked.decision != ClosureDecision.PENDING:
        raise ValidationError(_("This closure request has already been decided."))
    return locked


def _require_approver(actor: User, request: ClosureRequest) -> None:
    if not may_approve_closure(actor, request.case):
        raise PermissionDenied(_("Only a supervisor of the owning agency approves a closure."))
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("A closure is approved by someone other than the person who requested it.")
        )


def approve_closure(actor: User, request: ClosureRequest) -> Case:
    """Close the case with the request's outcome and reason, as of today."""
    _require_approver(actor, request)
    with transaction.atomic():
        request = _locked_pending(request)
        case = Case.objects.select_for_update().get(pk=request.case_id)
        blockers = closure_blockers(case)
        if blockers:
            raise ValidationError(blockers)
        request.decision = ClosureDecision.APPROVED
        request.decided_by = actor
        request.decided_at = now()
        request.save(update_fields=["decision", "decided_by", "decided_at"])
        previous = case.status
        case.status = CLOSING_STATUS.get(ClosureOutcome(request.outcome), Status.CLOSED)
        case.closed_on = today()
        case.closure_outcome = request.outcome
        case.closure_reason = request.reason
        case.updated_at = now()
        case.full_clean()
        case.save()
        record(
            actor,
            "case.closure_approve",
            case,
            case_code=case.code,
            outcome=request.outcome,
            old=previous,
            new=case.status,
        )
        notify(
            [request.requested_by],
            "case_closure_approved",
            case_code=case.code,
            user=actor.username,
        )
    return case


def refuse_closure(actor: User, request: ClosureRequest, reason: str) -> ClosureRequest:
    _require_approver(actor, request)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"refusal_reason": _("Say why the case stays open.")})
    with transaction.atomic():
        request = _locked_pending(request)
        request.decision = ClosureDecision.REFUSED
        request.decided_by = actor
        request.decided_at = now()
        request.refusal_reason = reason
        request.save(update_fields=["decision", "decided_by", "decided_at", "refusal_reason"])
        record(actor, "case.closure_refuse", request.case, case_code=request.case.code)
        notify(
            [request.requested_by],
            "case_closure_refused",
            case_code=request.case.code,
            user=actor.username,
        )
    return request


def withdraw_closure(actor: User, request: ClosureRequest) -> ClosureRequest:
    """The case's editors may take back a request that no one has decided yet."""
    require_case_edit(actor, request.case)
    with transaction.atomic():
        request = _locked_pending(request)
        request.decision = ClosureDecision.WITHDRAWN
        request.decided_by = actor
        request.decided_at = now()
        request.save(update_fields=["decision", "decided_by", "decided_at"])
        record(actor, "case.closure_withdraw", request.case, case_code=request.case.code)
    return request
