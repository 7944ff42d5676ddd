"""The assessment pages of a case: its assessments and decisions, and one assessment to
fill (a draft) or read (completed or superseded)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
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
from .forms import (
    AnswersForm,
    EligibilityDecisionForm,
    StartAssessmentForm,
    TraffickingDecisionForm,
)
from .models import (
    Assessment,
    AssessmentStatus,
    EligibilityDecision,
    Instrument,
    InstrumentKind,
    TraffickingDecision,
    TraffickingStatus,
)


def _instruments_in_force() -> list[Instrument]:
    """The newest version in force today of each instrument, one per kind."""
    day = today()
    newest: dict[str, Instrument] = {}
    for instrument in Instrument.objects.filter(effective_from__lte=day).order_by("-version"):
        if instrument.in_force_on(day) and instrument.kind not in newest:
            newest[instrument.kind] = instrument
    return [newest[kind] for kind in InstrumentKind.values if kind in newest]


def _current_eligibility(case: Case) -> EligibilityDecision | None:
    return (
        EligibilityDecision.objects.filter(case=case, superseded_by__isnull=True)
        .select_related("decided_by")
        .first()
    )


def _case_assessments(case: Case) -> Any:
    return Assessment.objects.filter(case=case).select_related("instrument")


@login_required
@require_GET
def assessments_page(request: HttpRequest, code: str) -> HttpResponse:
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
    """The page, recorded as a view of the case's assessments each time it shows."""
    record_access(user, "assessment.view", case, case_code=case.code)
    assessments = list(
        Assessment.objects.filter(case=case).select_related(
            "instrument", "started_by", "completed_by"
        )
    )
    trafficking = list(TraffickingDecision.objects.filter(case=case).select_related("decided_by"))
    superseded_ids = {d.supersedes_id for d in trafficking if d.supersedes_id}
    current_trafficking = next((d for d in trafficking if d.pk not in superseded_ids), None)
    eligibility = _current_eligibility(case)
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "can_edit": access.edit,
        "assessments": assessments,
        "trafficking": current_trafficking,
        "earlier_trafficking": [d for d in trafficking if d != current_trafficking],
        "possible": TraffickingStatus.POSSIBLE,
        "eligibility": eligibility,
        "eligibility_history": eligibility.history()[1:] if eligibility else [],
    }
    if access.edit:
        instruments = _instruments_in_force()
        context["start_forms"] = [
            (
                instrument,
                StartAssessmentForm(
                    instruments=instruments,
                    initial={"instrument": instrument.pk},
                    auto_id=f"id_start_{instrument.pk}_%s",
                ),
            )
            for instrument in instruments
        ]
        context["start_errors"] = forms.get("start_errors", [])
        context["trafficking_form"] = forms.get("trafficking_form") or TraffickingDecisionForm(
            prefix="trafficking", case_assessments=_case_assessments(case)
        )
        context["eligibility_form"] = forms.get("eligibility_form") or EligibilityDecisionForm(
            prefix="eligibility",
            case_assessments=_case_assessments(case),
            revising=eligibility is not None,
        )
    return render(request, "assessments/page.html", context, status=status)


def _edit(request: HttpRequest, code: str) -> tuple[User, Case, CaseAccess]:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    return user, case, access


def _assessment_of(case: Case, assessment_id: int) -> Assessment:
    """The assessment, only when it belongs to this case: any other id is a plain 404."""
    found = (
        Assessment.objects.filter(case=case, pk=assessment_id)
        .select_related("instrument", "case", "started_by", "completed_by", "supersedes")
        .first()
    )
    if found is None:
        raise Http404()
    return found


