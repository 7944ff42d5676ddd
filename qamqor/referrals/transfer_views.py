"""Case transfer pages: the case's transfer page for its editors (propose, withdraw,
history), a proposal's page for the receiving agency's supervisors (a de-identified
summary and the reason, accept or decline) and their list of incoming proposals."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qamqor.accounts.models import User
from qamqor.audit.events import record_access
from qamqor.cases.access import CaseNotFound, access_case_to_change, visible_cases
from qamqor.clock import today
from qamqor.web.forms import add_validation_error

from .models import CaseTransfer, TransferStatus
from .transfer_actions import (
    accept_transfer,
    assignable_workers,
    decline_transfer,
    propose_transfer,
    transfer_blockers,
    withdraw_transfer,
)
from .transfer_forms import TransferAcceptForm, TransferDeclineForm, TransferProposalForm
from .transfers import deciding_agencies, incoming_proposals, may_decide_transfer, proposed_transfer

# How many answered proposals the incoming list shows under those awaiting an answer.
RECENTLY_ANSWERED = 20


def access_transfer(user: User, code: str, transfer_id: int) -> CaseTransfer:
    """A transfer of the case `code`, for the receiving agency's supervisors while it awaits
    their answer, and for those who may change the case (its owner's side) always.

    The receiving side does not reach the case itself until it accepts. To anyone else
    this is a change page of the case: a de-identified reach gets 403, everyone else the
    same 404 as for a case or a transfer that does not exist.
    """
    transfer = (
        CaseTransfer.objects.filter(pk=transfer_id, case__code=code)
        .select_related(
            "case__person",
            "case__region",
            "case__owner_agency",
            "from_agency",
            "to_agency",
            "proposed_by",
            "decided_by",
        )  # fmt: skip
        .first()
    )
    if (
        transfer is not None
        and transfer.status == TransferStatus.PROPOSED
        and may_decide_transfer(user, transfer)
    ):
        return transfer
    case, _access = access_case_to_change(user, code)
    if transfer is None or transfer.case_id != case.pk:
        raise CaseNotFound()
    return transfer


@login_required
@require_http_methods(["GET", "POST"])
def transfer_page(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case, _access = access_case_to_change(user, code)
    posted = request.method == "POST"
    form = TransferProposalForm(request.POST if posted else None, case=case)
    if posted and form.is_valid():
        try:
            propose_transfer(
                user, case, form.cleaned_data["to_agency"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("The transfer is proposed; the agency's supervisors were told.")
            )
            return redirect("referrals:transfer_page", code=case.code)
    context = {
        "case": case,
        "form": form,
        "pending": proposed_transfer(case),
        "blockers": transfer_blockers(case),
        "transfers": list(
            case.transfers.select_related("from_agency", "to_agency", "proposed_by", "decided_by")
        ),
    }
    return render(request, "referrals/transfer_page.html", context, status=400 if posted else 200)


@login_required
@require_POST
def transfer_withdraw(request: HttpRequest, code: str, transfer_id: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, _access = access_case_to_change(user, code)
    transfer = case.transfers.filter(pk=transfer_id).select_related("case").first()
    if transfer is None:
        raise CaseNotFound()
    try:
        withdraw_transfer(user, transfer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The transfer was withdrawn; the case stays with you."))
    return redirect("referrals:transfer_page", code=case.code)


def _detail_page(
    request: HttpRequest,
    user: User,
    transfer: CaseTransfer,
    *,
    accept_form: TransferAcceptForm | None = None,
    decline_form: TransferDeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The proposal with a de-identified summary of its case, recorded as a view."""
    case = transfer.case
    record_access(user, "case_transfer.view", transfer, case_code=case.code)
    deciding = transfer.status == TransferStatus.PROPOSED and may_decide_transfer(user, transfer)
    context: dict[str, Any] = {
        "transfer": transfer,
        "case": case,
        "today": today(),
        "incidents": list(
            case.incidents.only(
                "occurred_on", "region", "forms_of_violence", "exploitation_types"
            ).select_related("region")
        ),
        "deciding": deciding,
        # Reached otherwise only by those who may change the case (access_transfer).
        "owner_side": not deciding,
    }
    if deciding:
        workers = assignable_workers(transfer.to_agency)
        context["accept_form"] = accept_form or TransferAcceptForm(workers=workers)
        context["decline_form"] = decline_form or TransferDeclineForm()
        context["blockers"] = transfer_blockers(case)
    return render(request, "referrals/transfer_detail.html", context, status=status)


@login_required
@require_GET
def transfer_detail(request: HttpRequest, code: str, transfer_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return _detail_page(request, user, access_transfer(user, code, transfer_id))


def _require_decider(user: User, transfer: CaseTransfer) -> None:
    if not may_decide_transfer(user, transfer):
        raise PermissionDenied(_("Only a supervisor of the receiving agency answers a transfer."))


@login_required
@require_POST
def transfer_accept(request: HttpRequest, code: str, transfer_id: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    transfer = access_transfer(user, code, transfer_id)
    _require_decider(user, transfer)
    form = TransferAcceptForm(request.POST, workers=assignable_workers(transfer.to_agency))
    if form.is_valid():
        try:
            case = accept_transfer(user, transfer, form.cleaned_data["worker"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # answered meanwhile, or the case blocks it
                messages.error(request, " ".join(error.messages))
                return _after_answer(user, transfer)
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Your agency owns case %(code)s from now on.") % {"code": case.code}
            )
            return _after_answer(user, transfer)
    return _detail_page(request, user, transfer, accept_form=form, status=400)


@login_required
@require_POST
def transfer_decline(request: HttpRequest, code: str, transfer_id: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    transfer = access_transfer(user, code, transfer_id)
    _require_decider(user, transfer)
    form = TransferDeclineForm(request.POST)
    if form.is_valid():
        try:
            decline_transfer(user, transfer, form.cleaned_data["decline_reason"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return _after_answer(user, transfer)
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("The transfer was declined; the case stays with its owner.")
            )
            return _after_answer(user, transfer)
    return _detail_page(request, user, transfer, decline_form=form, status=400)


def _after_answer(user: User, transfer: CaseTransfer) -> HttpResponseBase:
    """To the case once the user's agency owns it, otherwise back to the incoming list."""
    if visible_cases(user).filter(pk=transfer.case_id).exists():
        return redirect("cases:detail", code=transfer.case.code)
    return redirect("referrals:transfer_inbox")


@login_required
@require_GET
def transfer_inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    agencies = deciding_agencies(user)
    if not agencies:
        raise CaseNotFound()  # to anyone who answers no proposal, the list does not exist
    related = ("case__person", "case__region", "from_agency", "to_agency", "decided_by")
    awaiting = list(incoming_proposals(user).select_related(*related))
    answered = list(
        CaseTransfer.objects.filter(to_agency__in=agencies)
        .exclude(status=TransferStatus.PROPOSED)
        .select_related(*related)
        .order_by("-decided_at", "-id")[:RECENTLY_ANSWERED]
    )
    context = {"awaiting": awaiting, "answered": answered, "agencies": agencies, "today": today()}
    return render(request, "referrals/transfer_inbox.html", context)
