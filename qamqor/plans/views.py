"""The plan page of a case (goals, services with their compliance, deliveries,
extensions, closure), its change endpoints, and the compliance list of the plans a user
reaches (case codes only)."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qamqor.accounts.models import Agency, User
from qamqor.assessments.models import Eligibility
from qamqor.audit.events import record_access
from qamqor.cases.access import (
    CaseAccess,
    access_case,
    access_case_to_change,
    access_case_with_identity,
    case_access,
    visible_cases,
)
from qamqor.cases.models import Case
from qamqor.clock import today
from qamqor.web.forms import add_validation_error

from . import actions
from .access import plan_of_case, require_case_scope
from .forms import (
    ClosureRequestForm,
    ComplianceFilterForm,
    DeliveryForm,
    ExtensionForm,
    GenerateForm,
    GoalForm,
    GoalUpdateForm,
    PlannedServiceChangeForm,
    PlannedServiceForm,
    RefusalForm,
    ReviewForm,
)
from .models import Goal, PlannedService, PlanStatus, ServicePlan
from .queries import (
    REVIEW_WARNING_DAYS,
    compliance,
    compliance_totals,
    plans_with_compliance,
    summarise,
)


def _submission_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


def _current_plan(case: Case) -> ServicePlan | None:
    """The open plan, else the latest closed one."""
    plans = ServicePlan.objects.filter(case=case).select_related("standard", "category")
    plan = plans.exclude(status=PlanStatus.CLOSED).first() or plans.first()
    if plan is not None:
        plan.case = case
    return plan


@login_required
@require_GET
def plan_page(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_with_identity(user, code)
    return _render_page(request, user, case, access, _current_plan(case))


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: str, plan_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_with_identity(user, code)
    return _render_page(request, user, case, access, plan_of_case(case, plan_id))


def _render_page(
    request: HttpRequest,
    user: User,
    case: Case,
    access: CaseAccess,
    plan: ServicePlan | None,
    *,
    status: int = 200,
    **forms: BaseForm,
) -> HttpResponse:
    """The page, recorded as a view of the case's plan each time it shows."""
    record_access(
        user, "plan.view", plan or case, case_code=case.code, plan=plan.pk if plan else None
    )
    day = today()
    plans = list(ServicePlan.objects.filter(case=case).select_related("standard"))
    has_open_plan = any(p.is_open for p in plans)
    eligibility = actions.current_eligibility(case)
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "plan": plan,
        "plans": plans,
        "eligibility": eligibility,
        "eligible": eligibility is not None and eligibility.decision == Eligibility.ELIGIBLE,
        "today": day,
        "submission_key": uuid.uuid4(),
        # A refused generation shows its form and errors even when a plan is open.
        "show_generate": "generate_form" in forms
        or (access.edit and not has_open_plan and not case.is_closed),
    }
    if context["show_generate"]:
        context["generate_form"] = forms.get("generate_form") or GenerateForm(
            prefix="generate",
            initial={"category": actions.default_category(case), "started_on": day},
        )
    if plan is not None:
        context.update(_plan_context(user, access, plan, day, forms))
    return render(request, "plans/plan.html", context, status=status)


def _plan_context(
    user: User, access: CaseAccess, plan: ServicePlan, day: datetime.date, forms: dict[str, Any]
) -> dict[str, Any]:
    # A closed plan is shown as it stood on the day it closed.
    report = compliance(plan, plan.closed_on or day)
    goals = list(plan.goals.all())
    deliveries = list(
        plan.deliveries.select_related("service", "provider", "recorded_by", "planned_service")
    )
    can_edit = access.edit and plan.is_open
    requested = plan.status == PlanStatus.CLOSURE_REQUESTED
    may_approve = actions.may_approve_plan_closure(user, plan)
    people = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=[plan.closure_requested_by_id, plan.closure_decided_by_id]
        )
    }
    context: dict[str, Any] = {
        "report": report,
        "goals": goals,
        "deliveries": deliveries,
        "can_edit": can_edit,
        "can_record_delivery": plan.is_open and actions.may_record_delivery(user, plan),
        "requested_by": people.get(plan.closure_requested_by_id or 0),
        "decided_by": people.get(plan.closure_decided_by_id or 0),
        "can_decide": requested and may_approve and plan.closure_requested_by_id != user.pk,
        "own_request": requested and plan.closure_requested_by_id == user.pk,
        "review_warning_days": REVIEW_WARNING_DAYS,
    }
    if can_edit:
        failed_goal = forms.get("goal_update_form")
        context["goal_rows"] = [
            (
                goal,
                failed_goal
                if failed_goal is not None and failed_goal.goal.pk == goal.pk
                else GoalUpdateForm(goal=goal),
            )
            for goal in goals
        ]
        failed_service = forms.get("service_change_form")
        context["service_rows"] = [
            (
                row,
                failed_service
                if failed_service is not None and failed_service.planned.pk == row.planned.pk
                else PlannedServiceChangeForm(planned=row.planned),
            )
            for row in report.rows
        ]
        context["goal_form"] = forms.get("goal_form") or GoalForm(
            prefix="goal", initial={"agreed_on": day}
        )
        context["service_form"] = forms.get("service_form") or PlannedServiceForm(
            prefix="service", plan=plan, initial={"provider": plan.case.owner_agency_id}
        )
        context["review_form"] = forms.get("review_form") or ReviewForm(
            prefix="review", initial={"review_on": plan.review_on}
        )
        if plan.standard.extension_days:
            context["extension_form"] = forms.get("extension_form") or ExtensionForm(
                prefix="extension", plan=plan, initial={"granted_on": day}
            )
        context["closure_form"] = forms.get("closure_form") or ClosureRequestForm(prefix="closure")
    else:
        context["goal_rows"] = [(goal, None) for goal in goals]
        context["service_rows"] = [(row, None) for row in report.rows]
    if context["can_record_delivery"]:
        context["delivery_form"] = forms.get("delivery_form") or DeliveryForm(
            prefix="delivery", plan=plan, initial={"delivered_on": day}
        )
    if context["can_decide"] or forms.get("refusal_form"):
        context["refusal_form"] = forms.get("refusal_form") or RefusalForm(prefix="refusal")
    context["decision_error"] = forms.get("decision_error")
    return context


