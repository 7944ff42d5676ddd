"""Second factor at sign-in, enrolment of an authenticator app, re-authentication."""

import datetime

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.models import Device

from qamqor.audit.events import record

from . import two_factor
from .access import needs_second_factor
from .forms import EnrolmentForm, ReauthenticationForm, SecondFactorForm
from .lockout import clear_failures
from .middleware import with_next
from .models import User
from .reauth import mark_authenticated


def next_url(request: HttpRequest) -> str:
    """The page to continue to: `next` when it points into this site, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_factor_step(user: User, after: str) -> str:
    """Where a user who has just given their password goes for the second factor."""
    step = "accounts:second_factor" if two_factor.has_authenticator(user) else "accounts:enrol"
    return with_next(reverse(step), after)


def _complete_sign_in(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    # The session now opens case files: it gets a new id, as at the password step.
    request.session.cycle_key()
    mark_authenticated(request)


def _wait_message(retry_at: datetime.datetime | None) -> str:
    if retry_at is None:
        return _("This code is not right. Check the time on your phone and try again.")
    seconds = max(1, int((retry_at - timezone.now()).total_seconds() + 0.999))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def _recovery_message(request: HttpRequest, left: int | None) -> None:
    if left is not None:
        messages.warning(
            request,
            ngettext(
                "You used a recovery code; %(left)d is left. Each code works once.",
                "You used a recovery code; %(left)d are left. Each code works once.",
                left,
            )
            % {"left": left},
        )


@login_required
@sensitive_post_parameters("code")
def second_factor(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the app, or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    after = next_url(request)
    if two_factor.is_verified(user) or not needs_second_factor(user):
        return redirect(after)
    if not two_factor.has_authenticator(user):
        return redirect(second_factor_step(user, after))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = two_factor.check_code(user, form.cleaned_data["code"], purpose="sign-in")
        if check.device is not None:
            _complete_sign_in(request, check.device)
            _recovery_message(request, check.recovery_codes_left)
            return HttpResponseRedirect(after)
        form.add_error("code", _wait_message(check.retry_at))
    return render(request, "accounts/second_factor.html", {"form": form, "next": after})


@login_required
@sensitive_post_parameters("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app; on success, show the recovery codes once."""
    user: User = request.user  # type: ignore[assignment]
    after = next_url(request)
    if two_factor.is_verified(user) or not needs_second_factor(user):
        return redirect(after)
    if two_factor.has_authenticator(user):
        return redirect(second_factor_step(user, after))
    device = two_factor.pending_authenticator(user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = two_factor.confirm_enrolment(user, device.pk, form.cleaned_data["code"])
        if enrolment is not None:
            _complete_sign_in(request, enrolment.device)
            shown = {"codes": enrolment.recovery_codes, "next": after}
            # Rendered in answer to the POST, never stored to be shown again.
            return render(request, "accounts/recovery_codes.html", shown)
        device.refresh_from_db()
        retry_at = None
        allowed, details = device.verify_is_allowed()
        if not allowed:
            retry_at = (details or {}).get("locked_until")
        form.add_error("code", _wait_message(retry_at))
    context = {
        "form": form,
        "next": after,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "accounts/enrol.html", context)


@login_required
@sensitive_post_parameters("password", "code")
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Password, and second factor when the user has one, before a grave act."""
    user: User = request.user  # type: ignore[assignment]
    after = next_url(request)
    with_code = two_factor.has_authenticator(user)
    form = ReauthenticationForm(request.POST or None, with_code=with_code)
    if request.method == "POST" and form.is_valid():
        # Through authenticate(), so that wrong passwords count towards the lock-out.
        confirmed = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if confirmed is None or confirmed.pk != user.pk:
            form.add_error("password", _("This password is not right."))
        else:
            clear_failures(user.get_username())
            check = None
            if with_code:
                check = two_factor.check_code(
                    user, form.cleaned_data["code"], purpose="reauthentication"
                )
                if not check.accepted:
                    form.add_error("code", _wait_message(check.retry_at))
            if form.is_valid():
                with transaction.atomic():
                    record(user, "auth.reauthenticated", None, second_factor=with_code)
                mark_authenticated(request)
                if check is not None:
                    _recovery_message(request, check.recovery_codes_left)
                return HttpResponseRedirect(after)
    context = {"form": form, "next": after, "with_code": with_code}
    return render(request, "accounts/reauthenticate.html", context)
