"""The standards pages: what a system administrator sees, entering a new version from the
page, and that to anyone else the pages do not exist."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.clock import today
from qamqor.conftest import signed_in
from qamqor.services.models import ServiceSetting, ServiceType, Standard, TimeLimit
from qamqor.services.standards import standard_for

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def new_version_url(code: str = "trafficking-2023") -> str:
    return reverse("services:standard_new_version", kwargs={"standard_code": code})


def form_of(response) -> dict:
    """The data a browser would post back from the prefilled form."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = value
    return data


def test_the_list_shows_every_standard_by_category_with_its_figures(erin):
    response = signed_in(erin).get(reverse("services:standards"))
    body = response.content.decode()
    assert response.status_code == 200
    for code in ("trafficking-2023", "foreign-victim-2023", "domestic-violence-2023"):
        assert code in body
    assert "Victim of human trafficking" in body and "Child victim" in body
    assert "No standard is in force for this category today." in body  # child victims
    assert "180 days" in body and "90 days (up to 270 in all)" in body
    assert "Criminal proceedings" in body
    assert "3 days from admission" in body
    assert "not yet: check the figures" in body
    assert "order No. 263 of 29 June 2023" in body


def test_the_list_tells_in_force_ended_and_future_versions_apart(erin):
    Standard.objects.filter(code="domestic-violence-2023").update(effective_to=today() - DAY)
    Standard.objects.filter(code="foreign-victim-2023").update(effective_from=today() + DAY)
    response = signed_in(erin).get(reverse("services:standards"))
    statuses = {
        standard.code: standard.status
        for _category, versions, _in_force in response.context["categories"]
        for standard in versions
    }
    assert statuses == {
        "trafficking-2023": "in_force",
        "domestic-violence-2023": "ended",
        "foreign-victim-2023": "future",
    }


def test_the_list_reads_a_fixed_number_of_queries(erin, django_assert_max_num_queries):
    client = signed_in(erin)
    client.get(reverse("services:standards"))
    with django_assert_max_num_queries(20):
        client.get(reverse("services:standards"))


def test_the_detail_shows_the_versions_of_the_category(erin):
    url = reverse("services:standard_detail", kwargs={"standard_code": "trafficking-2023"})
    body = signed_in(erin).get(url).content.decode()
    assert "Enter a new version based on this one" in body
    assert "Versions for this category" in body
    assert "domestic-violence-2023" not in body


def test_an_unknown_standard_does_not_exist(erin):
    url = reverse("services:standard_detail", kwargs={"standard_code": "no-such-standard"})
    assert signed_in(erin).get(url).status_code == 404
    assert signed_in(erin).get(new_version_url("no-such-standard")).status_code == 404


def test_the_new_version_form_is_filled_in_from_the_base(erin):
    response = signed_in(erin).get(new_version_url())
    form = response.context["form"]
    assert form["service_period_days"].value() == 180
    assert form["extension_days"].value() == 90
    assert set(form["required_service_types"].value()) == set(
        ServiceType.objects.values_list("pk", flat=True)
    )
    assert form["limit_needs_assessment"].value() == 3
    assert form["code"].value() is None and form["effective_from"].value() is None
    assert "Order No. 263" not in (form["version"].value() or "")


def test_a_new_version_entered_on_the_page(erin):
    client = signed_in(erin)
    data = form_of(client.get(new_version_url()))
    data.update(
        code="trafficking-2026",
        version="Order No. 99 of 2026 (synthetic)",
        effective_from="2026-04-01",
        service_period_days="200",
        limit_needs_assessment="2",
    )
    data.pop("limit_plan_review")
    response = client.post(new_version_url(), data)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "services:standard_detail", kwargs={"standard_code": "trafficking-2026"}
    )
    new = Standard.objects.get(code="trafficking-2026")
    assert new.service_period_days == 200 and new.extension_days == 90
    assert dict(new.limits.values_list("time_limit__code", "days")) == {
        "needs_assessment": 2,
        "individual_plan": 7,
    }
    assert Standard.objects.get(code="trafficking-2023").effective_to == datetime.date(2026, 3, 31)
    assert standard_for("trafficking_victim", datetime.date(2026, 3, 31)).code == "trafficking-2023"
    assert standard_for("trafficking_victim", datetime.date(2026, 4, 1)) == new
    assert AuditEvent.objects.filter(actor=erin, action="standard.new_version").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Version trafficking-2026 is entered, in force from 01.04.2026." in page


def test_a_start_before_the_previous_version_is_refused_on_the_page(erin):
    client = signed_in(erin)
    data = form_of(client.get(new_version_url()))
    data.update(code="trafficking-2026", version="Synthetic", effective_from="2023-01-01")
    response = client.post(new_version_url(), data)

    assert response.status_code == 400
    assert response.context["form"].errors["effective_from"] == [
        "A new version must start after the latest one, trafficking-2023, which is in force "
        "from July 1, 2023."
    ]
    assert not Standard.objects.filter(code="trafficking-2026").exists()
    assert Standard.objects.get(code="trafficking-2023").effective_to is None


def test_bad_figures_are_refused_field_by_field(erin):
    client = signed_in(erin)
    data = form_of(client.get(new_version_url()))
    data.update(
        code="Trafficking 2026",
        version="Synthetic",
        effective_from="2026-13-01",
        service_period_days="0",
        limit_needs_assessment="-1",
        required_service_types=[ServiceType.objects.get(code="social_legal").pk],
        allowed_settings=[],
    )
    response = client.post(new_version_url(), data)
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert {"effective_from", "service_period_days", "limit_needs_assessment"} <= set(errors)
    assert "allowed_settings" in errors
    assert Standard.objects.count() == 3

    data.update(
        effective_from="2026-04-01", service_period_days="200", limit_needs_assessment="2",
        allowed_settings=[ServiceSetting.objects.get(code="inpatient").pk],
    )  # fmt: skip
    errors = client.post(new_version_url(), data).context["form"].errors
    assert set(errors) == {"code", "required_services"}
    assert Standard.objects.count() == 3


def test_changing_standards_asks_for_the_password_and_code_again(erin):
    client = signed_in(erin, reauthenticated=False)
    for url in (new_version_url(), reverse("services:standards_import")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    response = client.post(new_version_url(), {"code": "x"})
    assert response.status_code == 302 and Standard.objects.count() == 3
    # Reading needs no new proof.
    assert client.get(reverse("services:standards")).status_code == 200


def test_to_anyone_who_manages_no_reference_data_the_pages_do_not_exist(alice, carol, dana):
    urls = [
        reverse("services:standards"),
        reverse("services:standard_detail", kwargs={"standard_code": "trafficking-2023"}),
        new_version_url(),
        reverse("services:standards_import"),
        reverse("services:catalogue"),
    ]
    for user in (alice, carol, dana):
        client = signed_in(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(new_version_url(), {"code": "x"}).status_code == 404
    assert Standard.objects.count() == 3
    assert TimeLimit.objects.exists()
