"""The protection page of a case: measures, breaches, the safety plan, and their forms."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qamqor.accounts.models import User
from qamqor.audit.events import record_access
from qamqor.cases.access import (
    CaseAccess,
    access_case_to_change,
    access_case_with_identity,
)
from qamqor.cases.models import Case
from qamqor.clock import today
from qamqor.web.forms import add_validation_error

from . import actions
from .forms import BreachForm, MeasureForm, SafetyPlanForm
from .models import Breach, ProtectionMeasure
from .queries import EXPIRY_WARNING_DAYS


def _submission_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


@login_required
@require_GET
def protection_page(request: HttpRequest, code: str) -> HttpResponse:
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
    **forms: Any,
) -> HttpResponse:
    """The page, recorded as a view of the case's protection records each time it shows."""
    record_access(user, "protection.view", case, case_code=case.code)
    day = today()
    measures = list(
        ProtectionMeasure.objects.filter(case=case).select_related("issuer_agency", "recorded_by")
    )
    breaches = list(
        Breach.objects.filter(measure__case=case).select_related("measure", "recorded_by")
    )
    plans = list(case.safety_plans.select_related("created_by"))
    rows = [
        {
            "measure": m,
            "status": m.status_on(day),
            "days_left": (m.ends_on - day).days,
            "warn": m.starts_on <= day <= m.ends_on
            and (m.ends_on - day).days <= EXPIRY_WARNING_DAYS,
            "conditions": m.condition_labels(),
        }
        for m in measures
    ]
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "can_edit": access.edit,
        "rows": rows,
        "breaches": breaches,
        "plan": plans[0] if plans else None,
        "earlier_plans": plans[1:],
        "today": day,
        "submission_key": uuid.uuid4(),
    }
    if access.edit:
        latest = plans[0] if plans else None
        initial = {name: getattr(latest, name) for name in latest.TEXT_FIELDS} if latest else {}
        context["measure_form"] = forms.get("measure_form") or MeasureForm(prefix="measure")
        context["breach_form"] = forms.get("breach_form") or BreachForm(
            prefix="breach", measures=ProtectionMeasure.objects.filter(case=case)
        )
        context["plan_form"] = forms.get("plan_form") or SafetyPlanForm(
            prefix="plan", initial=initial
        )
    return render(request, "protection/page.html", context, status=status)


def _edit(request: HttpRequest, code: str) -> tuple[User, Case, CaseAccess]:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    return user, case, access


@login_required
@require_POST
def measure_add(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = MeasureForm(request.POST, prefix="measure")
    if form.is_valid():
        try:
            actions.add_measure(user, case, form.instance, submission_key=_submission_key(request))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Protection measure recorded."))
            return redirect("protection:page", code=case.code)
    return _render_page(request, user, case, access, status=400, measure_form=form)


@login_required
@require_POST
def breach_add(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    measures = ProtectionMeasure.objects.filter(case=case)
    form = BreachForm(request.POST, prefix="breach", measures=measures)
    if form.is_valid():
        try:
            actions.record_breach(
                user,
                form.cleaned_data["measure"],
                form.instance,
                submission_key=_submission_key(request),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Breach recorded."))
            return redirect("protection:page", code=case.code)
    return _render_page(request, user, case, access, status=400, breach_form=form)


@login_required
@require_POST
def safety_plan_save(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = SafetyPlanForm(request.POST, prefix="plan")
    if form.is_valid():
        try:
            plan = actions.save_safety_plan(
                user, case, form.instance, submission_key=_submission_key(request)
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Safety plan saved as version %(version)d.") % {"version": plan.version}
            )
            return redirect("protection:page", code=case.code)
    return _render_page(request, user, case, access, status=400, plan_form=form)
