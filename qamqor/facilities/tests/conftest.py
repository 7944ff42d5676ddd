import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation
from django.utils.text import slugify

from qamqor.accounts.models import Agency
from qamqor.cases.models import Case
from qamqor.facilities.models import Facility, FacilityCapacity, PlacementCategory

# A Monday, noon in Almaty: every test of dates runs on this day unless it moves the clock.
TODAY = datetime.date(2026, 3, 2)
SHELTER_ADDRESS = "Алматы, улица Синтетическая, 12"
# Cases of these tests are opened well before their admissions.
OPENED = TODAY - datetime.timedelta(days=90)


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the one clock to noon (Almaty) on a given day; starts on TODAY."""

    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


@pytest.fixture
def make_case(make_case: Callable[..., Case]) -> Callable[..., Case]:
    """The shared case factory, opening cases on OPENED unless told otherwise."""

    def build(*args: Any, opened_on: datetime.date | None = None, **kwargs: Any) -> Case:
        return make_case(*args, opened_on=opened_on or OPENED, **kwargs)

    return build


def make_facility(agency: Agency, name: str = "Shelter A", **places: int) -> Facility:
    """A facility in its agency's region, its code made from its name."""
    facility = Facility.objects.create(
        agency=agency,
        code=slugify(name),
        name=name,
        region=agency.region,
        address=SHELTER_ADDRESS,
    )
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
