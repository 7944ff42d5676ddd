"""In-application notifications, e-mailed too, never with personal data of a victim."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from qamqor.clock import now

from .actions import mark_read
from .models import Agency, Capability, CaseScope, Membership, Notification, User

# Message per kind; parameters are usernames, case codes and times only.
MESSAGES = {
    "break_glass": _(
        "%(user)s opened case %(case_code)s of your agency by break-glass, until %(until)s."
    ),
    "case_closure_requested": _("%(user)s asks you to approve the closure of case %(case_code)s."),
    "case_closure_approved": _("%(user)s approved the closure of case %(case_code)s."),
    "case_closure_refused": _("%(user)s refused to close case %(case_code)s."),
    "plan_closure_requested": _(
        "%(user)s asks you to approve the closure of the service plan of case %(case_code)s."
    ),
    "plan_closure_approved": _(
        "%(user)s approved the closure of the service plan of case %(case_code)s."
    ),
    "plan_closure_refused": _("%(user)s refused to close the service plan of case %(case_code)s."),
    # Referrals: parameters are agency names, urgencies and times, never why or who.
    "referral_received": _(
        "%(user)s referred case %(case_code)s to your agency; answer by %(until)s."
    ),
    "referral_accepted": _("%(user)s accepted the referral of case %(case_code)s."),
    "referral_declined": _("%(user)s declined the referral of case %(case_code)s."),
    "referral_in_progress": _("%(user)s started work on the referral of case %(case_code)s."),
    "referral_completed": _("%(user)s completed the referral of case %(case_code)s."),
    "referral_revoked": _("%(user)s revoked the referral of case %(case_code)s."),
    "referral_expired": _(
        "The referral of case %(case_code)s to %(agency)s expired without an answer."
    ),
    "referral_escalated": _(
        "The referral of case %(case_code)s to your agency awaits an answer; "
        "the response period ends at %(respond_by)s."
    ),
    "share_ended": _("Your agency's access to case %(case_code)s has ended."),
    "transfer_proposed": _("%(agency)s proposes to transfer case %(case_code)s to your agency."),
    "transfer_accepted": _("%(agency)s accepted the transfer of case %(case_code)s."),
    "transfer_declined": _("%(agency)s declined the transfer of case %(case_code)s."),
    "transfer_withdrawn": _("%(agency)s withdrew its proposal to transfer case %(case_code)s."),
}


class _Facts(dict[str, str]):
    """A notification's facts; one the text asks for but the row lacks reads as a dash,
    so a stored notification always shows, whatever version of the text reads it."""

    def __missing__(self, key: str) -> str:
        return "—"


def message(notification: Notification) -> str:
    template = MESSAGES.get(notification.kind, "%(kind)s")
    facts = {"kind": notification.kind, "case_code": notification.case_code}
    return str(template) % _Facts({**facts, **notification.params})


def agency_supervisors(agency: Agency) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__agency=agency,
        memberships__ended_at__isnull=True,
        memberships__role__case_scope=CaseScope.AGENCY,
    ).distinct()


def agency_members_with(agency: Agency, capability: Capability) -> list[User]:
    """Active users whose current role in `agency` allows `capability` (e.g. approvers)."""
    memberships = Membership.objects.filter(
        agency=agency, ended_at__isnull=True, user__is_active=True
    ).select_related("user", "role")
    found = {m.user_id: m.user for m in memberships if capability in m.role.capabilities}
    return list(found.values())


def notify(recipients: Iterable[User], kind: str, *, case_code: str = "", **params: str) -> None:
    """Tell each recipient; call inside the transaction of the change it reports."""
    recipients = list(recipients)
    created = now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user, created_at=created, kind=kind, case_code=case_code, params=params
        )
        for user in recipients
    )
    emails = [user.email for user in recipients if user.email]
    if emails:
        probe = Notification(kind=kind, case_code=case_code, params=params)
        with override(settings.LANGUAGE_CODE):
            body = message(probe)
        # One message per recipient: colleagues of other agencies never see each other's
        # addresses.
        messages = [("Qamqor", body, None, [email]) for email in emails]
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    notifications = list(Notification.objects.filter(recipient=user)[:100])
    entries = [(n, message(n)) for n in notifications]
    mark_read(user, [n.pk for n in notifications if n.read_at is None])
    return render(request, "web/notifications.html", {"entries": entries})
