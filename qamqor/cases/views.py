"""Case pages: list and search, intake, case file and the changes made from it."""

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from qamqor.accounts.access import agencies_where, agency_colleagues, has_capability
from qamqor.accounts.models import Capability, User
from qamqor.accounts.reauth import require_recent_authentication
from qamqor.audit.events import record_access
from qamqor.audit.history import case_access_history
from qamqor.clock import today
from qamqor.registry.actions import add_document, update_person
from qamqor.registry.forms import DocumentForm, OptionalDocumentForm, PersonForm
from qamqor.web.forms import add_validation_error

from . import actions
from .access import (
    CaseAccess,
    access_case,
    access_case_for_edit,
    access_case_to_change,
    case_access,
    case_for_break_glass,
    identity_cases,
    visible_cases,
)
from .closure import may_approve_closure
from .forms import (
    BreakGlassForm,
    CaseForm,
    CaseSearchForm,
    ClosureRefusalForm,
    ClosureRequestForm,
    IncidentForm,
    NoteForm,
    OptionalIncidentForm,
    StatusForm,
)
from .models import Case, CaseNote, ClosureDecision
from .search import CASE_CODE, filter_cases, listing_page, search_cases


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _submission_key(request: HttpRequest) -> uuid.UUID | None:
    """The key a form carries so that posting it twice acts once."""
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    # Search terms may be names: they travel in the body of a POST, never in the URL.
    params = request.POST if request.method == "POST" else request.GET
    form = CaseSearchForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    user: User = request.user  # type: ignore[assignment]
    query = filters.get("q", "").strip()
    # Names and IINs are searched only where the user may see who the person is, so a
    # de-identified reach cannot be used to learn whether someone has a case.
    reach = identity_cases(user) if query and not CASE_CODE.match(query) else visible_cases(user)
    cases = search_cases(filter_cases(reach, user, filters), query)
    order = CaseSearchForm.SORTS.get(filters.get("sort") or "-opened", ("-opened_on", "-id"))
    page = listing_page(cases.order_by(*order), filters.get("page") or 1, settings.PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "today": today(),
        "searched": bool(query),
        "can_break_glass": has_capability(user, Capability.BREAK_GLASS),
    }
    template = "cases/_results.html" if request.htmx else "cases/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    agencies = agencies_where(user, Capability.OPEN_CASE)
    if not agencies:
        raise PermissionDenied(_("Your role does not allow opening cases."))
    data = request.POST if request.method == "POST" else None
    person_form = PersonForm(data, prefix="person")
    case_form = CaseForm(data, prefix="case", agencies=agencies)
    incident_form = OptionalIncidentForm(data, prefix="incident")
    document_form = OptionalDocumentForm(data, prefix="document")
    forms = [person_form, case_form, incident_form, document_form]
    # Validate every form, not up to the first invalid one, so all errors show at once.
    if data is not None and all([f.is_valid() for f in forms]):
        document = document_form.instance if document_form.is_given else None
        try:
            case = actions.open_case(
                user,
                case_form.cleaned_data["agency"],
                person_form.instance,
                case_form.instance,
                incident=incident_form.instance if incident_form.is_given else None,
                document=document,
                submission_key=_submission_key(request),
            )
        except ValidationError as error:
            _spread_error(error, forms)
        else:
            messages.success(request, _("Case %(code)s opened.") % {"code": case.code})
            return redirect("cases:detail", code=case.code)
    context = {
        "person_form": person_form,
        "case_form": case_form,
        "incident_form": incident_form,
        "document_form": document_form,
        "all_forms": forms,
        "submission_key": request.POST.get("submission_key") or uuid.uuid4(),
    }
    return render(request, "cases/intake.html", context)


