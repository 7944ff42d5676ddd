"""The placement page of a case, its admission, discharge and transfer forms;
"Find a place": free places by region and category, without addresses; and the pages on
which supervisors manage their agency's facilities and places (never who stays there).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

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
from .access import access_facility_to_manage, managed_facilities, require_facility_manager
from .forms import AdmitForm, DischargeForm, FacilityForm, FindPlaceForm, TransferForm
from .models import Facility, Placement, PlacementCategory
from .queries import capacities_with_occupancy, free_places, length_of_stay


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
            "facility__region", "category", "transferred_from", "recorded_by"
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


# Managing the agency's facilities (docs/facilities.md). Occupancy is shown as numbers,
# never who the residents are; the address only on a facility's own page.


def _with_occupancy() -> Prefetch:
    rows = capacities_with_occupancy().order_by("category__position")
    return Prefetch("capacities", queryset=rows, to_attr="capacity_rows")


@login_required
@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    require_facility_manager(user)
    facilities = list(
        managed_facilities(user)
        .select_related("agency", "region")
        .prefetch_related(_with_occupancy())
        .order_by("-is_active", "name", "pk")
    )
    return render(request, "facilities/manage_list.html", {"facilities": facilities})


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    agencies = require_facility_manager(user)
    categories = list(PlacementCategory.objects.all())
    form = FacilityForm(request.POST or None, agencies=agencies, categories=categories)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            facility = actions.create_facility(
                user,
                form.chosen_agency(),
                code=data["code"],
                name=data["name"],
                region=data["region"],
                address=data["address"],
                places=form.places(),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Facility created."))
            return redirect("facilities:detail", facility_id=facility.pk)
    status = 400 if form.is_bound else 200
    return render(request, "facilities/manage_form.html", {"form": form}, status=status)


def _facility_form(facility: Facility, data: Any = None) -> FacilityForm:
    initial: dict[str, Any] = {
        "code": facility.code,
        "name": facility.name,
        "region": facility.region_id,
        "address": facility.address,
    }
    for row in facility.capacity_rows:  # type: ignore[attr-defined]
        initial[actions.places_field(row.category.code)] = row.places
    return FacilityForm(
        data, facility=facility, categories=list(PlacementCategory.objects.all()), initial=initial
    )


def _managed_facility(user: User, facility_id: int) -> Facility:
    facility = access_facility_to_manage(user, facility_id)
    facility.capacity_rows = list(  # type: ignore[attr-defined]
        capacities_with_occupancy().filter(facility=facility).order_by("category__position")
    )
    return facility


def _render_facility(
    request: HttpRequest,
    user: User,
    facility: Facility,
    form: FacilityForm,
    *,
    status: int = 200,
    refusals: list[str] | None = None,
) -> HttpResponse:
    """The facility's page, recorded as a view each time it shows (it shows the address)."""
    record_access(user, "facility.view", facility, agency=facility.agency_id)
    context = {
        "facility": facility,
        "form": form,
        "residents": _residents(facility),
        "refusals": refusals or [],
    }
    return render(request, "facilities/manage_detail.html", context, status=status)


def _residents(facility: Facility) -> int:
    return sum(row.occupied for row in facility.capacity_rows)  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def facility_detail(request: HttpRequest, facility_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    facility = _managed_facility(user, facility_id)
    if request.method != "POST":
        return _render_facility(request, user, facility, _facility_form(facility))
    form = _facility_form(facility, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_facility(
                user,
                facility,
                code=data["code"],
                name=data["name"],
                region=data["region"],
                address=data["address"],
                places=form.places(),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Facility saved."))
            return redirect("facilities:detail", facility_id=facility.pk)
    return _render_facility(request, user, facility, form, status=400)


def _change_receiving(request: HttpRequest, facility_id: int, *, receive: bool) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    facility = _managed_facility(user, facility_id)
    try:
        if receive:
            actions.reopen_facility(user, facility)
        else:
            actions.close_facility(user, facility)
    except ValidationError as error:
        return _render_facility(
            request, user, facility, _facility_form(facility), status=400, refusals=error.messages
        )
    messages.success(
        request,
        _("The facility receives residents again.")
        if receive
        else _("The facility is closed: it admits no one."),
    )
    return redirect("facilities:detail", facility_id=facility.pk)


@login_required
@require_POST
def facility_close(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _change_receiving(request, facility_id, receive=False)


@login_required
@require_POST
def facility_reopen(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _change_receiving(request, facility_id, receive=True)
