"""The closure of a case from its case file: request, approve, refuse, withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.accounts.models import User
from qamqor.web.forms import add_validation_error

from . import closure
from .access import CaseAccess, access_case_to_change
from .forms import ClosureRefusalForm, ClosureRequestForm
from .models import Case, ClosureRequest
from .views import _case_file_context


@login_required
@require_POST
def closure_request(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access = access_case_to_change(user, code)
    form = ClosureRequestForm(request.POST)
    if form.is_valid():
        try:
            closure.request_closure(
                user, case, form.cleaned_data["outcome"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The closure awaits a supervisor's approval."))
            return redirect("cases:detail", code=case.code)
    context = _case_file_context(user, case, access, closure_form=form)
    return render(request, "cases/detail.html", context, status=400)


def _pending(user: User, code: str) -> tuple[Case, CaseAccess, ClosureRequest | None]:
    case, access = access_case_to_change(user, code)
    pending = closure.pending_request(case)
    return case, access, pending


@login_required
@require_POST
def closure_approve(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access, pending = _pending(user, code)
    if pending is None:
        messages.error(request, _("No closure of this case awaits approval."))
        return redirect("cases:detail", code=case.code)
    try:
        closure.approve_closure(user, pending)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect("cases:detail", code=case.code)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:detail", code=case.code)
    messages.success(request, _("The case is closed."))
    return redirect("cases:detail", code=case.code)


@login_required
@require_POST
def closure_refuse(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access, pending = _pending(user, code)
    if pending is None:
        messages.error(request, _("No closure of this case awaits approval."))
        return redirect("cases:detail", code=case.code)
    form = ClosureRefusalForm(request.POST)
    if form.is_valid():
        try:
            closure.refuse_closure(user, pending, form.cleaned_data["refusal_reason"])
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("cases:detail", code=case.code)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The closure was refused; the case stays open."))
            return redirect("cases:detail", code=case.code)
    context = _case_file_context(user, case, access, refusal_form=form)
    return render(request, "cases/detail.html", context, status=400)


@login_required
@require_POST
def closure_withdraw(request: HttpRequest, code: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case, access, pending = _pending(user, code)
    if pending is not None:
        try:
            closure.withdraw_closure(user, pending)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The closure request was withdrawn."))
    return redirect("cases:detail", code=case.code)
