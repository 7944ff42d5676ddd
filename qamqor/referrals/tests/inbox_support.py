"""Builders shared by the inbox tests (test_inbox_*.py): referrals as rows at a frozen time.

A test module takes the fixtures by assigning them (`police_case = inbox_support.police_case`).

The inbox only reads referrals; the rows are made as the referral actions leave them.
Charlie's police agency (another region) refers its cases to alice's crisis centre.
"""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from qamqor.accounts.models import Agency, User
from qamqor.cases.models import Case
from qamqor.referrals.models import (
    DataScope,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Urgency,
)
from qamqor.services.models import Service, ServiceType

# Noon in Almaty, a Monday: the inbox is read at this moment unless a test moves it.
MOMENT = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# Who the person of the police case is: no inbox, list or e-mail may show any of it.
PERSON = {"surname": "Жұмабаева", "given_name": "Динара", "iin": "900101400003"}


@pytest.fixture(autouse=True)
def frozen_moment(monkeypatch: pytest.MonkeyPatch) -> datetime.datetime:
    monkeypatch.setattr("qamqor.clock.now", lambda: MOMENT)
    return MOMENT


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def police_case(make_case: Callable[..., Case], charlie: User, other_agency: Agency) -> Case:
    """A case of charlie's police agency, the sender of the referrals."""
    return make_case(actor=charlie, in_agency=other_agency, **PERSON)


def make_referral(
    case: Case,
    to_agency: Agency,
    *,
    sent_at: datetime.datetime | None = None,
    urgency: str = "urgent",
    status: str = ReferralStatus.SENT,
    purpose: str = ReferralPurpose.SERVICES,
    service_types: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    updated_at: datetime.datetime | None = None,
    **fields: Any,
) -> Referral:
    """A referral of `case` from its owning agency to `to_agency`, sent an hour ago."""
    sent_at = sent_at or MOMENT - HOUR
    level = Urgency.objects.get(code=urgency)
    referral = Referral.objects.create(
        case=case,
        from_agency_id=case.owner_agency_id,
        to_agency=to_agency,
        sent_by_id=case.created_by_id,
        sent_at=sent_at,
        purpose=purpose,
        urgency=level,
        scope=DataScope.MINIMUM,
        message="Пострадавшая Жұмабаева просит приют",
        status=status,
        respond_by=sent_at + level.response_period,
        updated_at=updated_at or sent_at,
        **fields,
    )
    referral.service_types.set(ServiceType.objects.filter(code__in=service_types))
    referral.services.set(Service.objects.filter(code__in=services))
    return referral
