"""Builders shared by the referral tests (test_referral_*.py): a crisis centre that
receives referrals, with its people; consents recorded as rows; a referral sent through
the action; a consent withdrawn as the consent pages withdraw it."""

from dataclasses import dataclass
from typing import Any

from qamqor.accounts.models import Agency, Region, User
from qamqor.cases.models import Case
from qamqor.clock import now, today
from qamqor.conftest import make_agency, make_user
from qamqor.referrals.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DataScope,
    Referral,
    ReferralPurpose,
    Urgency,
)
from qamqor.referrals.referral_actions import send_referral


@dataclass
class Centre:
    """A crisis centre: dina works on cases, saule supervises, ulan is de-identified (a
    role working on cases without seeing who the person is), asem manages its users."""

    agency: Agency
    worker: User
    supervisor: User


def crisis_centre(region: Region, prefix: str = "", name: str = "Crisis centre C") -> Centre:
    agency = make_agency(region, kind="crisis_centre_ngo", name=name)
    return Centre(
        agency=agency,
        worker=make_user(f"{prefix}dina", agency),
        supervisor=make_user(f"{prefix}saule", agency, role="supervisor"),
    )


def consent(
    case: Case,
    recorded_by: User,
    scope: str = DataScope.IDENTITY,
    *,
    agency: Agency | None = None,
    **fields: Any,
) -> Consent:
    """A consent to referral in force today (a row: the consent pages record them)."""
    values: dict[str, Any] = {
        "case": case,
        "purpose": ConsentPurpose.REFERRAL,
        "scope": scope,
        "given": True,
        "method": ConsentMethod.VERBAL_WITNESSED,
        "witness": "Witness",
        "recipient_agency": agency,
        "given_on": today(),
        "recorded_by": recorded_by,
        "recorded_at": now(),
    }
    values.update(fields)
    return Consent.objects.create(**values)


def urgency(code: str = "urgent") -> Urgency:
    return Urgency.objects.get(code=code)


def refer(
    actor: User,
    case: Case,
    to: Agency,
    scope: str = DataScope.IDENTITY,
    *,
    purpose: str = ReferralPurpose.SERVICES,
    urgency_code: str = "urgent",
    **options: Any,
) -> Referral:
    """Send a referral through the action; a referral for services asks for the
    psychological service type unless told otherwise."""
    from qamqor.services.models import ServiceType

    if purpose == ReferralPurpose.SERVICES and not options.get("services"):
        options.setdefault("service_types", [ServiceType.objects.get(code="social_psychological")])
    return send_referral(
        actor,
        case,
        to,
        purpose=purpose,
        urgency=urgency(urgency_code),
        scope=scope,
        message=options.pop("message", "Please see the person this week."),
        **options,
    )


def withdraw(given: Consent) -> None:
    """What withdrawing a consent writes: the consent, and the end of its shares."""
    moment = now()
    Consent.objects.filter(pk=given.pk).update(withdrawn_at=moment)
    Referral.objects.filter(consent=given, share_ended_at__isnull=True).update(
        share_ended_at=moment
    )


def fresh(user: User) -> User:
    """The user as the next request loads them (memberships are cached per user object)."""
    return User.objects.get(pk=user.pk)
