"""Occupancy and free places from open placements; length of stay against the standard."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from qamqor.cases.models import Grounds
from qamqor.facilities.actions import admit, discharge, transfer
from qamqor.facilities.models import PlacementCategory
from qamqor.facilities.queries import free_places, length_of_stay

from .conftest import TODAY, make_facility


def rows_by_key(rows):
    return {(r.facility.name, r.category.code): (r.places, r.occupied, r.free) for r in rows}


def test_free_places_count_open_placements_only(alice, make_case, shelter, other_shelter):
    admit(alice, make_case(), shelter, "women_with_children", TODAY)
    ended = admit(alice, make_case(), other_shelter, "women", TODAY)
    discharge(alice, ended, TODAY)
    assert rows_by_key(free_places()) == {
        ("Shelter A", "women"): (1, 0, 1),
        ("Shelter A", "women_with_children"): (2, 1, 1),
        ("Shelter B", "women"): (3, 0, 3),
    }


def test_free_places_by_region_and_category(region, shelter, other_shelter):
    women = PlacementCategory.objects.get(code="women")
    assert {r.facility.name for r in free_places(region=region)} == {"Shelter A"}
    assert {r.facility.name for r in free_places(category=women)} == {"Shelter A", "Shelter B"}
    assert not list(free_places(region=region, category=PlacementCategory.objects.get(code="men")))


def test_an_inactive_facility_offers_no_place(shelter):
    shelter.is_active = False
    shelter.save()
    assert not list(free_places())


def test_free_places_is_one_query_however_many_facilities(agency, other_agency):
    for number in range(5):
        make_facility(agency, name=f"Shelter {number}", women=2, men=1, minors=3)
        make_facility(other_agency, name=f"Far shelter {number}", women=1)
    with CaptureQueriesContext(connection) as queries:
        rows = list(free_places())
        [(r.facility.region.name, r.facility.agency.name, r.category.name, r.free) for r in rows]
    assert len(rows) == 20 and len(queries) == 1


def test_length_of_stay_against_the_domestic_violence_standard(alice, case, shelter, frozen_today):
    admitted = TODAY - datetime.timedelta(days=30)
    placement = admit(alice, case, shelter, "women", admitted)
    stay = length_of_stay(placement)
    assert stay is not None and stay.standard.category.code == "domestic_violence_victim"
    assert (stay.days_used, stay.days_left) == (30, stay.standard.service_period_days - 30)
    frozen_today(admitted + datetime.timedelta(days=stay.standard.service_period_days + 1))
    later = length_of_stay(placement)
    assert later is not None and later.days_left == -1 and later.over


def test_a_trafficking_case_counts_against_the_trafficking_standard(alice, make_case, shelter):
    case = make_case(grounds=Grounds.TRAFFICKING)
    stay = length_of_stay(admit(alice, case, shelter, "women", TODAY))
    assert stay is not None and stay.standard.category.code == "trafficking_victim"
    assert stay.days_used == 0


def test_a_transfer_continues_the_stay(alice, case, shelter, other_shelter, frozen_today):
    first = admit(alice, case, shelter, "women", TODAY - datetime.timedelta(days=10))
    second = transfer(alice, first, other_shelter, "women", TODAY)
    frozen_today(TODAY + datetime.timedelta(days=5))
    stay = length_of_stay(second)
    assert stay is not None and stay.days_used == 15


def test_a_discharged_stay_stops_counting(alice, case, shelter, frozen_today):
    placement = admit(alice, case, shelter, "women", TODAY - datetime.timedelta(days=4))
    discharge(alice, placement, TODAY)
    frozen_today(TODAY + datetime.timedelta(days=100))
    stay = length_of_stay(placement)
    assert stay is not None and stay.days_used == 4


def test_no_standard_in_force_gives_no_length(alice, case, shelter):
    placement = admit(alice, case, shelter, "women", TODAY)
    placement.admitted_on = datetime.date(2020, 1, 1)
    assert length_of_stay(placement) is None
