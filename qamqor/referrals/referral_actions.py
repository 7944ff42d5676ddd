"""Referring a case to another agency, and the answers and work that follow.

Each action takes the acting user first, checks that they act for the right side, takes
the referral row with select_for_update, checks the change against the state machine
(states.py) on the row as it is now, writes, records the audit event and tells the other
side, all in one transaction. Two users acting on the same referral at once are served
one after the other: the second finds the referral changed and is told its status.

Audit details carry ids, codes and statuses, never a message, a reason or an outcome:
those stay encrypted on the referral.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Agency, Capability, User
from qamqor.accounts.notifications import agency_members_with, notify
from qamqor.audit.events import record
from qamqor.cases.access import can_edit_case, require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now
from qamqor.services.models import Service, ServiceType

from .access import may_act_on_received, share_in_force
from .consents import covering_consent
from .models import (
    AWAITING,
    LIVE,
    DataScope,
    OverrideGround,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Urgency,
)
from .states import Side, check_required, check_unchanged, transition

# A consent override is read later by auditors: it says why in more than a few words.
OVERRIDE_MIN_REASON = 20


def may_override_consent(user: User, case: Case) -> bool:
    return has_capability(user, Capability.OVERRIDE_CONSENT, agency=case.owner_agency)


def send_referral(
    actor: User,
    case: Case,
    to_agency: Agency,
    *,
    purpose: str,
    service_types: Iterable[ServiceType] = (),
    services: Iterable[Service] = (),
    urgency: Urgency,
    message: str = "",
    scope: str,
    override_ground: str = "",
    override_reason: str = "",
) -> Referral:
    """Refer `case` from its owning agency to `to_agency`, sharing `scope` of its data.

    The data shared is what a consent in force allows (consents.covering_consent). With
    no such consent: the minimum, and only for protection in an emergency; or, for a user
    allowed to override consent, any scope on one of the two lawful grounds with a
    written reason, flagged in the audit log and on the case.
    """
    require_case_edit(actor, case)
    service_types, services = list(service_types), list(services)
    message, override_reason = message.strip(), override_reason.strip()
    errors: dict[str, Any] = {}
    if case.is_closed:
        errors["__all__"] = _("A closed case cannot be referred; reopen it first.")
    if to_agency.pk == case.owner_agency_id:
        errors["to_agency"] = _("Refer the case to another agency than the one that owns it.")
    elif not to_agency.is_active:
        errors["to_agency"] = _("This agency no longer works in Qamqor.")
    if purpose not in ReferralPurpose.values:
        errors["purpose"] = _("Choose what the referral is for.")
    elif purpose == ReferralPurpose.SERVICES and not (service_types or services):
        errors["services"] = _("Name at least one service type or service the agency is asked for.")
    elif purpose != ReferralPurpose.SERVICES and (service_types or services):
        errors["services"] = _("Services are named only in a referral for services.")
    if scope not in DataScope.values:
        errors["scope"] = _("Choose the data shared.")
    if errors:
        raise ValidationError(errors)

    consent = covering_consent(case, to_agency, scope)
    if override_ground:
        if not may_override_consent(actor, case):
            raise PermissionDenied(_("Your role does not allow referring without consent."))
        _check_override(consent, override_ground, override_reason)
        consent = None
    elif override_reason:
        raise ValidationError(
            {"override_ground": _("Choose the ground for referring without consent.")}
        )
    elif consent is None:
        _check_without_consent(scope, purpose, urgency, to_agency)

    sent = now()
    with transaction.atomic():
        # The case row orders two referrals of the same case to the same agency at once.
        Case.objects.select_for_update().only("pk").get(pk=case.pk)
        open_one = Referral.objects.filter(
            case=case, to_agency=to_agency, status__in=(*AWAITING, *LIVE)
        ).exists()
        if open_one:
            raise ValidationError(
                {"to_agency": _("This case has an open referral to this agency already.")}
            )
        referral = Referral(
            case=case,
            from_agency_id=case.owner_agency_id,
            to_agency=to_agency,
            sent_by=actor,
            sent_at=sent,
            purpose=purpose,
            urgency=urgency,
            message=message,
            scope=scope,
            consent=consent,
            override_ground=override_ground,
            override_reason=override_reason if override_ground else "",
            status=ReferralStatus.SENT,
            respond_by=sent + urgency.response_period,
            updated_at=sent,
        )
        referral.full_clean()
        referral.save()
        referral.service_types.set(service_types)
        referral.services.set(services)
        details: dict[str, Any] = {
            "to_agency": to_agency.pk,
            "purpose": purpose,
            "scope": scope,
            "urgency": urgency.code,
            "consent": consent.pk if consent else None,
            "services": sorted(s.code for s in services),
            "service_types": sorted(t.code for t in service_types),
        }
        if override_ground:
            # Flagged like break-glass: auditors find every share without consent.
            details.update(flagged=True, override_ground=override_ground)
        record(actor, "referral.send", referral, case_code=case.code, **details)
        notify(
            _recipients(referral, actor),
            "referral_received",
            case_code=case.code,
            user=actor.username,
            until=_moment(referral.respond_by),
        )
    return referral


def _check_override(consent: Any, ground: str, reason: str) -> None:
    errors: dict[str, Any] = {}
    if ground not in OverrideGround.values:
        errors["override_ground"] = _(
            "Choose one of the two grounds for referring without consent."
        )
    if len(reason) < OVERRIDE_MIN_REASON:
        errors["override_reason"] = _(
            "Say why without consent in at least %(count)d characters: it is read later."
        ) % {"count": OVERRIDE_MIN_REASON}
    if consent is not None:
        errors["override_ground"] = _(
            "A consent in force covers this referral: refer on the consent, without an override."
        )
    if errors:
        raise ValidationError(errors)


def _check_without_consent(scope: str, purpose: str, urgency: Urgency, agency: Agency) -> None:
    if scope != DataScope.MINIMUM:
        raise ValidationError(
            {
                "scope": _(
                    "No consent in force allows sharing “%(scope)s” with %(agency)s. Record the "
                    "person's consent first, or share the minimum."
                )
                % {"scope": DataScope(scope).label, "agency": agency.name}
            }
        )
    if purpose != ReferralPurpose.PROTECTION or not urgency.emergency:
        raise ValidationError(
            {
                "scope": _(
                    "No consent in force covers a referral to %(agency)s. Without one, only an "
                    "emergency referral for protection may share the minimum."
                )
                % {"agency": agency.name}
            }
        )


# Answers and work of the receiving agency ------------------------------------------


def accept_referral(actor: User, referral: Referral) -> Referral:
    """The receiving agency takes the case on: it sees the referral's data scope now."""
    return _change(actor, referral, ReferralStatus.ACCEPTED, Side.RECIPIENT)


