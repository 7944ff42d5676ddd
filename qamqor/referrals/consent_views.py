"""The consent page of a case: consents in force, expired, withdrawn and refused, the form
to record one, withdrawal with its confirmation, and the signed form's download."""

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

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

from .consent_actions import SIGNED_FORM_CONTENT_TYPES, record_consent, withdraw_consent
from .consent_forms import ConsentForm
from .consents import ConsentState, consent_state, shares_resting_on
from .models import Consent

# The groups of the page, in the order they show.
GROUPS = [
    (ConsentState.IN_FORCE, gettext_lazy("In force")),
    (ConsentState.NOT_YET, gettext_lazy("Not yet in force")),
    (ConsentState.EXPIRED, gettext_lazy("Expired")),
    (ConsentState.WITHDRAWN, gettext_lazy("Withdrawn")),
    (ConsentState.REFUSED, gettext_lazy("Refused")),
]


def _case_consent(case: Case, consent_id: int) -> Consent:
    """A consent of this case; any other id is a 404, like a missing one."""
    try:
        return Consent.objects.select_related(
            "recipient_agency", "recipient_kind", "recorded_by", "withdrawn_by"
        ).get(pk=consent_id, case=case)
    except Consent.DoesNotExist:
        raise Http404("No such consent.") from None


@login_required
@require_http_methods(["GET", "POST"])
def consent_list(request: HttpRequest, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        case, access = access_case_to_change(user, code)
        form = ConsentForm(request.POST, request.FILES, case=case, prefix="consent")
        if form.is_valid():
            try:
                record_consent(
                    user, case, **form.cleaned_data, submission_key=_submission_key(request)
                )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("Consent recorded."))
                return redirect("referrals:consent_list", code=case.code)
        return _render_page(request, user, case, access, form=form, status=400)
    case, access = access_case_with_identity(user, code)
    return _render_page(request, user, case, access)


def _submission_key(request: HttpRequest) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


def _render_page(
    request: HttpRequest,
    user: User,
    case: Case,
    access: CaseAccess,
    *,
    form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, recorded as a view of the case's consents each time it shows."""
    record_access(user, "consent.view", case, case_code=case.code)
    day = today()
    consents = list(
        Consent.objects.filter(case=case).select_related(
            "recipient_agency", "recipient_kind", "recorded_by", "withdrawn_by"
        )
    )
    grouped: dict[str, list[Consent]] = {state: [] for state, _label in GROUPS}
    for consent in consents:
        grouped[consent_state(consent, day)].append(consent)
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "can_edit": access.edit,
        "groups": [(state, label, grouped[state]) for state, label in GROUPS if grouped[state]],
        # An expired consent shares nothing any more; the action would still take it.
        "withdrawable": {ConsentState.IN_FORCE, ConsentState.NOT_YET},
        # Posted back with the form, so that a double click records one consent; a form
        # shown again with its errors keeps the key it was posted with.
        "submission_key": _submission_key(request) or uuid.uuid4(),
    }
    if access.edit:
        context["form"] = form or ConsentForm(
            case=case, prefix="consent", initial={"given_on": day}
        )
    return render(request, "referrals/consent_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, code: str, consent_id: int) -> HttpResponseBase:
    """GET asks for confirmation, saying which shares end; POST withdraws."""
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    consent = _case_consent(case, consent_id)
    error = ""
    if request.method == "POST":
        try:
            ended = withdraw_consent(user, consent)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "Consent withdrawn. %(count)d referral resting on it lost its access to "
                    "the case.",
                    "Consent withdrawn. %(count)d referrals resting on it lost their access to "
                    "the case.",
                    ended,
                )
                % {"count": ended}
                if ended
                else _("Consent withdrawn."),
            )
            return redirect("referrals:consent_list", code=case.code)
    shares = list(shares_resting_on(consent).select_related("to_agency").order_by("pk"))
    context = {
        "case": case,
        "access": access,
        "consent": consent,
        "state": consent_state(consent, today()),
        "shares": shares,
        "error": error,
    }
    return render(request, "referrals/consent_withdraw.html", context, status=400 if error else 200)


@login_required
@require_GET
def consent_form(request: HttpRequest, code: str, consent_id: int) -> FileResponse:
    """The signed form, decrypted, to those who see who the person is; every download is
    on record."""
    user: User = request.user  # type: ignore[assignment]
    case, _access = access_case_with_identity(user, code)
    consent = _case_consent(case, consent_id)
    name = consent.signed_form.name if consent.signed_form else None
    if not name:
        raise Http404("This consent has no signed form.")
    extension = PurePosixPath(name).suffix.lower()
    record_access(user, "consent.form.download", consent, case_code=case.code)
    response = FileResponse(
        consent.signed_form.open("rb"),
        as_attachment=True,
        filename=f"consent-{case.code}-{consent.pk}{extension}",
        content_type=SIGNED_FORM_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response
