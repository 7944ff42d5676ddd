"""The referral directory: agencies by region, kind and service, free places, contacts."""

import datetime
import re
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from qamqor import clock
from qamqor.accounts.models import Agency, AgencyKind, Region
from qamqor.cases.models import Case
from qamqor.conftest import make_agency, signed_in
from qamqor.facilities.models import Facility, FacilityCapacity, Placement, PlacementCategory
from qamqor.services.models import AgencyOffer, Service, ServiceSetting, ServiceType

DIRECTORY = reverse("referrals:directory")
SHELTER_ADDRESS = "улица Тайная, 13"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def offer(agency: Agency, service: str, setting: str = "inpatient") -> None:
    AgencyOffer.objects.create(
        agency=agency,
        service=Service.objects.get(code=service),
        setting=ServiceSetting.objects.get(code=setting),
    )


def facility(agency: Agency, name: str, active: bool = True, **places: int) -> Facility:
    made = Facility.objects.create(
        agency=agency,
        code=name.lower().replace(" ", "-"),
        name=name,
        region=agency.region,
        address=SHELTER_ADDRESS,
        is_active=active,
    )
    for code, count in places.items():
        FacilityCapacity.objects.create(
            facility=made, category=PlacementCategory.objects.get(code=code), places=count
        )
    return made


def occupy(facility: Facility, category: str, case: Case) -> None:
    """The person of `case` staying in `facility` in a place of `category`."""
    Placement.objects.create(
        case=case,
        facility=facility,
        category=PlacementCategory.objects.get(code=category),
        admitted_on=datetime.date(2026, 1, 5),
        recorded_by=case.created_by,
        recorded_at=clock.now(),
    )


def rows(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="agency-(\d+)"', body)]


def page(user, **query) -> str:
    response = signed_in(user).get(DIRECTORY, query)
    assert response.status_code == 200
    return response.content.decode()


def row_of(body: str, agency: Agency) -> str:
    start = body.index(f'<tr id="agency-{agency.pk}"')
    return body[start : body.index("</tr>", start)]


@pytest.fixture
def centres(region: Region, other_region: Region) -> dict[str, Agency]:
    """Two crisis centres in Almaty, a police department there, a centre in Astana."""
    almaty = make_agency(region, name="Almaty centre")
    almaty.address, almaty.phone = "проспект Абая, 10", "+7 727 300 00 00"
    almaty.save()
    state = make_agency(region, kind="crisis_centre_state", name="State centre")
    police = make_agency(region, kind="police", name="Almaty police")
    astana = make_agency(other_region, name="Astana centre")
    offer(almaty, "accommodation")
    offer(almaty, "accommodation", "temporary_stay")
    offer(almaty, "crisis_support", "semi_inpatient")
    offer(state, "individual_counselling", "home_based")
    offer(astana, "accommodation")
    return {"almaty": almaty, "state": state, "police": police, "astana": astana}


def test_an_agency_with_its_services_contacts_and_free_places(alice, centres, make_case):
    almaty = centres["almaty"]
    shelter = facility(almaty, "Shelter 1", women=2, minors=1)
    facility(almaty, "Shelter 2", women=3)
    facility(almaty, "Closed shelter", active=False, women=10)
    occupy(shelter, "women", make_case())
    occupy(shelter, "minors", make_case())
    body = page(alice)
    row = row_of(body, almaty)
    assert "Almaty centre" in row and "Crisis centre, NGO" in row and "Almaty" in row
    assert "проспект Абая, 10" in row and 'href="tel:+77273000000"' in row
    assert 'Accommodation <span class="muted">— Inpatient (stationary), Temporary stay' in row
    assert "Crisis psychological support" in row
    # Women: 5 places in the two open shelters, one taken; minors: the one place taken.
    assert re.search(r"Women: <strong>4</strong> <span class=\"muted\">/ 5</span>", row)
    assert re.search(r"Minors: <span class=\"status status-closed\">full</span>", row)
    # A shelter's address is for those who place someone there, never the directory.
    assert SHELTER_ADDRESS not in body


def test_filters_by_region_kind_and_service(alice, centres, region):
    almaty, state, police, astana = (
        centres["almaty"], centres["state"], centres["police"], centres["astana"]
    )  # fmt: skip
    assert set(rows(page(alice, region=region.pk))) >= {almaty.pk, state.pk, police.pk}
    assert astana.pk not in rows(page(alice, region=region.pk))
    police_kind = AgencyKind.objects.get(code="police")
    assert almaty.pk not in rows(page(alice, kind=police_kind.pk))
    assert police.pk in rows(page(alice, kind=police_kind.pk))
    accommodation = Service.objects.get(code="accommodation")
    assert rows(page(alice, service=accommodation.pk)) == [almaty.pk, astana.pk]
    assert rows(page(alice, service=accommodation.pk, region=region.pk)) == [almaty.pk]
    psychological = ServiceType.objects.get(code="social_psychological")
    # By region, then kind (state centres come before NGOs), then name.
    assert rows(page(alice, service_type=psychological.pk)) == [state.pk, almaty.pk]
    home = ServiceSetting.objects.get(code="home_based")
    assert rows(page(alice, setting=home.pk)) == [state.pk]


def test_filters_by_free_places_of_a_category(alice, centres, case):
    women = PlacementCategory.objects.get(code="women")
    occupy(facility(centres["almaty"], "Full shelter", women=1), "women", case)
    facility(centres["astana"], "Astana shelter", women=2)
    facility(centres["state"], "State shelter", minors=4)
    assert rows(page(alice, free_for=women.pk)) == [centres["astana"].pk]


def test_a_bad_filter_is_named_and_the_directory_still_shows(alice, centres):
    body = page(alice, region="999999", page="lots")
    assert 'class="error"' in body
    assert centres["almaty"].pk in rows(body)


def test_for_those_who_open_cases_only(alice, bob, carol, charlie, dana, erin, gulnara):
    for user in (alice, bob, carol, charlie):
        assert signed_in(user).get(DIRECTORY).status_code == 200
    for user in (dana, erin, gulnara):
        assert signed_in(user).get(DIRECTORY).status_code == 404


def test_the_same_queries_for_one_agency_or_a_page_full(alice, region):
    client = signed_in(alice)

    def add_agencies(count: int) -> None:
        for n in range(count):
            made = make_agency(region, name=f"Centre {Agency.objects.count()}-{n}")
            offer(made, "accommodation")
            offer(made, "crisis_support", "semi_inpatient")
            facility(made, f"Shelter {made.pk}", women=3, minors=2)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DIRECTORY, {"region": region.pk}).status_code == 200
        return len(captured)

    add_agencies(1)
    few = queries()
    add_agencies(40)
    assert queries() == few
