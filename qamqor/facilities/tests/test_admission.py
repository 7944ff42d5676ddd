"""Admission, discharge and transfer: capacity, dates, and nothing saved on refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from qamqor.facilities.actions import admit, discharge, transfer
from qamqor.facilities.models import Placement

from .conftest import TODAY

YESTERDAY = TODAY - datetime.timedelta(days=1)


def test_admission_takes_a_place(alice, case, shelter):
    placement = admit(alice, case, shelter, "women", YESTERDAY, notes="Пришла ночью")
    placement.refresh_from_db()
    assert placement.is_open and placement.notes == "Пришла ночью"
    assert placement.recorded_by == alice


def test_admission_beyond_capacity_is_refused_and_saves_nothing(alice, make_case, shelter):
    admit(alice, make_case(), shelter, "women", YESTERDAY)
    second = make_case()
    with pytest.raises(ValidationError) as refusal:
        admit(alice, second, shelter, "women", YESTERDAY)
    message = " ".join(refusal.value.messages)
    assert "No free place at Shelter A for this category" in message
    assert "see Find a place" in message
    assert Placement.objects.count() == 1 and not second.placements.exists()


def test_a_category_without_places_there_is_refused(alice, case, shelter):
    with pytest.raises(ValidationError, match="No free place"):
        admit(alice, case, shelter, "men", YESTERDAY)
    assert not Placement.objects.exists()


def test_a_second_open_placement_of_the_same_case_is_refused(alice, case, shelter):
    admit(alice, case, shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="already placed"):
        admit(alice, case, shelter, "women_with_children", YESTERDAY)
    assert Placement.objects.count() == 1


def test_an_admission_in_the_future_is_refused(alice, case, shelter):
    with pytest.raises(ValidationError, match="future"):
        admit(alice, case, shelter, "women", TODAY + datetime.timedelta(days=1))
    assert not Placement.objects.exists()


def test_discharge_frees_the_place(alice, make_case, shelter):
    first = admit(alice, make_case(), shelter, "women", YESTERDAY)
    discharge(alice, first, TODAY, reason="Вернулась к родителям")
    first.refresh_from_db()
    assert first.discharged_on == TODAY and first.discharge_reason == "Вернулась к родителям"
    assert admit(alice, make_case(), shelter, "women", TODAY).is_open


def test_discharge_before_admission_is_refused_and_changes_nothing(alice, case, shelter):
    placement = admit(alice, case, shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="before the admission"):
        discharge(alice, placement, YESTERDAY - datetime.timedelta(days=1))
    placement.refresh_from_db()
    assert placement.is_open


def test_discharge_in_the_future_is_refused(alice, case, shelter):
    placement = admit(alice, case, shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="future"):
        discharge(alice, placement, TODAY + datetime.timedelta(days=1))
    placement.refresh_from_db()
    assert placement.is_open


def test_a_second_discharge_is_refused(alice, case, shelter):
    placement = admit(alice, case, shelter, "women", YESTERDAY)
    discharge(alice, placement, TODAY)
    with pytest.raises(ValidationError, match="ended already"):
        discharge(alice, Placement.objects.get(pk=placement.pk), TODAY)


def test_transfer_ends_one_placement_and_opens_the_next(alice, case, shelter, other_shelter):
    first = admit(alice, case, shelter, "women", YESTERDAY)
    second = transfer(alice, first, other_shelter, "women", TODAY, reason="Безопасность")
    first.refresh_from_db()
    assert first.discharged_on == TODAY and first.discharge_reason == "Безопасность"
    assert second.facility == other_shelter and second.transferred_from == first
    assert second.admitted_on == TODAY and second.is_open


def test_a_transfer_to_a_full_facility_changes_nothing(alice, make_case, shelter, other_shelter):
    admit(alice, make_case(), shelter, "women", YESTERDAY)
    mover = admit(alice, make_case(), other_shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="No free place"):
        transfer(alice, mover, shelter, "women", TODAY)
    mover.refresh_from_db()
    assert mover.is_open and Placement.objects.count() == 2


def test_an_admission_before_the_case_was_opened_is_refused(alice, make_case, shelter):
    case = make_case(opened_on=YESTERDAY)
    with pytest.raises(ValidationError) as refusal:
        admit(alice, case, shelter, "women", YESTERDAY - datetime.timedelta(days=1))
    assert refusal.value.message_dict == {
        "admitted_on": [f"This date comes before the case was opened ({YESTERDAY:%d.%m.%Y})."]
    }
    assert not Placement.objects.exists()
    assert admit(alice, case, shelter, "women", YESTERDAY).is_open  # the opening day is fine


def test_a_transfer_before_the_admission_changes_nothing(alice, case, shelter, other_shelter):
    placement = admit(alice, case, shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="before the admission"):
        transfer(alice, placement, other_shelter, "women", YESTERDAY - datetime.timedelta(days=1))
    placement.refresh_from_db()
    assert placement.is_open and Placement.objects.count() == 1


def test_a_transfer_before_the_case_was_opened_is_refused(alice, make_case, shelter, other_shelter):
    case = make_case(opened_on=YESTERDAY)
    placement = admit(alice, case, shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="before the case was opened"):
        transfer(alice, placement, other_shelter, "women", YESTERDAY - datetime.timedelta(days=2))
    placement.refresh_from_db()
    assert placement.is_open and Placement.objects.count() == 1


def test_a_transfer_in_the_future_is_refused(alice, case, shelter, other_shelter):
    placement = admit(alice, case, shelter, "women", YESTERDAY)
    with pytest.raises(ValidationError, match="future"):
        transfer(alice, placement, other_shelter, "women", TODAY + datetime.timedelta(days=1))
    placement.refresh_from_db()
    assert placement.is_open and Placement.objects.count() == 1