@login_required
@require_POST
def assessment_start(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = StartAssessmentForm(request.POST, instruments=_instruments_in_force())
    if form.is_valid():
        try:
            assessment = actions.start_assessment(user, case, form.cleaned_data["instrument"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Assessment started as a draft."))
            return redirect("assessments:detail", code=case.code, assessment_id=assessment.pk)
    errors = [str(e) for errors in form.errors.values() for e in errors]
    return _render_page(request, user, case, access, status=400, start_errors=errors)


@login_required
@require_POST
def trafficking_decision(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    form = TraffickingDecisionForm(
        request.POST, prefix="trafficking", case_assessments=_case_assessments(case)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.record_trafficking_decision(
                user,
                case,
                status=data["status"],
                deciding_org_type=data["deciding_org_type"],
                decided_on=data["decided_on"],
                grounds=data["grounds"],
                assessment=data["assessment"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Trafficking decision recorded."))
            return redirect("assessments:page", code=case.code)
    return _render_page(request, user, case, access, status=400, trafficking_form=form)


@login_required
@require_POST
def eligibility_decision(request: HttpRequest, code: str) -> HttpResponseBase:
    user, case, access = _edit(request, code)
    current = _current_eligibility(case)
    form = EligibilityDecisionForm(
        request.POST,
        prefix="eligibility",
        case_assessments=_case_assessments(case),
        revising=current is not None,
    )
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "decision": data["decision"],
            "deciding_body": data["deciding_body"],
            "decided_on": data["decided_on"],
            "reasons": data["reasons"],
            "assessment": data["assessment"],
        }
        try:
            if current is None:
                actions.record_eligibility_decision(user, case, **fields)
            else:
                actions.revise_eligibility_decision(
                    user, current, on_appeal=data["on_appeal"], **fields
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Eligibility decision recorded."))
            return redirect("assessments:page", code=case.code)
    return _render_page(request, user, case, access, status=400, eligibility_form=form)


@login_required
@require_GET
def assessment_detail(request: HttpRequest, code: str, assessment_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_with_identity(user, code)
    return _render_assessment(request, user, case, access, _assessment_of(case, assessment_id))


def _render_assessment(
    request: HttpRequest,
    user: User,
    case: Case,
    access: CaseAccess,
    assessment: Assessment,
    *,
    status: int = 200,
    form: AnswersForm | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    record_access(user, "assessment.view", case, case_code=case.code)
    items = list(assessment.instrument.items.all())
    draft = assessment.status == AssessmentStatus.DRAFT
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "can_edit": access.edit,
        "assessment": assessment,
        "instrument": assessment.instrument,
        "draft": draft,
        "errors": errors or [],
        "is_risk": assessment.instrument.kind == InstrumentKind.DOMESTIC_VIOLENCE_RISK,
        "replaced_by": Assessment.objects.filter(supersedes=assessment).first(),
    }
    if draft and access.edit:
        context["form"] = form or AnswersForm(assessment=assessment, items=items)
    else:
        if form is not None:  # refused because it is no longer a draft: say why
            context["errors"] += [str(e) for errors in form.errors.values() for e in errors]
        answers, evidence = assessment.answers, assessment.evidence
        context["rows"] = [
            {
                "item": item,
                "answer": answers.get(item.code, ""),
                "evidence": evidence.get(item.code, ""),
            }
            for item in items
        ]
    return render(request, "assessments/assessment.html", context, status=status)


def _edit_assessment(
    request: HttpRequest, code: str, assessment_id: int
) -> tuple[User, Case, CaseAccess, Assessment]:
    user, case, access = _edit(request, code)
    return user, case, access, _assessment_of(case, assessment_id)


def _answers_form(request: HttpRequest, assessment: Assessment, completing: bool) -> AnswersForm:
    return AnswersForm(
        request.POST,
        assessment=assessment,
        items=list(assessment.instrument.items.all()),
        completing=completing,
    )


@login_required
@require_POST
def answers_save(request: HttpRequest, code: str, assessment_id: int) -> HttpResponseBase:
    user, case, access, assessment = _edit_assessment(request, code, assessment_id)
    form = _answers_form(request, assessment, completing=False)
    if form.is_valid():
        try:
            actions.save_answers(user, assessment, form.answers(), form.evidence())
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Answers saved; the assessment is still a draft."))
            return redirect("assessments:detail", code=case.code, assessment_id=assessment.pk)
    return _render_assessment(request, user, case, access, assessment, status=400, form=form)


@login_required
@require_POST
def assessment_complete(request: HttpRequest, code: str, assessment_id: int) -> HttpResponseBase:
    user, case, access, assessment = _edit_assessment(request, code, assessment_id)
    form = _answers_form(request, assessment, completing=True)
    if form.is_valid():
        try:
            # The answers and the completion stand or fall together.
            with transaction.atomic():
                saved = actions.save_answers(user, assessment, form.answers(), form.evidence())
                actions.complete_assessment(
                    user,
                    saved,
                    judgement_level=form.cleaned_data.get("judgement_level", ""),
                    judgement_reason=form.cleaned_data.get("judgement_reason", ""),
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Assessment completed."))
            return redirect("assessments:detail", code=case.code, assessment_id=assessment.pk)
    return _render_assessment(request, user, case, access, assessment, status=400, form=form)


@login_required
@require_POST
def assessment_supersede(request: HttpRequest, code: str, assessment_id: int) -> HttpResponseBase:
    user, case, access, assessment = _edit_assessment(request, code, assessment_id)
    try:
        draft = actions.supersede(user, assessment)
    except ValidationError as error:
        errors = [str(message) for message in error.messages]
        return _render_assessment(
            request, user, case, access, assessment, status=400, errors=errors
        )
    messages.success(request, _("A new draft replaces this assessment once it is completed."))
    return redirect("assessments:detail", code=case.code, assessment_id=draft.pk)
