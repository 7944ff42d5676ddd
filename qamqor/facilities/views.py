"""The placement page of a case, its admission, discharge and transfer forms, and
"Find a place": free places by region and category, without addresses."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Capability, User
from qamqor.audit.events import record_access
from qamqor.cases.access import (
    CaseAccess,
    access_case_to_change,
    access_case_with_identity,
)
from qamqor.cases.models import Case
from qamqor.web.forms import add_validation_error

from . import actions
from .forms import AdmitForm, DischargeForm, FindPlaceForm, TransferForm
from .models import Placement
from .queries import free_places, length_of_stay


@login_required
@require_GET
def placement_page(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_with_identity(user, code)
    return _render_page(request, user, case, access)


def _render_page(
    request: HttpRequest,
    user: User,
    case: Case,
    access: CaseAccess,
    *,
    status: int = 200,
    **forms: BaseForm,
) -> HttpResponse:
    """The page, recorded as a view of the case's placements each time it shows."""
    record_access(user, "placement.view", case, case_code=case.code)
    placements = list(
        Placement.objects.filter(case=case).select_related(
            "facility__agency__region", "category", "transferred_from", "recorded_by"
        )
    )
    current = next((p for p in placements if p.is_open), None)
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "can_edit": access.edit,
        "current": current,
        "stay": length_of_stay(current) if current else None,
        "past": [p for p in placements if not p.is_open],
    }
    if access.edit:
        context["admit_form"] = forms.get("admit_form") or AdmitForm(prefix="admit")
        context["discharge_form"] = forms.get("discharge_form") or DischargeForm(prefix="discharge")
        context["transfer_form"] = forms.get("transfer_form") or TransferForm(prefix="transfer")
    return render(request, "facilities/placement.html", context, status=status)


def _edit(request: HttpRequest, code: str) -> tuple[User, Case, CaseAccess]:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    return user, case, access


def _open_placement(case: Case) -> Placement | None:
    return Placement.objects.filter(case=case, discharged_on__isnull=True).first()


@login_required
@require_POST
def admit(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = AdmitForm(request.POST, prefix="admit")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.admit(
                user,
                case,
                data["facility"],
                data["category"],
                data["admitted_on"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Admission recorded."))
            return redirect("facilities:placement", code=case.code)
    return _render_page(request, user, case, access, status=400, admit_form=form)


@login_required
@require_POST
def discharge(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = DischargeForm(request.POST, prefix="discharge")
    if form.is_valid():
        placement = _open_placement(case)
        if placement is None:
            form.add_error(None, _("The person of this case is not placed."))
        else:
            try:
                actions.discharge(
                    user,
                    placement,
                    form.cleaned_data["discharged_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Discharge recorded."))
                return redirect("facilities:placement", code=case.code)
    return _render_page(request, user, case, access, status=400, discharge_form=form)


@login_required
@require_POST
def transfer(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = TransferForm(request.POST, prefix="transfer")
    if form.is_valid():
        placement = _open_placement(case)
        if placement is None:
            form.add_error(None, _("The person of this case is not placed."))
        else:
            data = form.cleaned_data
            try:
                actions.transfer(
                    user,
                    placement,
                    data["to_facility"],
                    data["category"],
                    data["on"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Transfer recorded."))
                return redirect("facilities:placement", code=case.code)
    return _render_page(request, user, case, access, status=400, transfer_form=form)


@login_required
@require_GET
def free_places_page(request: HttpRequest) -> HttpResponse:
    """For those who place people (who may open cases); to anyone else it does not exist."""
    user: User = request.user  # type: ignore[assignment]
    if not has_capability(user, Capability.OPEN_CASE):
        raise Http404()
    form = FindPlaceForm(request.GET or None)
    region = category = None
    if form.is_bound and form.is_valid():
        region = form.cleaned_data["region"]
        category = form.cleaned_data["category"]
    rows = list(free_places(region=region, category=category))
    return render(request, "facilities/free.html", {"form": form, "rows": rows})
