"""Referrals built as rows, and the recipient agency, for the tests of the periodic task."""

import datetime
from typing import Any

import pytest

from qamqor.accounts.models import Agency, Region, User
from qamqor.cases.models import Case
from qamqor.conftest import make_agency, make_user
from qamqor.referrals.models import (
    DataScope,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Urgency,
)

# Noon in Almaty.
SENT_AT = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture
def shelter(region: Region) -> Agency:
    """The recipient of the referrals: a crisis centre with a supervisor and a worker."""
    return make_agency(region, kind="crisis_centre_ngo", name="Shelter S")


@pytest.fixture
def saule(shelter: Agency) -> User:
    """Supervisor of the shelter."""
    return make_user("saule", shelter, role="supervisor")


@pytest.fixture
def timur(shelter: Agency) -> User:
    """Case worker of the shelter."""
    return make_user("timur", shelter)


def make_referral(
    case: Case,
    to_agency: Agency,
    *,
    urgency: str = "emergency",
    sent_at: datetime.datetime = SENT_AT,
    status: str = ReferralStatus.SENT,
    **fields: Any,
) -> Referral:
    """A referral of `case` from its owner, as the send action leaves it."""
    level = Urgency.objects.get(code=urgency)
    return Referral.objects.create(
        case=case,
        from_agency_id=case.owner_agency_id,
        to_agency=to_agency,
        sent_by_id=case.created_by_id,
        sent_at=sent_at,
        purpose=ReferralPurpose.PROTECTION,
        urgency=level,
        scope=DataScope.MINIMUM,
        status=status,
        respond_by=sent_at + level.response_period,
        updated_at=sent_at,
        **fields,
    )
