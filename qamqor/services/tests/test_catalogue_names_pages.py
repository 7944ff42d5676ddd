"""Renaming catalogue entries (services, settings, categories...) on the page: the code
stays, the change is audited, and an empty name is refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.conftest import signed_in
from qamqor.services.actions import rename_catalogue_entry
from qamqor.services.models import Service, ServiceSetting

NAMES = {"name_kk": "Баспана беру", "name_ru": "Предоставление жилья", "name_en": "Housing"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def entry_url(kind: str = "services", code: str = "accommodation") -> str:
    return reverse("services:catalogue_entry", kwargs={"catalogue_kind": kind, "entry_code": code})


def test_the_catalogue_lists_every_kind_with_its_names(erin):
    body = signed_in(erin).get(reverse("services:catalogue")).content.decode()
    for heading in ("Service types", "Services", "Settings", "Recipient categories",
                    "Extension reasons", "Time limits"):  # fmt: skip
        assert f">{heading}</h2>" in body
    assert entry_url() in body and entry_url("settings", "inpatient") in body
    assert "Стационар жағдайында" in body and "Inpatient (stationary)" in body


def test_a_service_renamed_on_the_page_keeps_its_code(erin):
    before = Service.objects.get(code="accommodation")
    response = signed_in(erin).post(entry_url(), NAMES)
    assert response.status_code == 302
    service = Service.objects.get(pk=before.pk)
    assert (service.code, service.name_kk, service.name_ru, service.name_en) == (
        "accommodation",
        *NAMES.values(),
    )
    event = AuditEvent.objects.get(action="catalogue.rename")
    assert event.actor == erin and event.object_id == str(service.pk)
    assert event.details["code"] == "accommodation"
    assert event.details["before"]["name_en"] == before.name_en
    assert event.details["after"] == NAMES


def test_unchanged_names_are_neither_written_nor_audited(erin):
    setting = ServiceSetting.objects.get(code="inpatient")
    names = {f"name_{lang}": getattr(setting, f"name_{lang}") for lang in ("kk", "ru", "en")}
    assert signed_in(erin).post(entry_url("settings", "inpatient"), names).status_code == 302
    assert not AuditEvent.objects.filter(action="catalogue.rename").exists()


def test_an_empty_name_is_refused_and_changes_nothing(erin):
    response = signed_in(erin).post(entry_url(), {**NAMES, "name_ru": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["name_ru"] == ["This field is required."]
    assert Service.objects.get(code="accommodation").name_en != "Housing"
    assert not AuditEvent.objects.filter(action="catalogue.rename").exists()


def test_an_unknown_kind_or_code_does_not_exist(erin):
    assert signed_in(erin).get(entry_url("planets", "accommodation")).status_code == 404
    assert signed_in(erin).get(entry_url("services", "teleportation")).status_code == 404


def test_renaming_asks_for_the_password_and_code_again(erin):
    response = signed_in(erin, reauthenticated=False).post(entry_url(), NAMES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert Service.objects.get(code="accommodation").name_en != "Housing"


def test_only_a_system_administrator_renames(carol):
    assert signed_in(carol).post(entry_url(), NAMES).status_code == 404
    with pytest.raises(PermissionDenied):
        rename_catalogue_entry(carol, Service.objects.get(code="accommodation"), NAMES)
    assert Service.objects.get(code="accommodation").name_en != "Housing"
