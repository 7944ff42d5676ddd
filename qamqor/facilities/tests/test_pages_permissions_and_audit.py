"""Who may see and change placements, what the pages show, and what the audit log keeps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.conftest import signed_in
from qamqor.facilities.actions import admit, discharge, transfer
from qamqor.facilities.models import Facility, Placement
from qamqor.vault.tests.helpers import stored

from .conftest import SHELTER_ADDRESS, TODAY


def page(user, case):
    return signed_in(user).get(reverse("facilities:placement", args=[case.code]))


def post(user, name, case, data):
    return signed_in(user).post(reverse(f"facilities:{name}", args=[case.code]), data)


def test_the_address_is_encrypted_at_rest(shelter):
    raw = stored(Facility, "address", shelter.pk)
    assert raw.startswith("v1:") and "Синтетическая" not in raw


def test_placement_notes_are_encrypted_at_rest(alice, case, shelter):
    placement = admit(alice, case, shelter, "women", TODAY, notes="Пришла ночью")
    assert stored(Placement, "notes", placement.pk).startswith("v1:")


def test_the_placement_page_shows_the_facility_and_its_address(alice, case, shelter):
    admit(alice, case, shelter, "women", TODAY - datetime.timedelta(days=3))
    body = page(alice, case).content.decode()
    assert "Shelter A" in body and SHELTER_ADDRESS in body
    assert "3 of 180 days of the standard" in body


def test_every_view_of_the_page_is_recorded(alice, carol, case):
    page(alice, case)
    page(carol, case)
    events = AuditEvent.objects.filter(action="placement.view", case_code=case.code)
    assert events.count() == 2


def test_only_those_who_edit_the_case_see_the_forms(alice, carol, case, shelter):
    assert "Record an admission" in page(alice, case).content.decode()
    assert "Record an admission" in page(carol, case).content.decode()


def test_others_do_not_reach_the_page(bob, charlie, gulnara, case):
    assert page(bob, case).status_code == 404
    assert page(charlie, case).status_code == 404
    assert page(gulnara, case).status_code == 403


def test_admission_from_the_page(alice, case, shelter):
    data = {
        "admit-facility": shelter.pk,
        "admit-category": shelter.capacities.get(category__code="women").category_id,
        "admit-admitted_on": TODAY.isoformat(),
    }
    assert post(alice, "admit", case, data).status_code == 302
    assert Placement.objects.get().case == case


def test_a_full_facility_is_refused_on_the_page_with_the_message(alice, make_case, shelter):
    women = shelter.capacities.get(category__code="women").category_id
    admit(alice, make_case(), shelter, "women", TODAY)
    case = make_case()
    data = {
        "admit-facility": shelter.pk,
        "admit-category": women,
        "admit-admitted_on": TODAY.isoformat(),
    }
    response = post(alice, "admit", case, data)
    assert response.status_code == 400
    assert "No free place at Shelter A for this category" in response.content.decode()
    assert not case.placements.exists()


def test_discharge_before_admission_is_refused_on_the_page(alice, case, shelter):
    admit(alice, case, shelter, "women", TODAY)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = post(alice, "discharge", case, {"discharge-discharged_on": yesterday})
    assert response.status_code == 400
    assert "cannot come before the admission" in response.content.decode()
    assert Placement.objects.get().is_open


def test_transfer_and_discharge_from_the_page(alice, case, shelter, other_shelter):
    admit(alice, case, shelter, "women", TODAY - datetime.timedelta(days=2))
    women = shelter.capacities.get(category__code="women").category_id
    data = {
        "transfer-to_facility": other_shelter.pk,
        "transfer-category": women,
        "transfer-on": (TODAY - datetime.timedelta(days=1)).isoformat(),
    }
    assert post(alice, "transfer", case, data).status_code == 302
    assert case.placements.get(discharged_on__isnull=True).facility == other_shelter
    assert (
        post(alice, "discharge", case, {"discharge-discharged_on": TODAY.isoformat()}).status_code
        == 302
    )
    assert not case.placements.filter(discharged_on__isnull=True).exists()


def test_those_who_may_not_edit_the_case_cannot_place(bob, carol, gulnara, case, shelter):
    with pytest.raises(PermissionDenied):
        admit(bob, case, shelter, "women", TODAY)
    with pytest.raises(PermissionDenied):
        admit(gulnara, case, shelter, "women", TODAY)
    placement = admit(carol, case, shelter, "women", TODAY)
    with pytest.raises(PermissionDenied):
        discharge(bob, placement, TODAY)
    assert Placement.objects.count() == 1


def test_the_audit_log_keeps_facility_category_and_dates_not_the_address(
    alice, case, shelter, other_shelter
):
    placement = admit(alice, case, shelter, "women", TODAY, notes="Пришла ночью")
    transfer(alice, placement, other_shelter, "women", TODAY)
    actions = list(
        AuditEvent.objects.filter(case_code=case.code, action__startswith="placement.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["placement.admit", "placement.transfer_out", "placement.admit"]
    admission = AuditEvent.objects.filter(action="placement.admit").order_by("pk").first()
    assert admission is not None
    assert admission.details["category"] == "women"
    assert admission.details["facility"] == shelter.pk
    logged = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert "Синтетическая" not in logged and "ночью" not in logged


def test_find_a_place_lists_free_places_without_addresses(alice, charlie, shelter):
    for user in (alice, charlie):
        response = signed_in(user).get(reverse("facilities:free"))
        body = response.content.decode()
        assert response.status_code == 200 and "Shelter A" in body
        assert SHELTER_ADDRESS not in body


def test_find_a_place_filters_by_region_and_category(alice, region, shelter, other_shelter):
    url = reverse("facilities:free")
    body = signed_in(alice).get(url, {"region": region.pk}).content.decode()
    assert "Shelter A" in body and "Shelter B" not in body


def test_find_a_place_does_not_exist_for_those_who_do_not_place(dana, gulnara, erin):
    for user in (dana, gulnara, erin):
        assert signed_in(user).get(reverse("facilities:free")).status_code == 404


def test_the_case_file_and_the_menu_lead_to_the_placement_pages(alice, case):
    body = signed_in(alice).get(reverse("cases:detail", args=[case.code])).content.decode()
    assert reverse("facilities:placement", args=[case.code]) in body
    assert reverse("facilities:free") in body


def test_an_admission_before_the_case_was_opened_is_refused_on_the_page(alice, make_case, shelter):
    case = make_case(opened_on=TODAY)
    data = {
        "admit-facility": shelter.pk,
        "admit-category": shelter.capacities.get(category__code="women").category_id,
        "admit-admitted_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
    }
    response = post(alice, "admit", case, data)
    assert response.status_code == 400
    assert f"This date comes before the case was opened ({TODAY:%d.%m.%Y})" in (
        response.content.decode()
    )
    assert not case.placements.exists()
