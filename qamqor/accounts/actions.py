"""Changes to users and memberships, audited like every other change."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from qamqor.audit.events import record
from qamqor.clock import now

from .access import end_refusal, may_give_role, staff_reach
from .models import Agency, Membership, Notification, Role, User


def create_user(
    actor: User | None,
    username: str,
    password: str,
    *,
    agency: Agency,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user with one membership; the password must pass the validators."""
    if actor is not None and not may_give_role(actor, role, agency):
        raise PermissionDenied(_("You cannot give this role in this agency."))
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    validate_password(password, candidate)
    with transaction.atomic():
        candidate.full_clean(exclude=["password"])
        candidate.set_password(password)
        candidate.save()
        membership = Membership.objects.create(
            user=candidate, agency=agency, role=role, started_at=now()
        )
        record(actor, "user.create", candidate, agency=agency.pk, role=role.code)
        record(actor, "membership.create", membership, agency=agency.pk, role=role.code)
    return candidate


def mark_read(actor: User, notification_ids: list[int]) -> None:
    """Mark the actor's own notifications read. Not audited: it touches no case or person."""
    if notification_ids:
        Notification.objects.filter(recipient=actor, pk__in=notification_ids).update(read_at=now())


def end_sessions(user: User) -> None:
    """End every session of `user` at once: the session hash of each no longer matches."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def deactivate_user(actor: User | None, user: User) -> None:
    if actor is not None:
        _refuse(staff_reach(actor, user).deactivate_refusal)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        end_sessions(user)
        record(actor, "user.deactivate", user)


def add_membership(actor: User | None, user: User, agency: Agency, role: Role) -> Membership:
    """Give `user` a role in `agency`; their sessions restart so the new rights apply cleanly."""
    if actor is not None:
        _refuse(staff_reach(actor, user).add_role_refusal)
        if not may_give_role(actor, role, agency):
            raise PermissionDenied(_("You cannot give this role in this agency."))
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, agency=agency, role=role, started_at=now()
        )
        end_sessions(user)
        record(actor, "membership.create", membership, agency=agency.pk, role=role.code)
    return membership


def end_membership(actor: User | None, membership: Membership) -> None:
    """End a role in an agency; the user's sessions end with it."""
    if actor is not None:
        _refuse(end_refusal(actor, membership))
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(ended_at=now())
        end_sessions(membership.user)
        record(
            actor,
            "membership.end",
            membership,
            agency=membership.agency_id,
            role=membership.role.code,
        )


def reset_second_factor(actor: User | None, user: User) -> None:
    """Remove a user's authenticators and recovery codes (a lost phone) and end their sessions.

    At the next sign-in they set up a new authenticator after the password.
    """
    if actor is not None:
        _refuse(staff_reach(actor, user).reset_refusal)
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        end_sessions(user)
        record(actor, "otp.reset", user)


def _refuse(refusal: str | None) -> None:
    """Staff changes are checked here too, not only by the pages (docs/access.md)."""
    if refusal is not None:
        raise PermissionDenied(refusal)
