"""The pages on which supervisors manage their agency's facilities: what they show (places
and numbers of residents, never who they are; the address on the facility's own page
only), what they change, bad input, and the 404 everyone else gets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.accounts.models import Membership, Role
from qamqor.audit.models import AuditEvent
from qamqor.clock import now
from qamqor.conftest import make_agency, make_user, signed_in
from qamqor.facilities.actions import admit
from qamqor.facilities.models import Facility, FacilityCapacity, PlacementCategory

from .conftest import SHELTER_ADDRESS, TODAY, make_facility

NEW_ADDRESS = "Алматы, проспект Вымышленный, 3"


def category_id(code: str) -> int:
    return PlacementCategory.objects.get(code=code).pk


def form_data(facility: Facility | None = None, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "ala-shelter-9",
        "name": "Shelter Nine",
        "region": facility.region_id if facility else "",
        "address": NEW_ADDRESS,
    }
    if facility is not None:
        data.update(code=facility.code, name=facility.name, address=facility.address)
        for row in facility.capacities.select_related("category"):
            data[f"places_{row.category.code}"] = row.places
    data.update(changes)
    return data


def places_of(facility: Facility) -> dict[str, int]:
    return dict(
        FacilityCapacity.objects.filter(facility=facility).values_list("category__code", "places")
    )


def test_the_list_shows_places_and_occupancy_of_the_agency_s_facilities(
    alice, carol, make_case, shelter, other_shelter
):
    admit(alice, make_case(surname="Жанабаева"), shelter, "women_with_children", TODAY)
    response = signed_in(carol).get(reverse("facilities:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Shelter A" in body and "Shelter B" not in body  # another agency's
    assert "Women with children" in body
    assert '<td data-label="Occupied">1</td>' in body
    # Numbers only: no resident, no case, and no address on the list.
    assert "Жанабаева" not in body and "ALA-" not in body and SHELTER_ADDRESS not in body


def test_the_list_takes_the_same_queries_however_many_facilities(carol, agency):
    make_facility(agency, name="Shelter 0", women=2, men=1)

    def count() -> int:
        client = signed_in(carol)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("facilities:list")).status_code == 200
        return len(queries)

    few = count()
    for number in range(1, 6):
        make_facility(agency, name=f"Shelter {number}", women=2, men=1, minors=3)
    assert count() == few


def test_creating_a_facility_from_the_page(carol, agency, region):
    data = form_data(region=region.pk, places_women=4, places_men="")
    response = signed_in(carol).post(reverse("facilities:create"), data)
    facility = Facility.objects.get(code="ala-shelter-9")
    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:detail", args=[facility.pk])
    assert facility.agency == agency and facility.address == NEW_ADDRESS
    assert places_of(facility) == {"women": 4}
    assert AuditEvent.objects.filter(action="facility.create", actor=carol).count() == 1


def test_the_new_facility_form_starts_in_the_agency_s_region(carol, region):
    body = signed_in(carol).get(reverse("facilities:create")).content.decode()
    assert f'<option value="{region.pk}" selected>' in body
    assert 'name="agency"' not in body  # one agency: nothing to choose


def test_a_manager_of_two_agencies_chooses_the_agency(carol, agency, other_region):
    second = make_agency(other_region, name="Crisis centre C")
    Membership.objects.create(
        user=carol, agency=second, role=Role.objects.get(code="supervisor"), started_at=now()
    )
    body = signed_in(carol).get(reverse("facilities:create")).content.decode()
    assert 'name="agency"' in body and "Crisis centre C" in body
    data = form_data(region=other_region.pk, agency=second.pk)
    assert signed_in(carol).post(reverse("facilities:create"), data).status_code == 302
    assert Facility.objects.get(code="ala-shelter-9").agency == second


def test_an_agency_the_manager_does_not_manage_cannot_be_chosen(carol, other_agency, region):
    data = form_data(region=region.pk, agency=other_agency.pk)
    response = signed_in(carol).post(reverse("facilities:create"), data)
    assert response.status_code == 302  # the field is not there: carol's own agency is taken
    assert Facility.objects.get(code="ala-shelter-9").agency != other_agency


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "two words"}, "code"),
        ({"name": ""}, "name"),
        ({"address": "  "}, "address"),
        ({"places_women": "-1"}, "places_women"),
        ({"places_men": "many"}, "places_men"),
        ({"code": "shelter-a"}, "code"),  # held by the shelter already
    ],
)
def test_bad_input_on_creation_is_refused_per_field(carol, region, shelter, changes, field):
    data = form_data(region=region.pk, **changes)
    response = signed_in(carol).post(reverse("facilities:create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert list(Facility.objects.all()) == [shelter]


def test_the_facility_page_shows_the_address_and_records_the_view(carol, shelter):
    url = reverse("facilities:detail", args=[shelter.pk])
    body = signed_in(carol).get(url).content.decode()
    assert SHELTER_ADDRESS in body
    event = AuditEvent.objects.get(action="facility.view")
    assert event.actor == carol and event.object_id == str(shelter.pk) and event.read


def test_editing_details_and_places_from_the_page(carol, shelter):
    url = reverse("facilities:detail", args=[shelter.pk])
    data = form_data(shelter, name="Shelter A1", places_women=3, places_women_with_children=0)
    response = signed_in(carol).post(url, data)
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.name == "Shelter A1" and places_of(shelter) == {"women": 3}


def test_places_below_occupancy_are_refused_on_the_page(alice, carol, make_case, shelter):
    admit(alice, make_case(), shelter, "women", TODAY)
    url = reverse("facilities:detail", args=[shelter.pk])
    response = signed_in(carol).post(url, form_data(shelter, name="Renamed", places_women=0))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Women: 1 resident stays in these places now" in body
    shelter.refresh_from_db()
    assert shelter.name == "Shelter A" and places_of(shelter)["women"] == 1


def test_closing_and_reopening_from_the_page(alice, carol, case, shelter):
    close = reverse("facilities:close", args=[shelter.pk])
    reopen = reverse("facilities:reopen", args=[shelter.pk])
    placement = admit(alice, case, shelter, "women", TODAY)
    response = signed_in(carol).post(close)
    assert response.status_code == 400
    assert "1 resident stays here; discharge or transfer them" in response.content.decode()
    shelter.refresh_from_db()
    assert shelter.is_active
    placement.discharged_on = TODAY
    placement.save()
    assert signed_in(carol).post(close).status_code == 302
    shelter.refresh_from_db()
    assert not shelter.is_active
    body = signed_in(carol).get(reverse("facilities:list")).content.decode()
    assert "closed" in body
    assert signed_in(carol).post(reopen).status_code == 302
    shelter.refresh_from_db()
    assert shelter.is_active


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dana", "erin", "gulnara"])
def test_the_pages_do_not_exist_for_those_who_do_not_manage_places(request, who, shelter):
    user = request.getfixturevalue(who)
    client = signed_in(user)
    for name in ("facilities:list", "facilities:create"):
        assert client.get(reverse(name)).status_code == 404
    detail = reverse("facilities:detail", args=[shelter.pk])
    assert client.get(detail).status_code == 404
    assert client.post(detail, form_data(shelter, name="Taken")).status_code == 404
    assert client.post(reverse("facilities:close", args=[shelter.pk])).status_code == 404
    assert client.post(reverse("facilities:create"), form_data()).status_code == 404
    shelter.refresh_from_db()
    assert shelter.name == "Shelter A" and shelter.is_active
    assert Facility.objects.count() == 1


def test_another_agency_s_facility_answers_as_one_that_does_not_exist(carol, other_shelter):
    client = signed_in(carol)
    missing = client.get(reverse("facilities:detail", args=[other_shelter.pk + 100]))
    foreign = client.get(reverse("facilities:detail", args=[other_shelter.pk]))
    assert foreign.status_code == missing.status_code == 404
    assert "Shelter B" not in foreign.content.decode()
    assert client.post(reverse("facilities:close", args=[other_shelter.pk])).status_code == 404
    other_shelter.refresh_from_db()
    assert other_shelter.is_active


def test_an_agency_administrator_does_not_manage_places(agency, shelter):
    asel = make_user("asel", agency, role="agency_admin")
    assert signed_in(asel).get(reverse("facilities:list")).status_code == 404
