"""Which consents are in force, and which one covers sharing a case with an agency.

One place answers "may this be shared", for the send form, the access rules
(cases/access.py) and the "who can see this case" panel alike.
"""

import datetime

from django.db.models import Q, QuerySet

from qamqor.accounts.models import Agency
from qamqor.cases.models import Case
from qamqor.clock import today

from .models import AWAITING, LIVE, SCOPE_RANK, Consent, ConsentPurpose, DataScope, Referral


def in_force_on(day: datetime.date) -> Q:
    """Consents given, not withdrawn, started and not expired on `day`."""
    return Q(given=True, withdrawn_at__isnull=True, given_on__lte=day) & (
        Q(expires_on__isnull=True) | Q(expires_on__gte=day)
    )


def consents_in_force(case: Case, on: datetime.date | None = None) -> QuerySet[Consent]:
    return Consent.objects.filter(in_force_on(on or today()), case=case)


def covering_consent(
    case: Case, agency: Agency, scope: str, on: datetime.date | None = None
) -> Consent | None:
    """The consent in force that allows referring `case` to `agency` with `scope` data,
    the widest first; None when there is none."""
    candidates = consents_in_force(case, on).filter(purpose=ConsentPurpose.REFERRAL)
    covering = [
        consent
        for consent in candidates
        if consent.names_agency(agency)
        and SCOPE_RANK[DataScope(consent.scope)] >= SCOPE_RANK[DataScope(scope)]
    ]
    covering.sort(key=lambda consent: SCOPE_RANK[DataScope(consent.scope)], reverse=True)
    return covering[0] if covering else None


def widest_scope_allowed(case: Case, agency: Agency, on: datetime.date | None = None) -> str | None:
    """The most a referral of `case` to `agency` may share by consent, or None."""
    consent = covering_consent(case, agency, DataScope.MINIMUM, on)
    return consent.scope if consent is not None else None


class ConsentState:
    """Where a consent stands on a day, for the consent page and the case file."""

    IN_FORCE = "in_force"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"


def consent_state(consent: Consent, day: datetime.date) -> str:
    if not consent.given:
        return ConsentState.REFUSED
    if consent.withdrawn_at is not None:
        return ConsentState.WITHDRAWN
    if consent.given_on > day:
        return ConsentState.NOT_YET
    if consent.expires_on is not None and consent.expires_on < day:
        return ConsentState.EXPIRED
    return ConsentState.IN_FORCE


def shares_resting_on(consent: Consent) -> QuerySet[Referral]:
    """Referrals that reach the case through `consent` now: awaiting an answer or live,
    their share not yet ended. Withdrawing the consent ends exactly these."""
    return Referral.objects.filter(
        consent=consent, status__in=[*AWAITING, *LIVE], share_ended_at__isnull=True
    )
