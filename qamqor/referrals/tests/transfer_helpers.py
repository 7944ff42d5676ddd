"""Fixtures and builders shared by the transfer tests (imported by test_transfer_*.py).

Alice's crisis centre A (agency) owns the cases; crisis centre B, in another region, is
asked to take them over: zhanna supervises it, madina too, yerlan is its case worker.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from qamqor.accounts.models import Agency, Region, User
from qamqor.cases.models import Case
from qamqor.clock import now, today
from qamqor.conftest import make_agency, make_user
from qamqor.referrals.models import (
    CaseTransfer,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DataScope,
)
from qamqor.referrals.transfer_actions import propose_transfer

REASON = "Переехала к сестре в Астану, просит помощи там."


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read messages in English (the interface default is Russian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def crisis_centre(other_region: Region) -> Agency:
    return make_agency(other_region, kind="crisis_centre_ngo", name="Crisis centre B")


@pytest.fixture
def zhanna(crisis_centre: Agency) -> User:
    """Supervisor of the receiving crisis centre."""
    return make_user("zhanna", crisis_centre, role="supervisor")


@pytest.fixture
def madina(crisis_centre: Agency) -> User:
    """Another supervisor of the receiving crisis centre."""
    return make_user("madina", crisis_centre, role="supervisor")


@pytest.fixture
def yerlan(crisis_centre: Agency) -> User:
    """Case worker of the receiving crisis centre."""
    return make_user("yerlan", crisis_centre)


@pytest.fixture
def proposal(alice: User, case: Case, crisis_centre: Agency, zhanna: User) -> CaseTransfer:
    """Alice proposes that crisis centre B take her case over."""
    return propose_transfer(alice, case, crisis_centre, REASON)


def consent(
    case: Case,
    *,
    purpose: str = ConsentPurpose.REFERRAL,
    scope: str = DataScope.MINIMUM,
    given: bool = True,
    given_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    **recipient: Any,
) -> Consent:
    """A consent as recorded on the case (recipient_agency= or recipient_kind=)."""
    return Consent.objects.create(
        case=case,
        purpose=purpose,
        scope=scope,
        given=given,
        method=ConsentMethod.VERBAL_WITNESSED,
        witness="Социальный работник",
        given_on=given_on or today(),
        expires_on=expires_on,
        recorded_by=case.created_by,
        recorded_at=now(),
        **recipient,
    )