# Changes ------------------------------------------------------------------------------


def _change(request: HttpRequest, code: str, plan_id: int) -> tuple[User, CaseAccess, ServicePlan]:
    """The plan of a case the user may change (403 for a read-only reach, else 404)."""
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    return user, access, plan_of_case(case, plan_id)


def _done(request: HttpRequest, plan: ServicePlan, message: str) -> HttpResponseBase:
    messages.success(request, message)
    return redirect("plans:page", code=plan.case.code)


def _failed(
    request: HttpRequest,
    user: User,
    access: CaseAccess,
    plan: ServicePlan,
    status: int = 400,
    **forms: Any,
) -> HttpResponse:
    if not plan.is_open:
        # A closed plan shows no form: say why the change was refused instead.
        for form in forms.values():
            if isinstance(form, BaseForm):
                for errors in form.errors.values():
                    for message in errors:
                        messages.error(request, str(message))
    return _render_page(request, user, plan.case, access, plan, status=status, **forms)


@login_required
@require_POST
def generate(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    form = GenerateForm(request.POST, prefix="generate")
    if form.is_valid():
        try:
            actions.generate_plan(
                user,
                case,
                category=form.cleaned_data["category"],
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The service plan has been drawn up."))
            return redirect("plans:page", code=case.code)
    plan = _current_plan(case)
    return _render_page(request, user, case, access, plan, status=400, generate_form=form)


@login_required
@require_POST
def goal_add(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    form = GoalForm(request.POST, prefix="goal")
    if form.is_valid():
        try:
            actions.add_goal(
                user,
                plan,
                form.cleaned_data["text"],
                agreed_on=form.cleaned_data["agreed_on"],
                submission_key=_submission_key(request),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Goal recorded."))
    return _failed(request, user, access, plan, goal_form=form)


def _posted(model: type[Any], plan: ServicePlan, value: str | None) -> Any:
    """A goal or planned service of this plan named in the POST, or None."""
    try:
        pk = int(value or "")
    except ValueError:
        return None
    found = model.objects.filter(plan=plan, pk=pk).first()
    if found is not None:
        found.plan = plan
    return found


def _nothing_chosen(
    request: HttpRequest, user: User, access: CaseAccess, plan: ServicePlan
) -> HttpResponse:
    messages.error(request, _("Choose an entry of this plan."))
    return _failed(request, user, access, plan)


@login_required
@require_POST
def goal_update(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    goal = _posted(Goal, plan, request.POST.get("goal"))
    if goal is None:
        return _nothing_chosen(request, user, access, plan)
    form = GoalUpdateForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            actions.update_goal(
                user, goal, text=form.cleaned_data["text"], status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Goal saved."))
    return _failed(request, user, access, plan, goal_update_form=form)


@login_required
@require_POST
def service_add(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    form = PlannedServiceForm(request.POST, prefix="service", plan=plan)
    if form.is_valid():
        try:
            actions.add_planned_service(
                user, plan, submission_key=_submission_key(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Service added to the plan."))
    return _failed(request, user, access, plan, service_form=form)


@login_required
@require_POST
def service_change(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    planned = _posted(PlannedService, plan, request.POST.get("planned_service"))
    if planned is None:
        return _nothing_chosen(request, user, access, plan)
    form = PlannedServiceChangeForm(request.POST, planned=planned)
    if form.is_valid():
        try:
            actions.change_planned_service(user, planned, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Planned service saved."))
    return _failed(request, user, access, plan, service_change_form=form)


@login_required
@require_POST
def service_remove(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    planned = _posted(PlannedService, plan, request.POST.get("planned_service"))
    if planned is None:
        return _nothing_chosen(request, user, access, plan)
    try:
        actions.remove_planned_service(user, planned)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _failed(request, user, access, plan)
    return _done(request, plan, _("Service taken off the plan."))


@login_required
@require_POST
def review_set(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    form = ReviewForm(request.POST, prefix="review")
    if form.is_valid():
        try:
            actions.set_review_date(user, plan, form.cleaned_data["review_on"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Review date saved."))
    return _failed(request, user, access, plan, review_form=form)


@login_required
@require_POST
def extend(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    form = ExtensionForm(request.POST, prefix="extension", plan=plan)
    if form.is_valid():
        try:
            actions.extend_plan(
                user, plan, submission_key=_submission_key(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Extension granted."))
    return _failed(request, user, access, plan, extension_form=form)


@login_required
@require_POST
def delivery_add(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    """Recorded by whoever may_record_delivery allows, not only by the case's editors."""
    user: User = request.user  # type: ignore[assignment]
    case = access_case(user, code)
    plan = plan_of_case(case, plan_id)
    if not actions.may_record_delivery(user, plan):
        raise PermissionDenied(_("Your role does not allow recording deliveries of this plan."))
    access = case_access(user, case)
    form = DeliveryForm(request.POST, prefix="delivery", plan=plan)
    if form.is_valid():
        try:
            actions.record_delivery(
                user, plan, submission_key=_submission_key(request), **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Delivery recorded."))
    return _failed(request, user, access, plan, delivery_form=form)


@login_required
@require_POST
def closure_request(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    form = ClosureRequestForm(request.POST, prefix="closure")
    if form.is_valid():
        try:
            actions.request_plan_closure(
                user, plan, form.cleaned_data["outcome"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Closure requested: an approver has been told."))
    return _failed(request, user, access, plan, closure_form=form)


@login_required
@require_POST
def closure_withdraw(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _change(request, code, plan_id)
    try:
        actions.withdraw_plan_closure(user, plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _failed(request, user, access, plan)
    return _done(request, plan, _("Closure request withdrawn."))


def _decision(
    request: HttpRequest, code: str, plan_id: int
) -> tuple[User, CaseAccess, ServicePlan]:
    """The plan for an approver of the case's owning agency (403 for anyone else who may
    change the case or sees it, 404 for the rest)."""
    user, access, plan = _change(request, code, plan_id)
    if not actions.may_approve_plan_closure(user, plan):
        raise PermissionDenied(_("Only an approver of the owning agency decides a closure."))
    return user, access, plan


@login_required
@require_POST
def closure_approve(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _decision(request, code, plan_id)
    try:
        actions.approve_plan_closure(user, plan)
    except PermissionDenied as error:
        return _failed(request, user, access, plan, 403, decision_error=str(error))
    except ValidationError as error:
        return _failed(request, user, access, plan, decision_error=" ".join(error.messages))
    return _done(request, plan, _("Closure approved: the plan is closed."))


@login_required
@require_POST
def closure_refuse(request: HttpRequest, code: str, plan_id: int) -> HttpResponseBase:
    user, access, plan = _decision(request, code, plan_id)
    form = RefusalForm(request.POST, prefix="refusal")
    if form.is_valid():
        try:
            actions.refuse_plan_closure(user, plan, form.cleaned_data["refusal_reason"])
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return _failed(request, user, access, plan, 403, refusal_form=form)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return _done(request, plan, _("Closure refused: the plan stays open."))
    return _failed(request, user, access, plan, refusal_form=form)


# Compliance list ----------------------------------------------------------------------


@login_required
@require_GET
def compliance_page(request: HttpRequest) -> HttpResponse:
    """Open plans of the cases the user reaches, against their standards: case codes,
    dates and counts, never who the person is."""
    user: User = request.user  # type: ignore[assignment]
    require_case_scope(user)
    day = today()
    form = ComplianceFilterForm(request.GET or None)
    show = form.cleaned_data["show"] if form.is_valid() else ""
    cases = visible_cases(user)
    plans = plans_with_compliance(cases, day).annotate(owner_agency_id=F("case__owner_agency_id"))
    totals = compliance_totals(cases, day)
    if show == "overdue":
        plans = plans.filter(Q(overdue_count__gt=0))
    elif show == "flagged":
        plans = plans.filter(Q(missing_type_count__gt=0))
    elif show == "review":
        plans = plans.filter(review_on__lte=day + datetime.timedelta(days=REVIEW_WARNING_DAYS))
    page = Paginator(plans, per_page=settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = summarise(list(page.object_list), day)
    agency_ids = {row.plan.owner_agency_id for row in rows}  # type: ignore[attr-defined]
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=agency_ids)}
    context = {
        "form": form,
        "page": page,
        "rows": [(row, agencies.get(row.plan.owner_agency_id)) for row in rows],  # type: ignore[attr-defined]
        "totals": totals,
        "today": day,
        "review_limit": day + datetime.timedelta(days=REVIEW_WARNING_DAYS),
    }
    return render(request, "plans/compliance.html", context)