def decline_referral(actor: User, referral: Referral, reason: str) -> Referral:
    return _change(actor, referral, ReferralStatus.DECLINED, Side.RECIPIENT, text=reason)


def start_referral(actor: User, referral: Referral) -> Referral:
    """Work on an accepted referral has begun (in progress)."""
    return _change(actor, referral, ReferralStatus.IN_PROGRESS, Side.RECIPIENT)


def complete_referral(actor: User, referral: Referral, outcome: str) -> Referral:
    return _change(actor, referral, ReferralStatus.COMPLETED, Side.RECIPIENT, text=outcome)


def revoke_referral(actor: User, referral: Referral) -> Referral:
    """The referring side withdraws the referral: the receiving agency's access ends."""
    return _change(actor, referral, ReferralStatus.REVOKED, Side.SENDER)


VERBS = {
    ReferralStatus.ACCEPTED: "accept",
    ReferralStatus.DECLINED: "decline",
    ReferralStatus.IN_PROGRESS: "start",
    ReferralStatus.COMPLETED: "complete",
    ReferralStatus.REVOKED: "revoke",
}
NOTICES = {
    ReferralStatus.ACCEPTED: "referral_accepted",
    ReferralStatus.DECLINED: "referral_declined",
    ReferralStatus.IN_PROGRESS: "referral_in_progress",
    ReferralStatus.COMPLETED: "referral_completed",
    ReferralStatus.REVOKED: "referral_revoked",
}


def may_act(user: User, referral: Referral, side: Side) -> bool:
    """Whether `user` acts for `side` of `referral`: the receiving agency's members who
    may change cases there, or the editors of the case in its owning agency."""
    if side == Side.RECIPIENT:
        return may_act_on_received(user, referral)
    if side == Side.SENDER:
        return can_edit_case(user, referral.case)
    return False


def _change(
    actor: User, referral: Referral, target: ReferralStatus, side: Side, *, text: str = ""
) -> Referral:
    if not may_act(actor, referral, side):
        raise PermissionDenied(
            _("Only the agency the referral was sent to can do this.")
            if side == Side.RECIPIENT
            else _("Your role does not allow changing this case.")
        )
    text = text.strip()
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("case", "to_agency", "from_agency")
            .get(pk=referral.pk)
        )
        # The caller acted on the referral as `referral` shows it; if it moved meanwhile
        # (another user's change won the lock), nothing is done.
        check_unchanged(referral.status, locked.status)
        found = transition(locked.status, target, side)
        check_required(found, text)
        if side == Side.RECIPIENT and not _share_in_force(locked):
            raise ValidationError(
                _("The consent this referral rested on is no longer in force: it has ended.")
            )
        moment = now()
        locked.status = target
        locked.updated_at = moment
        if target in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
            locked.responded_by, locked.responded_at = actor, moment
        if target == ReferralStatus.DECLINED:
            locked.decline_reason = text
        elif target == ReferralStatus.IN_PROGRESS:
            locked.started_at = moment
        elif target == ReferralStatus.COMPLETED:
            locked.completed_at, locked.outcome = moment, text
        elif target == ReferralStatus.REVOKED:
            locked.revoked_by, locked.revoked_at = actor, moment
        locked.full_clean()
        locked.save()
        record(
            actor,
            f"referral.{VERBS[target]}",
            locked,
            case_code=locked.case.code,
            to_agency=locked.to_agency_id,
            status=target,
        )
        recipients = _recipients(locked, actor) if side == Side.SENDER else _senders(locked, actor)
        notify(recipients, NOTICES[target], case_code=locked.case.code, user=actor.username)
    _copy(locked, referral)
    return locked


def _share_in_force(referral: Referral) -> bool:
    return Referral.objects.filter(share_in_force(), pk=referral.pk).exists()


def _recipients(referral: Referral, actor: User) -> list[User]:
    """Who answers for the receiving agency: its members who may change cases."""
    return [
        user
        for user in agency_members_with(referral.to_agency, Capability.EDIT_CASE)
        if user.pk != actor.pk
    ]


def _senders(referral: Referral, actor: User) -> list[User]:
    """The referring side: who sent it and who works on the case (opened it or assigned)."""
    ids = {referral.sent_by_id, referral.case.created_by_id}
    ids |= set(referral.case.assignments.values_list("user_id", flat=True))
    ids.discard(actor.pk)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _copy(locked: Referral, referral: Referral) -> None:
    """The caller's object shows the referral as it is now."""
    for name in (
        "status", "updated_at", "responded_by_id", "responded_at", "decline_reason",
        "started_at", "completed_at", "outcome", "revoked_by_id", "revoked_at",
    ):  # fmt: skip
        setattr(referral, name, getattr(locked, name))


def _moment(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
