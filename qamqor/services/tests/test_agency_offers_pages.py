"""A supervisor declares the agency's services on /agency/services/; those who open cases
see who provides what on /services/providers/."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from qamqor.accounts.models import Membership, Role
from qamqor.audit.models import AuditEvent
from qamqor.clock import now
from qamqor.conftest import make_agency, signed_in
from qamqor.services.actions import declare_agency_offers
from qamqor.services.models import AgencyOffer, Service, ServiceSetting

OFFERS_URL = "/agency/services/"
PROVIDERS_URL = "/services/providers/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def pair(service: str, setting: str) -> tuple[Service, ServiceSetting]:
    return Service.objects.get(code=service), ServiceSetting.objects.get(code=setting)


def value(service: str, setting: str) -> str:
    service_row, setting_row = pair(service, setting)
    return f"{service_row.pk}-{setting_row.pk}"


def offered(agency) -> set[tuple[str, str]]:
    return set(
        AgencyOffer.objects.filter(agency=agency).values_list("service__code", "setting__code")
    )


def test_the_urls_are_the_ones_documented():
    assert reverse("services:agency_offers") == OFFERS_URL
    assert reverse("services:providers") == PROVIDERS_URL


def test_the_grid_shows_every_service_by_type_and_every_setting(carol, agency):
    declare_agency_offers(carol, agency, [pair("accommodation", "inpatient")])
    response = signed_in(carol).get(OFFERS_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Our services: Crisis centre A" in body
    assert len(response.context["grid"]) == 8
    assert body.count('type="checkbox" name="offers"') == Service.objects.count() * 4
    assert f'value="{value("accommodation", "inpatient")}" checked' in body
    assert f'value="{value("accommodation", "home_based")}">' in body


def test_saving_replaces_the_declaration_in_one_audited_change(carol, agency):
    declare_agency_offers(
        carol,
        agency,
        [pair("accommodation", "inpatient"), pair("legal_consultation", "home_based")],
    )
    client = signed_in(carol)
    response = client.post(
        OFFERS_URL,
        {
            "agency": agency.pk,
            "offers": [value("accommodation", "inpatient"), value("crisis_support", "inpatient")],
        },
    )
    assert response.status_code == 302
    assert offered(agency) == {("accommodation", "inpatient"), ("crisis_support", "inpatient")}
    event = AuditEvent.objects.filter(action="agency.services").latest("pk")
    assert event.actor == carol and event.object_id == str(agency.pk)
    assert event.details == {
        "added": ["crisis_support/inpatient"],
        "removed": ["legal_consultation/home_based"],
    }
    page = client.get(response["Location"]).content.decode()
    assert "Crisis centre A: the services are saved (added: 1, removed: 1)." in page


def test_a_save_that_changes_nothing_records_nothing(carol, agency):
    declare_agency_offers(carol, agency, [pair("accommodation", "inpatient")])
    events = AuditEvent.objects.filter(action="agency.services").count()
    data = {"agency": agency.pk, "offers": [value("accommodation", "inpatient")]}
    assert signed_in(carol).post(OFFERS_URL, data).status_code == 302
    assert AuditEvent.objects.filter(action="agency.services").count() == events


def test_unticking_everything_withdraws_every_offer(carol, agency):
    declare_agency_offers(carol, agency, [pair("accommodation", "inpatient")])
    assert signed_in(carol).post(OFFERS_URL, {"agency": agency.pk}).status_code == 302
    assert offered(agency) == set()


def test_an_unknown_pair_is_refused_and_changes_nothing(carol, agency):
    declare_agency_offers(carol, agency, [pair("accommodation", "inpatient")])
    response = signed_in(carol).post(OFFERS_URL, {"agency": agency.pk, "offers": ["999999-1"]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert offered(agency) == {("accommodation", "inpatient")}


def test_a_post_without_its_agency_changes_nothing(carol, agency):
    declare_agency_offers(carol, agency, [pair("accommodation", "inpatient")])
    assert signed_in(carol).post(OFFERS_URL, {}).status_code == 400
    assert offered(agency) == {("accommodation", "inpatient")}


def test_another_agency_does_not_exist_for_the_supervisor(carol, other_agency):
    client = signed_in(carol)
    assert client.get(OFFERS_URL, {"agency": other_agency.pk}).status_code == 404
    assert client.get(OFFERS_URL, {"agency": "x"}).status_code == 404
    data = {"agency": other_agency.pk, "offers": [value("accommodation", "inpatient")]}
    assert client.post(OFFERS_URL, data).status_code == 404
    assert offered(other_agency) == set()
    with pytest.raises(PermissionDenied):
        declare_agency_offers(carol, other_agency, [pair("accommodation", "inpatient")])


def test_a_supervisor_of_two_agencies_chooses_which(carol, agency, region):
    second = make_agency(region, name="Crisis centre Z")
    Membership.objects.create(
        user=carol, agency=second, role=Role.objects.get(code="supervisor"), started_at=now()
    )
    client = signed_in(carol)
    assert client.get(OFFERS_URL).context["agency"] == agency
    response = client.get(OFFERS_URL, {"agency": second.pk})
    assert response.context["agency"] == second
    assert "Crisis centre Z" in response.content.decode()
    client.post(OFFERS_URL, {"agency": second.pk, "offers": [value("accommodation", "inpatient")]})
    assert offered(second) == {("accommodation", "inpatient")} and offered(agency) == set()


def test_who_declares_no_services_does_not_reach_the_page(alice, bob, erin, dana, gulnara):
    for user in (alice, bob, erin, dana, gulnara):
        assert signed_in(user).get(OFFERS_URL).status_code == 404


def test_providers_lists_each_service_with_the_agencies_offering_it(carol, agency, alice, bob):
    declare_agency_offers(
        carol, agency, [pair("accommodation", "inpatient"), pair("accommodation", "temporary_stay")]
    )
    response = signed_in(bob).get(PROVIDERS_URL)
    assert response.status_code == 200
    [(service_type, [(service, agencies)])] = response.context["rows"]
    assert service.code == "accommodation"
    [(provider, settings)] = agencies
    assert provider == agency
    assert [s.code for s in settings] == ["inpatient", "temporary_stay"]
    body = response.content.decode()
    assert "Crisis centre A" in body and agency.region.name_en in body


def test_providers_filtered_by_region_and_setting(carol, agency, alice, charlie, other_agency):
    declare_agency_offers(carol, agency, [pair("accommodation", "inpatient")])
    AgencyOffer.objects.create(
        agency=other_agency, service=Service.objects.get(code="accommodation"),
        setting=ServiceSetting.objects.get(code="home_based"),
    )  # fmt: skip
    client = signed_in(charlie)

    def providers(**filters) -> set[str]:
        rows = client.get(PROVIDERS_URL, filters).context["rows"]
        return {a.name for _t, services in rows for _s, agencies in services for a, _ in agencies}

    assert providers() == {"Crisis centre A", "Police B"}
    assert providers(region=other_agency.region_id) == {"Police B"}
    assert providers(setting=ServiceSetting.objects.get(code="inpatient").pk) == {"Crisis centre A"}
    assert providers(region="not a region") == set()


def test_providers_reads_a_fixed_number_of_queries(
    carol, agency, alice, django_assert_max_num_queries
):
    declare_agency_offers(
        carol,
        agency,
        [pair(code, "inpatient") for code in Service.objects.values_list("code", flat=True)],
    )
    client = signed_in(alice)
    client.get(PROVIDERS_URL)
    with django_assert_max_num_queries(12):
        client.get(PROVIDERS_URL)


def test_providers_is_for_those_who_open_cases(dana, erin, gulnara):
    for user in (dana, erin, gulnara):
        assert signed_in(user).get(PROVIDERS_URL).status_code == 404
