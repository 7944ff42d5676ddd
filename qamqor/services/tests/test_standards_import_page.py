"""Uploading a standards file on /standards/import/: the same all-or-nothing import as the
command, with a preview that writes nothing and a report of every bad row."""

import datetime

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.conftest import signed_in
from qamqor.services.models import Standard
from qamqor.services.standards import standard_for

from .helpers import regulation_change

URL = "/standards/import/"
CHANGE = datetime.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(data: dict | str, name: str = "change.yaml") -> SimpleUploadedFile:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    return SimpleUploadedFile(name, text.encode(), content_type="application/x-yaml")


def post_file(client, data, mode: str = "check", **extra):
    return client.post(URL, {"file": upload(data, **extra), "mode": mode})


def test_the_url_is_the_one_documented():
    assert reverse("services:standards_import") == URL


def test_a_check_previews_the_counts_and_writes_nothing(erin):
    response = post_file(signed_in(erin), regulation_change(CHANGE))
    body = response.content.decode()
    assert response.status_code == 200
    assert "change.yaml is correct: what an import would do" in body
    assert [(section, tally.as_dict()) for section, tally in response.context["preview"]] == [
        ("Standards", {"created": 1, "updated": 1, "unchanged": 0})
    ]
    assert not Standard.objects.filter(code="trafficking-2026").exists()
    assert Standard.objects.get(code="trafficking-2023").effective_to is None
    assert not AuditEvent.objects.filter(action="standards.import").exists()


def test_a_check_names_the_stored_versions_the_file_would_rewrite(erin):
    response = post_file(signed_in(erin), regulation_change(CHANGE))
    assert response.context["rewritten"] == []  # only the last day of the old one changes

    change = regulation_change(CHANGE)
    change["standards"][0]["service_period_days"] = 200
    change["standards"][0]["allowed_settings"] = ["inpatient"]
    response = post_file(signed_in(erin), change)
    [rewritten] = response.context["rewritten"]
    assert (rewritten.code, rewritten.plans) == ("trafficking-2023", 0)
    assert rewritten.changes == ["service_period_days", "allowed_settings"]
    assert "trafficking-2023</strong>: service_period_days, allowed_settings" in (
        response.content.decode()
    )
    assert Standard.objects.get(code="trafficking-2023").service_period_days == 180


def test_the_checked_file_is_imported_with_the_confirm_button(erin):
    client = signed_in(erin)
    confirm = post_file(client, regulation_change(CHANGE)).context["confirm"]
    response = client.post(URL, {"name": confirm["name"].value(), "text": confirm["text"].value()})

    assert response.status_code == 302 and response["Location"] == reverse("services:standards")
    assert standard_for("trafficking_victim", CHANGE).code == "trafficking-2026"
    assert standard_for("trafficking_victim", CHANGE - datetime.timedelta(days=1)).code == (
        "trafficking-2023"
    )
    event = AuditEvent.objects.get(action="standards.import")
    assert event.actor == erin and event.details["file"] == "change.yaml"
    assert event.details["counts"] == {"standards": {"created": 1, "updated": 1, "unchanged": 0}}
    page = client.get(response["Location"]).content.decode()
    assert "change.yaml is imported. Standards: 1 created, 1 updated, 0 unchanged" in page


def test_check_and_import_in_one_step(erin):
    response = post_file(signed_in(erin), regulation_change(CHANGE), mode="import")
    assert response.status_code == 302
    assert Standard.objects.filter(code="trafficking-2026").exists()


def test_an_unknown_service_type_imports_nothing_and_names_the_row(erin):
    change = regulation_change(CHANGE)
    new_version = change["standards"][1]
    new_version["required_service_types"] = [*new_version["required_service_types"], "social_psyco"]
    response = post_file(signed_in(erin), change, mode="import")

    assert response.status_code == 400
    problems = response.context["problems"]
    assert [(p.path, p.message) for p in problems] == [
        ("standards[1].required_service_types[8]", "unknown service type 'social_psyco'")
    ]
    body = response.content.decode()
    assert "change.yaml: 1 problem, nothing was imported" in body
    assert "standards[1].required_service_types[8]" in body
    # The good row ending the current version was not written either.
    assert Standard.objects.get(code="trafficking-2023").effective_to is None
    assert not Standard.objects.filter(code="trafficking-2026").exists()
    assert not AuditEvent.objects.filter(action="standards.import").exists()


def test_an_unknown_service_is_reported_with_its_line(erin):
    change = regulation_change(CHANGE)
    change["standards"][1]["required_services"] = ["accommodation", "teleportation"]
    response = post_file(signed_in(erin), change)
    problem = response.context["problems"][0]
    assert problem.path == "standards[1].required_services[1]"
    assert problem.message == "unknown service 'teleportation'" and problem.line
    assert response.status_code == 400


def test_an_overlap_is_refused_with_the_advice_to_end_the_old_version(erin):
    change = regulation_change(CHANGE)
    del change["standards"][0]
    response = post_file(signed_in(erin), change, mode="import")
    message = response.context["problems"][0].message
    assert "end 'trafficking-2023' with effective_to: 2026-01-31" in message
    assert not Standard.objects.filter(code="trafficking-2026").exists()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\xff\xfe not utf-8", "The file is not text in UTF-8."),
        (b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_text_is_refused(erin, content, error):
    file = SimpleUploadedFile("bad.yaml", content)
    response = signed_in(erin).post(URL, {"file": file, "mode": "import"})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [error]


def test_yaml_that_does_not_parse_is_reported(erin):
    response = post_file(signed_in(erin), "format: 1\nstandards: [\n", mode="import")
    assert response.status_code == 400
    assert response.context["problems"][0].message.startswith("not valid YAML")


def test_a_confirmation_that_lost_its_file_imports_nothing(erin):
    response = signed_in(erin).post(URL, {"name": "change.yaml"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="standards.import").exists()


def test_others_cannot_import(carol, alice):
    for user in (carol, alice):
        response = post_file(signed_in(user), regulation_change(CHANGE), mode="import")
        assert response.status_code == 404
    assert not Standard.objects.filter(code="trafficking-2026").exists()
