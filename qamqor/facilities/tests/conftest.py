import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from qamqor.accounts.models import Agency
from qamqor.facilities.models import Facility, FacilityCapacity, PlacementCategory

# A Monday, noon in Almaty: every test of dates runs on this day unless it moves the clock.
TODAY = datetime.date(2026, 3, 2)
SHELTER_ADDRESS = "Алматы, улица Синтетическая, 12"


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the one clock to noon (Almaty) on a given day; starts on TODAY."""

    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


def make_facility(agency: Agency, name: str = "Shelter A", **places: int) -> Facility:
    facility = Facility.objects.create(agency=agency, name=name, address=SHELTER_ADDRESS)
    for code, count in places.items():
        FacilityCapacity.objects.create(
            facility=facility, category=PlacementCategory.objects.get(code=code), places=count
        )
    return facility


@pytest.fixture
def shelter(agency: Agency) -> Facility:
    """One place for women, two for women with children."""
    return make_facility(agency, women=1, women_with_children=2)


@pytest.fixture
def other_shelter(other_agency: Agency) -> Facility:
    return make_facility(other_agency, name="Shelter B", women=3)


@pytest.fixture(autouse=True)
def _english(frozen_today: Any) -> Iterator[None]:
    """These tests read messages in English (the interface default is Russian), today."""
    with translation.override("en"):
        yield
