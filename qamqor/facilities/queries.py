"""Occupancy, free places and length of stay, computed from placements (never stored)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from qamqor.accounts.models import Region
from qamqor.cases.models import Case, Grounds
from qamqor.clock import today
from qamqor.services.models import Standard
from qamqor.services.standards import standard_for

from .models import Facility, FacilityCapacity, Placement, PlacementCategory

# The recipient category whose standard limits a stay, by the grounds of the case.
TRAFFICKING_STANDARD = "trafficking_victim"
DOMESTIC_VIOLENCE_STANDARD = "domestic_violence_victim"


def open_placements() -> QuerySet[Placement]:
    return Placement.objects.filter(discharged_on__isnull=True)


def occupied_places(capacity: FacilityCapacity) -> int:
    return (
        open_placements()
        .filter(facility_id=capacity.facility_id, category_id=capacity.category_id)
        .count()
    )


def capacities_with_occupancy() -> QuerySet[FacilityCapacity]:
    """Capacity rows annotated with `occupied` and `free` places, counted in SQL."""
    residents = (
        open_placements()
        .filter(facility_id=OuterRef("facility_id"), category_id=OuterRef("category_id"))
        .order_by()
        .values("facility_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        FacilityCapacity.objects.select_related("category")
        .annotate(occupied=Coalesce(Subquery(residents, output_field=IntegerField()), 0))
        .annotate(free=F("places") - F("occupied"))
    )


def free_places(
    region: Region | None = None, category: PlacementCategory | None = None
) -> QuerySet[FacilityCapacity]:
    """Capacities of active facilities with `occupied` and `free` places, in one query."""
    rows = (
        capacities_with_occupancy()
        .filter(facility__is_active=True)
        .select_related("facility__agency", "facility__region")
        .order_by("facility__region__name_ru", "facility__name", "category__position")
    )
    if region is not None:
        rows = rows.filter(facility__region=region)
    if category is not None:
        rows = rows.filter(category=category)
    return rows


def occupancy_by_category(facility: Facility) -> dict[int, int]:
    """Residents staying in `facility` now, by category id."""
    counts = (
        open_placements()
        .filter(facility=facility)
        .order_by()
        .values("category_id")
        .annotate(n=Count("pk"))
    )
    return {row["category_id"]: row["n"] for row in counts}


@dataclass(frozen=True)
class StayLength:
    standard: Standard
    started_on: datetime.date
    days_used: int
    days_left: int

    @property
    def over(self) -> bool:
        return self.days_left < 0


def stay_started_on(placement: Placement) -> datetime.date:
    """The first admission of the stay: a transfer continues the stay it came from."""
    started = placement.admitted_on
    earlier = placement.transferred_from
    while earlier is not None:
        started = earlier.admitted_on
        earlier = earlier.transferred_from
    return started


def standard_category(case: Case) -> str:
    if case.grounds == Grounds.TRAFFICKING:
        return TRAFFICKING_STANDARD
    return DOMESTIC_VIOLENCE_STANDARD


def length_of_stay(placement: Placement) -> StayLength | None:
    """Days used and left of the service period of the standard in force at admission.

    Days count from the first admission of the stay to its discharge, or to today while
    it is open; None when no standard applies.
    """
    started = stay_started_on(placement)
    standard = standard_for(standard_category(placement.case), started)
    if standard is None:
        return None
    until = placement.discharged_on or today()
    used = (until - started).days
    return StayLength(
        standard=standard,
        started_on=started,
        days_used=used,
        days_left=standard.service_period_days - used,
    )
