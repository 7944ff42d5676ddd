"""Staff pages: agency and system administrators manage users and their roles.

Managers reach users through `access.manageable_users` (a 404 to anyone else), and
change them only through the actions of `accounts.actions`, every change behind a
recent re-authentication. No page here reads a case.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.web.forms import add_validation_error

from . import actions
from .access import (
    StaffMemberNotFound,
    access_staff_member,
    manageable_agencies,
    manageable_users,
    require_user_manager,
    staff_reach,
)
from .models import Membership, User
from .reauth import require_recent_authentication
from .staff_forms import AddRoleForm, NewStaffMemberForm, StaffFilterForm


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    require_user_manager(actor)
    form = StaffFilterForm(request.GET or None, actor=actor)
    members = manageable_users(actor)
    if form.is_bound:
        members = form.filter(members) if form.is_valid() else members.none()
    # Roles shown are those held now in the agencies the manager manages.
    shown_roles = (
        Membership.objects.filter(agency__in=manageable_agencies(actor), ended_at__isnull=True)
        .select_related("agency", "role")
        .order_by("agency__name_ru", "agency_id", "role__position")
    )
    members = members.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=shown_roles, to_attr="current_memberships")
    )
    page = Paginator(members, per_page=settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponseBase:
    require_user_manager(_actor(request))
    return _member_create(request)


@require_recent_authentication
def _member_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = NewStaffMemberForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = actions.create_user(
                actor,
                data["username"],
                data["password1"],
                agency=data["agency"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        except IntegrityError:  # the same username, created a moment ago by someone else
            form.add_error("username", _("A user with this username exists already."))
        else:
            messages.success(
                request,
                _("User %(username)s created as %(role)s in %(agency)s.")
                % {
                    "username": member.username,
                    "role": data["role"].name,
                    "agency": data["agency"].name,
                },
            )
            return redirect("staff:detail", user_id=member.pk)
    status = 400 if form.errors else 200
    return render(request, "staff/create.html", {"form": form}, status=status)


@login_required
@require_GET
def member_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = _actor(request)
    member = access_staff_member(actor, user_id)
    return render(request, "staff/detail.html", _member_context(actor, member))


def _member_context(actor: User, member: User, **extra: Any) -> dict[str, Any]:
    reach = staff_reach(actor, member)
    return {
        "member": member,
        "reach": reach,
        "memberships": [(m, reach.end_refusals.get(m.pk)) for m in reach.memberships],
        "has_second_factor": TOTPDevice.objects.filter(user=member, confirmed=True).exists(),
        "role_form": extra.get("role_form") or AddRoleForm(actor=actor, member=member),
        "is_self": member.pk == actor.pk,
    }


def _refuse(request: HttpRequest, member: User, reason: str) -> HttpResponse:
    messages.error(request, reason)
    return redirect("staff:detail", user_id=member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, user_id: int) -> HttpResponseBase:
    actor = _actor(request)
    member = access_staff_member(actor, user_id)
    refusal = staff_reach(actor, member).add_role_refusal
    if refusal:
        return _refuse(request, member, refusal)
    return _role_add(request, member)


@require_recent_authentication
def _role_add(request: HttpRequest, member: User) -> HttpResponse:
    actor = _actor(request)
    form = AddRoleForm(request.POST or None, actor=actor, member=member)
    if request.method == "POST" and form.is_valid():
        agency, role = form.cleaned_data["agency"], form.cleaned_data["role"]
        try:
            actions.add_membership(actor, member, agency, role)
        except IntegrityError:  # given a moment ago by someone else
            form.add_error("role", _("They hold this role in this agency already."))
        else:
            messages.success(
                request,
                _(
                    "%(username)s is now %(role)s in %(agency)s; their open sessions have "
                    "ended, so the new role applies from their next sign-in."
                )
                % {"username": member.username, "role": role.name, "agency": agency.name},
            )
            return redirect("staff:detail", user_id=member.pk)
    status = 400 if form.errors else 200
    return render(request, "staff/add_role.html", {"member": member, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, user_id: int, membership_id: int) -> HttpResponseBase:
    actor = _actor(request)
    member = access_staff_member(actor, user_id)
    reach = staff_reach(actor, member)
    membership = next((m for m in reach.memberships if m.pk == membership_id), None)
    if membership is None:
        raise StaffMemberNotFound()
    refusal = reach.end_refusals.get(membership.pk)
    if refusal:
        return _refuse(request, member, refusal)
    return _membership_end(request, member, membership)


@require_recent_authentication
def _membership_end(request: HttpRequest, member: User, membership: Membership) -> HttpResponse:
    names = {
        "username": member.username,
        "role": membership.role.name,
        "agency": membership.agency.name,
    }
    if request.method == "POST":
        actions.end_membership(_actor(request), membership)
        messages.success(
            request,
            _("The role %(role)s of %(username)s in %(agency)s has ended, and so have all of "
              "their sessions.") % names,
        )  # fmt: skip
        return redirect("staff:detail", user_id=member.pk)
    return _confirm(
        request,
        member,
        title=_("End a role"),
        question=_("End the role %(role)s of %(username)s in %(agency)s?") % names,
        consequence=_(
            "They lose what the role allows at once: all of their sessions end, and the "
            "role stays in their history."
        ),
        button=_("End the role"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_deactivate(request: HttpRequest, user_id: int) -> HttpResponseBase:
    actor = _actor(request)
    member = access_staff_member(actor, user_id)
    refusal = staff_reach(actor, member).deactivate_refusal
    if refusal:
        return _refuse(request, member, refusal)
    return _member_deactivate(request, member)


@require_recent_authentication
def _member_deactivate(request: HttpRequest, member: User) -> HttpResponse:
    names = {"username": member.username}
    if request.method == "POST":
        actions.deactivate_user(_actor(request), member)
        messages.success(
            request,
            _("%(username)s is deactivated; all of their sessions have ended.") % names,
        )
        return redirect("staff:detail", user_id=member.pk)
    return _confirm(
        request,
        member,
        title=_("Deactivate a user"),
        question=_("Deactivate %(username)s?") % names,
        consequence=_(
            "They can no longer sign in, and all of their sessions end at once. Their "
            "records and their history stay."
        ),
        button=_("Deactivate %(username)s") % names,
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor_reset(request: HttpRequest, user_id: int) -> HttpResponseBase:
    actor = _actor(request)
    member = access_staff_member(actor, user_id)
    refusal = staff_reach(actor, member).reset_refusal
    if refusal:
        return _refuse(request, member, refusal)
    return _second_factor_reset(request, member)


@require_recent_authentication
def _second_factor_reset(request: HttpRequest, member: User) -> HttpResponse:
    names = {"username": member.username}
    if request.method == "POST":
        actions.reset_second_factor(_actor(request), member)
        messages.success(
            request,
            _(
                "The second factor of %(username)s is removed and their sessions have ended; "
                "they set up a new authenticator at their next sign-in."
            )
            % names,
        )
        return redirect("staff:detail", user_id=member.pk)
    return _confirm(
        request,
        member,
        title=_("Reset the second factor"),
        question=_("Remove the authenticator and recovery codes of %(username)s?") % names,
        consequence=_(
            "Do this only for a lost or replaced phone, after checking in person or by a "
            "known phone number who is asking. All of their sessions end; they set up a new "
            "authenticator after their password at the next sign-in."
        ),
        button=_("Reset the second factor"),
    )


def _confirm(
    request: HttpRequest, member: User, *, title: str, question: str, consequence: str, button: str
) -> HttpResponse:
    context = {
        "member": member,
        "title": title,
        "question": question,
        "consequence": consequence,
        "button": button,
    }
    return render(request, "staff/confirm.html", context)