def _spread_error(error: ValidationError, forms: list[Any]) -> None:
    """Show an action's validation error on the first form that has the field."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((f for f in forms if field in f.fields), forms[0])
        add_validation_error(target, ValidationError({field: errors}))


@login_required
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = access_case(user, code)
    access = case_access(user, case)
    record_access(user, "case.view", case, case_code=case.code, identity=access.sees_person)
    if access.person_only:
        # A referral shares who the person is and no more: its own page says so.
        from qamqor.referrals.referral_views import shared_case  # referrals build on cases

        return shared_case(request, case, access)
    if not access.identity:
        return render(request, "cases/summary.html", _summary_context(case, access))
    return render(request, "cases/detail.html", _case_file_context(user, case, access))


def _summary_context(case: Case, access: CaseAccess) -> dict[str, Any]:
    """What a de-identified reach shows: no name, identifier, contact, address or text."""
    incidents = case.incidents.only(
        "occurred_on", "date_is_approximate", "region", "forms_of_violence", "exploitation_types"
    ).select_related("region")
    return {"case": case, "access": access, "incidents": list(incidents), "today": today()}


def _case_file_context(user: User, case: Case, access: CaseAccess, **forms: Any) -> dict[str, Any]:
    editable = access.edit
    notes = list(
        case.notes.select_related("author").prefetch_related(
            Prefetch("corrections", queryset=CaseNote.objects.only("id", "corrects_id"))
        )
    )
    incidents = list(case.incidents.select_related("region", "recorded_by"))
    assignments = list(case.assignments.select_related("user").order_by("assigned_at"))
    timeline = sorted(
        [("note", n.created_at, n) for n in notes]
        + [("incident", i.recorded_at, i) for i in incidents],
        key=lambda item: item[1],
        reverse=True,
    )
    assigned_ids = {a.user_id for a in assignments}
    closure_requests = list(case.closure_requests.select_related("requested_by", "decided_by"))
    pending = next((r for r in closure_requests if r.decision == ClosureDecision.PENDING), None)
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "documents": list(case.person.documents.all()),
        "incidents": incidents,
        "timeline": timeline,
        "assignments": assignments,
        "can_edit": editable,
        "access": access,
        "break_glass": list(case.break_glass.select_related("user")[:20]),
        # The agency's supervisors see who looked at the case (docs/access.md).
        "access_history": case_access_history(case) if "agency" in access.relations else None,
        "today": today(),
        "note_form": forms.get("note_form") or NoteForm(),
        "status_form": forms.get("status_form") or StatusForm(initial={"status": case.status}),
        "closure_requests": closure_requests,
        "pending_closure": pending,
        "may_approve_closure": pending is not None
        and pending.requested_by_id != user.pk
        and may_approve_closure(user, case),
        "closure_form": forms.get("closure_form") or ClosureRequestForm(),
        "refusal_form": forms.get("refusal_form") or ClosureRefusalForm(),
        "submission_key": uuid.uuid4(),
    }
    if editable:
        context["assignable"] = [
            u for u in agency_colleagues(case.owner_agency) if u.pk not in assigned_ids
        ]
    return context


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_edit(user, code)
    person = case.person
    if request.method == "GET":
        record_access(user, "person.view", person, case_code=case.code)
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_person(user, person, form.changes(), case_code=case.code)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if changed:
                messages.success(request, _("Personal details saved."))
            return redirect("cases:detail", code=case.code)
    context = {
        "case": case,
        "form": form,
        "document_form": DocumentForm(prefix="document"),
        "documents": list(person.documents.all()),
    }
    return render(request, "cases/person_edit.html", context)


@login_required
@require_POST
def document_add(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_edit(user, code)
    form = DocumentForm(request.POST, prefix="document")
    if form.is_valid():
        try:
            add_document(user, case.person, form.instance, case_code=case.code)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Document added."))
            return redirect("cases:person_edit", code=case.code)
    context = {
        "case": case,
        "form": PersonForm(instance=case.person, prefix="person"),
        "document_form": form,
        "documents": list(case.person.documents.all()),
    }
    return render(request, "cases/person_edit.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def incident_add(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_edit(user, code)
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_incident(user, case, form.instance, submission_key=_submission_key(request))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Incident recorded."))
            return redirect("cases:detail", code=case.code)
    context = {"case": case, "form": form, "submission_key": uuid.uuid4()}
    return render(request, "cases/incident_form.html", context)


@login_required
@require_POST
def note_add(request: HtmxHttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    form = NoteForm(request.POST)
    if form.is_valid():
        corrects = None
        if form.cleaned_data.get("corrects"):
            corrects = case.notes.filter(pk=form.cleaned_data["corrects"]).first()
            if corrects is None:
                form.add_error(None, _("The note to correct is not part of this case."))
        if not form.errors:
            try:
                actions.add_note(
                    user,
                    case,
                    form.cleaned_data["text"],
                    corrects=corrects,
                    submission_key=_submission_key(request),
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                if request.htmx:
                    return render(
                        request, "cases/_note_added.html", _case_file_context(user, case, access)
                    )
                messages.success(request, _("Note added."))
                return redirect("cases:detail", code=case.code)
    if request.htmx:
        # htmx swaps only successful responses: send the form back with its errors, in place.
        context = _case_file_context(user, case, access, note_form=form)
        response = render(request, "cases/_note_form.html", context)
        return reswap(retarget(response, "#note-form"), "outerHTML")
    context = _case_file_context(user, case, access, note_form=form)
    return render(request, "cases/detail.html", context, status=400)


@login_required
@require_POST
def status_change(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            actions.change_status(user, case, form.cleaned_data["status"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Status changed to %(status)s.") % {"status": case.get_status_display()}
            )
            return redirect("cases:detail", code=case.code)
    context = _case_file_context(user, case, access, status_form=form)
    return render(request, "cases/detail.html", context, status=400)


@login_required
@require_POST
def assignment_change(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_edit(user, code)
    worker = agency_colleagues(case.owner_agency).filter(pk=request.POST.get("user") or 0).first()
    if worker is None:
        messages.error(request, _("Choose a member of the owning agency."))
    elif request.POST.get("remove"):
        actions.unassign_worker(user, case, worker)
    else:
        try:
            actions.assign_worker(user, case, worker)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("cases:detail", code=case.code)


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponseBase:
    """A supervisor opens a case outside their scope, for 24 hours, stating why."""
    user: User = request.user  # type: ignore[assignment]
    if not has_capability(user, Capability.BREAK_GLASS):
        raise PermissionDenied(_("Your role does not allow break-glass access."))
    return _break_glass(request, user)


@require_recent_authentication
def _break_glass(request: HttpRequest, user: User) -> HttpResponse:
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = case_for_break_glass(user, form.cleaned_data["code"])
        try:
            actions.break_glass(user, case, form.cleaned_data["reason"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.warning(
                request,
                _(
                    "Break-glass access to %(code)s for 24 hours. It is recorded and the "
                    "owning agency's supervisors are told."
                )
                % {"code": case.code},
            )
            return redirect("cases:detail", code=case.code)
    return render(request, "cases/break_glass.html", {"form": form})
