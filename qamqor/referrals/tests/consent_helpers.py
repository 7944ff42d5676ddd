"""Fixtures and builders shared by the consent tests (imported by test_consent_*.py)."""

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from qamqor import clock
from qamqor.accounts.models import Agency, User
from qamqor.cases.models import Case
from qamqor.referrals.consent_actions import record_consent
from qamqor.referrals.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DataScope,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    Urgency,
)

# A Monday, noon in Almaty: every test of dates runs on this day unless it moves the clock.
TODAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)

# The first bytes are what tell the type; the rest stands for the scan.
PDF = b"%PDF-1.7\n% signed consent form\n" + b"0" * 300
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"1" * 300
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"2" * 300


def upload(content: bytes = PDF, name: str = "Сәрсенбаева_согласие.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def noon(day: datetime.date) -> datetime.datetime:
    """Noon in Almaty (UTC+5) on `day`."""
    return datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read messages in English; the interface default is Russian."""
    with translation.override("en"):
        yield


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the one clock to noon (Almaty) on a given day; starts on TODAY. The consent
    actions' own name for the clock moves with it, so their timestamps are that noon."""

    def move_to(day: datetime.date) -> None:
        moment = noon(day)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)
        monkeypatch.setattr("qamqor.referrals.consent_actions.now", lambda: moment)

    move_to(TODAY)
    return move_to


def verbal(**overrides: Any) -> dict[str, Any]:
    """The arguments of a verbal, witnessed consent to refer with identity to anyone."""
    values: dict[str, Any] = {
        "purpose": ConsentPurpose.REFERRAL,
        "scope": DataScope.IDENTITY,
        "given": True,
        "method": ConsentMethod.VERBAL_WITNESSED,
        "witness": "Жанар Ахметова, психолог",
        "given_on": TODAY,
    }
    values.update(overrides)
    return values


def signed(**overrides: Any) -> dict[str, Any]:
    values = verbal(method=ConsentMethod.SIGNED_FORM, witness="", signed_form=upload())
    values.update(overrides)
    return values


@pytest.fixture
def consent_for(alice: User, frozen_today: Any) -> Callable[..., Consent]:
    """Record a consent as alice (the case owner); verbal and witnessed unless told."""

    def build(case: Case, **overrides: Any) -> Consent:
        return record_consent(alice, case, **verbal(**overrides))

    return build


def make_referral(
    case: Case,
    to_agency: Agency,
    consent: Consent | None,
    status: str = ReferralStatus.SENT,
    **fields: Any,
) -> Referral:
    """A referral row as the referral actions would leave it (made directly here)."""
    moment = clock.now()
    values: dict[str, Any] = {
        "case": case,
        "from_agency": case.owner_agency,
        "to_agency": to_agency,
        "sent_by": case.created_by,
        "sent_at": moment,
        "purpose": ReferralPurpose.SERVICES,
        "urgency": Urgency.objects.get(code="routine"),
        "scope": consent.scope if consent is not None else DataScope.MINIMUM,
        "consent": consent,
        "status": status,
        "respond_by": moment + datetime.timedelta(hours=72),
        "updated_at": moment,
    }
    values.update(fields)
    return Referral.objects.create(**values)
