"""How far a referral opens a case to the agency it was sent to.

A referral shares one case with the members of the receiving agency whose role works on
cases there (scope agency or assigned), for as long as the share is in force: the
referral awaits an answer or is live (accepted, in progress), the consent it rests on
has not been withdrawn (share_ended_at) and is in force today, or it rests on no consent
(an override, or the minimum of an emergency protection referral). Consents are read
live, in the same SQL as the case, so a withdrawal cuts access on the very next request.

What it opens:
- while the referral awaits an answer: the minimum (the de-identified summary), to
  decide;
- once accepted: the referral's data scope (minimum, identity, full), never more than
  the member's role shows (a role without `case.identity` sees the minimum);
- never a change of the case, except recording the deliveries of the services asked
  for against the owner's plan (may_deliver_for_referral).

qamqor/cases/access.py combines this reach with the owning agency's, the region's and
break-glass; docs/referrals.md has the rules in words.
"""

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from qamqor.accounts.access import active_memberships
from qamqor.accounts.models import Capability, CaseScope, Membership, User
from qamqor.clock import today

from .consents import in_force_on
from .models import (
    AWAITING,
    LIVE,
    SCOPE_RANK,
    DataScope,
    Referral,
    ReferralPurpose,
)

if TYPE_CHECKING:
    from qamqor.plans.models import PlannedService
    from qamqor.services.models import Service

NOTHING = Q(pk__in=[])
# Roles that work on cases in their agency reach what is referred to it.
RECEIVING_SCOPES = (CaseScope.AGENCY, CaseScope.ASSIGNED)
SHARING = (*AWAITING, *LIVE)


def _prefixed(condition: Q, prefix: str) -> Q:
    """`condition` on a related model, its lookups behind `prefix__`."""
    prefixed = Q()
    prefixed.connector = condition.connector
    prefixed.negated = condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            prefixed.children.append(_prefixed(child, prefix))
        else:
            lookup, value = child  # type: ignore[misc]  # a Q's leaves are pairs
            prefixed.children.append((f"{prefix}__{lookup}", value))
    return prefixed


def share_in_force(day: datetime.date | None = None) -> Q:
    """Referrals whose share has not ended: no withdrawal ended it, and the consent it
    rests on is in force on `day`, or it rests on none (override, emergency minimum)."""
    consent = _prefixed(in_force_on(day or today()), "consent")
    return Q(share_ended_at__isnull=True) & (Q(consent__isnull=True) | consent)


def receiving_memberships(user: User) -> list[Membership]:
    """The user's roles that would reach a case referred to their agency."""
    return [m for m in active_memberships(user) if m.role.case_scope in RECEIVING_SCOPES]


def received_referrals(user: User) -> QuerySet[Referral]:
    """Referrals, in any status, sent to an agency where the user works on cases and
    whose share is in force: the referral pages the receiving side reaches."""
    agencies = {m.agency_id for m in receiving_memberships(user)}
    if not agencies:
        return Referral.objects.none()
    return Referral.objects.filter(share_in_force(), to_agency_id__in=agencies)


def shared_referrals(user: User) -> QuerySet[Referral]:
    """The received referrals that open their case now (awaiting an answer or live)."""
    return received_referrals(user).filter(status__in=SHARING)


def _identity_agencies(user: User) -> set[int]:
    return {
        m.agency_id
        for m in receiving_memberships(user)
        if Capability.SEE_IDENTITY in m.role.capabilities
    }


def referral_case_filters(user: User) -> tuple[Q, Q]:
    """SQL conditions on Case for the cases referred to the user's agencies: those in
    which they see who the person is (a live referral of identity or the full file), and
    every case referred to them (de-identified at least). Subqueries, never lists of ids,
    so a withdrawal counts on the next query."""
    if not receiving_memberships(user):
        return NOTHING, NOTHING
    shared = shared_referrals(user)
    identity_agencies = _identity_agencies(user)
    with_identity = NOTHING
    if identity_agencies:
        seeing = shared.filter(
            status__in=LIVE,
            scope__in=[DataScope.IDENTITY, DataScope.FULL],
            to_agency_id__in=identity_agencies,
        )
        with_identity = Q(pk__in_subquery=seeing.values("case_id"))
    return with_identity, Q(pk__in_subquery=shared.values("case_id"))


def referral_scope(user: User, case_id: int, owner_agency_id: int) -> str | None:
    """The widest data scope the user's agencies are given on a case by referrals in
    force, or None when no referral opens it to them (one query, none for a user whose
    only case-working roles are in the owning agency)."""
    memberships = [m for m in receiving_memberships(user) if m.agency_id != owner_agency_id]
    if not memberships:
        return None
    identity_agencies = _identity_agencies(user)
    widest: str | None = None
    referrals = shared_referrals(user).filter(case_id=case_id)
    for agency_id, status, scope in referrals.values_list("to_agency_id", "status", "scope"):
        if status not in LIVE or agency_id not in identity_agencies:
            scope = DataScope.MINIMUM
        if widest is None or SCOPE_RANK[DataScope(scope)] > SCOPE_RANK[DataScope(widest)]:
            widest = scope
    return widest


def acting_agencies(user: User) -> set[int]:
    """Agencies in which the user may act on the referrals received: a role there works
    on cases and may change them (`case.edit`)."""
    return {
        m.agency_id
        for m in receiving_memberships(user)
        if Capability.EDIT_CASE in m.role.capabilities
    }


def may_act_on_received(user: User, referral: Referral) -> bool:
    """Whether the user answers and works on `referral` for the agency it was sent to."""
    return referral.to_agency_id in acting_agencies(user)


def delivering_referrals(user: User, case_id: int) -> QuerySet[Referral]:
    """Live referrals for services of a case to an agency where the user may act."""
    agencies = acting_agencies(user)
    if not agencies:
        return Referral.objects.none()
    return shared_referrals(user).filter(
        case_id=case_id,
        status__in=LIVE,
        purpose=ReferralPurpose.SERVICES,
        to_agency_id__in=agencies,
    )


def referral_covers(referral: Referral, service_id: int, service_type_id: int) -> bool:
    """Whether the referral asked for this service (by itself or by its type). Reads the
    referral's services and types; prefetch them when asking for many."""
    return any(s.pk == service_id for s in referral.services.all()) or any(
        t.pk == service_type_id for t in referral.service_types.all()
    )


def may_deliver_for_referral(
    user: User,
    case_id: int,
    plan_id: int,
    provider_id: int | None = None,
    planned_service: "PlannedService | None" = None,
    service: "Service | None" = None,
) -> bool:
    """Whether a receiving agency's member records this delivery against the owner's plan.

    The delivery is given by the receiving agency (`provider_id`, when named), for a
    planned service of the plan whose provider is that agency or whose service the
    referral asked for, or for a service outside the plan that the referral asked for.
    With neither a planned service nor a service: whether they record any delivery.
    """
    referrals = delivering_referrals(user, case_id).prefetch_related("services", "service_types")
    for referral in referrals:
        if provider_id is not None and provider_id != referral.to_agency_id:
            continue
        if planned_service is not None:
            if planned_service.plan_id != plan_id:
                continue
            if planned_service.provider_id == referral.to_agency_id or referral_covers(
                referral, planned_service.service_id, planned_service.service.service_type_id
            ):
                return True
        elif service is not None:
            if referral_covers(referral, service.pk, service.service_type_id):
                return True
        else:
            return True
    return False
