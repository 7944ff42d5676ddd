"""Managing an agency's facilities: who may, places against the residents staying,
closing and reopening, and what the audit log keeps (never the address)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_user
from qamqor.facilities.actions import (
    admit,
    close_facility,
    create_facility,
    discharge,
    reopen_facility,
    update_facility,
)
from qamqor.facilities.models import Facility, FacilityCapacity, PlacementCategory
from qamqor.facilities.queries import free_places
from qamqor.vault.tests.helpers import stored

from .conftest import TODAY

NEW_ADDRESS = "Алматы, проспект Вымышленный, 3"


def category(code: str) -> PlacementCategory:
    return PlacementCategory.objects.get(code=code)


def places_of(facility: Facility) -> dict[str, int]:
    return dict(
        FacilityCapacity.objects.filter(facility=facility).values_list("category__code", "places")
    )


def edit(actor, facility, **changes):
    values = {
        "code": facility.code,
        "name": facility.name,
        "region": facility.region,
        "address": facility.address,
        "places": {},
    }
    values.update(changes)
    return update_facility(actor, facility, **values)


def test_a_supervisor_creates_a_facility_of_their_agency(carol, agency, other_region):
    facility = create_facility(
        carol, agency, code="ala-shelter-2", name="  Shelter C ", region=other_region,
        address=NEW_ADDRESS, places={category("women"): 4, category("minors"): 0},
    )  # fmt: skip
    facility.refresh_from_db()
    assert (facility.name, facility.region, facility.is_active) == ("Shelter C", other_region, True)
    assert facility.address == NEW_ADDRESS
    assert stored(Facility, "address", facility.pk).startswith("v1:")
    assert places_of(facility) == {"women": 4}
    event = AuditEvent.objects.get(action="facility.create")
    assert event.actor == carol and event.object_id == str(facility.pk)
    assert event.details["places"] == {"women": 4} and event.details["code"] == "ala-shelter-2"


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dana", "erin", "gulnara"])
def test_only_those_who_manage_the_agency_s_places_change_facilities(request, who, shelter):
    outsider = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        create_facility(
            outsider, shelter.agency, code="x", name="X", region=shelter.region,
            address=NEW_ADDRESS, places={},
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        edit(outsider, shelter, places={category("women"): 9})
    with pytest.raises(PermissionDenied):
        close_facility(outsider, shelter)
    assert Facility.objects.count() == 1 and places_of(shelter)["women"] == 1


def test_a_supervisor_of_another_agency_cannot_change_this_one(other_agency, shelter):
    stranger = make_user("sabina", other_agency, role="supervisor")
    with pytest.raises(PermissionDenied):
        edit(stranger, shelter, name="Renamed")
    with pytest.raises(PermissionDenied):
        close_facility(stranger, shelter)
    shelter.refresh_from_db()
    assert shelter.name == "Shelter A" and shelter.is_active


def test_bad_details_are_refused_per_field_and_change_nothing(carol, agency, shelter):
    with pytest.raises(ValidationError) as refusal:
        create_facility(
            carol, agency, code="shelter-a", name="", region=agency.region, address="",
            places={category("women"): -1},
        )  # fmt: skip
    assert {"code", "name", "address"} <= set(refusal.value.message_dict)
    with pytest.raises(ValidationError) as refusal:
        create_facility(
            carol, agency, code="new", name="New", region=agency.region, address=NEW_ADDRESS,
            places={category("women"): -1},
        )  # fmt: skip
    assert refusal.value.message_dict == {"places_women": ["Places cannot be fewer than 0."]}
    assert list(Facility.objects.all()) == [shelter]
    assert not AuditEvent.objects.filter(action__startswith="facility.").exists()


def test_places_are_raised_added_and_removed(carol, shelter):
    edit(carol, shelter, places={category("women"): 3, category("men"): 2,
                                 category("women_with_children"): 0})  # fmt: skip
    assert places_of(shelter) == {"women": 3, "men": 2}
    event = AuditEvent.objects.get(action="facility.update")
    assert event.details["places"] == {
        "women_with_children": [2, 0],
        "women": [1, 3],
        "men": [0, 2],
    }
    assert event.details["changed"] == []


def test_places_below_the_residents_staying_are_refused_naming_category_and_count(
    alice, carol, make_case, shelter
):
    admit(alice, make_case(), shelter, "women_with_children", TODAY)
    admit(alice, make_case(), shelter, "women_with_children", TODAY)
    with pytest.raises(ValidationError) as refusal:
        edit(carol, shelter, name="Renamed", places={category("women_with_children"): 1,
                                                     category("women"): 5})  # fmt: skip
    assert refusal.value.message_dict == {
        "places_women_with_children": [
            "Women with children: 2 residents stay in these places now; "
            "there cannot be fewer places than that."
        ]
    }
    shelter.refresh_from_db()
    assert shelter.name == "Shelter A"
    assert places_of(shelter) == {"women": 1, "women_with_children": 2}
    assert not AuditEvent.objects.filter(action="facility.update").exists()
    # As many places as residents is fine: the facility is then full.
    edit(carol, shelter, places={category("women_with_children"): 2})
    assert places_of(shelter)["women_with_children"] == 2


def test_a_category_with_residents_cannot_be_removed(alice, carol, case, shelter):
    admit(alice, case, shelter, "women", TODAY)
    with pytest.raises(ValidationError, match="Women: 1 resident stays in these places now"):
        edit(carol, shelter, places={category("women"): 0})
    assert places_of(shelter)["women"] == 1


def test_the_audit_log_names_changed_fields_never_the_address(carol, shelter, other_region):
    edit(carol, shelter, address=NEW_ADDRESS, region=other_region, code="ala-1")
    shelter.refresh_from_db()
    assert shelter.address == NEW_ADDRESS and shelter.code == "ala-1"
    event = AuditEvent.objects.get(action="facility.update")
    assert event.details["changed"] == ["address", "code", "region"]
    logged = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert "Вымышленный" not in logged and "Синтетическая" not in logged


def test_saving_without_a_change_records_nothing(carol, shelter):
    edit(carol, shelter, places={category("women"): 1})
    assert not AuditEvent.objects.filter(action="facility.update").exists()


def test_a_code_held_by_another_facility_is_refused(carol, agency, shelter):
    other = create_facility(
        carol, agency, code="shelter-b", name="B", region=agency.region, address=NEW_ADDRESS,
        places={},
    )  # fmt: skip
    with pytest.raises(ValidationError) as refusal:
        edit(carol, other, code="shelter-a")
    assert list(refusal.value.message_dict) == ["code"]
    other.refresh_from_db()
    assert other.code == "shelter-b"


def test_a_closed_facility_admits_no_one_and_offers_no_place(alice, carol, case, shelter):
    close_facility(carol, shelter)
    shelter.refresh_from_db()
    assert not shelter.is_active
    assert not list(free_places())
    with pytest.raises(ValidationError, match="does not receive residents"):
        admit(alice, case, shelter, "women", TODAY)
    reopen_facility(carol, shelter)
    assert admit(alice, case, shelter, "women", TODAY).is_open
    actions = list(
        AuditEvent.objects.filter(action__startswith="facility.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["facility.close", "facility.reopen"]


def test_an_admission_sees_a_closing_made_after_its_facility_was_read(alice, carol, case, shelter):
    stale = Facility.objects.get(pk=shelter.pk)
    close_facility(carol, shelter)
    with pytest.raises(ValidationError, match="does not receive residents"):
        admit(alice, case, stale, "women", TODAY)


def test_closing_is_refused_while_residents_stay(alice, carol, case, shelter):
    placement = admit(alice, case, shelter, "women", TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refusal:
        close_facility(carol, shelter)
    assert refusal.value.messages == [
        "1 resident stays here; discharge or transfer them before closing the facility."
    ]
    shelter.refresh_from_db()
    assert shelter.is_active
    discharge(alice, placement, TODAY)
    close_facility(carol, shelter)
    shelter.refresh_from_db()
    assert not shelter.is_active


def test_closing_twice_or_reopening_an_open_facility_is_refused(carol, shelter):
    with pytest.raises(ValidationError, match="receives residents already"):
        reopen_facility(carol, shelter)
    close_facility(carol, shelter)
    with pytest.raises(ValidationError, match="closed already"):
        close_facility(carol, shelter)
    assert AuditEvent.objects.filter(action__startswith="facility.").count() == 1
