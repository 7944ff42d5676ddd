"""Entering a new version of a standard: the previous one ends the day before and keeps
everything else, so plans started under it keep their figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.services.actions import StandardVersion, enter_standard_version
from qamqor.services.models import (
    RecipientCategory,
    Service,
    ServiceType,
    Standard,
    TimeLimit,
)
from qamqor.services.standards import standard_for

CHANGE = datetime.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def figures_of(code: str) -> dict:
    """What a row holds, relations included, to compare before and after."""
    standard = Standard.objects.get(code=code)
    return {
        "fields": {
            field.name: getattr(standard, field.attname) for field in Standard._meta.concrete_fields
        },
        "types": set(standard.required_service_types.values_list("code", flat=True)),
        "services": set(standard.required_services.values_list("code", flat=True)),
        "settings": set(standard.allowed_settings.values_list("code", flat=True)),
        "reasons": set(standard.extension_reasons.values_list("code", flat=True)),
        "limits": dict(standard.limits.values_list("time_limit__code", "days")),
    }


def version_like(base_code: str, /, **changes) -> StandardVersion:
    """The figures of a stored standard as a new version would start from them."""
    base = Standard.objects.get(code=base_code)
    values = {
        "category": base.category,
        "code": "trafficking-2026",
        "version": "Order No. 99 of 2026 (synthetic)",
        "effective_from": CHANGE,
        "service_period_days": 210,
        "extension_days": base.extension_days,
        "extension_reasons": list(base.extension_reasons.all()),
        "required_service_types": list(base.required_service_types.all()),
        "required_services": list(base.required_services.all()),
        "allowed_settings": list(base.allowed_settings.all()),
        "time_limits": {limit.time_limit: limit.days for limit in base.limits.all()},
        "source": "Synthetic order for tests",
        "verified": False,
    }
    values.update(changes)
    return StandardVersion(**values)


def refusal(erin, new: StandardVersion) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        enter_standard_version(erin, new)
    return raised.value.message_dict


def test_the_previous_version_ends_the_day_before_and_keeps_its_figures(erin):
    before = figures_of("trafficking-2023")
    new = enter_standard_version(erin, version_like("trafficking-2023"))

    after = figures_of("trafficking-2023")
    assert after["fields"].pop("effective_to") == datetime.date(2026, 1, 31)
    assert before["fields"].pop("effective_to") is None
    assert after == before
    assert new.service_period_days == 210 and new.effective_to is None
    assert figures_of("trafficking-2026")["limits"] == before["limits"]


def test_plans_started_before_the_date_keep_the_old_version(erin):
    assert standard_for("trafficking_victim", CHANGE).code == "trafficking-2023"
    enter_standard_version(erin, version_like("trafficking-2023"))
    assert standard_for("trafficking_victim", CHANGE - datetime.timedelta(days=1)).code == (
        "trafficking-2023"
    )
    assert standard_for("trafficking_victim", CHANGE).code == "trafficking-2026"
    assert standard_for("trafficking_victim", datetime.date(2023, 7, 1)).code == "trafficking-2023"


def test_the_change_is_audited_on_both_versions(erin):
    new = enter_standard_version(
        erin,
        version_like("trafficking-2023"),
        based_on=Standard.objects.get(code="trafficking-2023"),
    )
    ended = AuditEvent.objects.get(action="standard.end")
    assert ended.actor == erin
    assert ended.details == {
        "code": "trafficking-2023",
        "effective_to": "2026-01-31",
        "next_version": "trafficking-2026",
    }
    entered = AuditEvent.objects.get(action="standard.new_version")
    assert entered.object_id == str(new.pk)
    assert entered.details["effective_from"] == "2026-02-01"
    assert entered.details["previous"] == entered.details["based_on"] == "trafficking-2023"


@pytest.mark.parametrize("starts", [datetime.date(2023, 7, 1), datetime.date(2023, 6, 30)])
def test_a_version_starting_on_or_before_the_previous_one_is_refused(erin, starts):
    before = figures_of("trafficking-2023")
    errors = refusal(erin, version_like("trafficking-2023", effective_from=starts))
    assert errors["effective_from"] == [
        "A new version must start after the latest one, trafficking-2023, which is in force "
        "from July 1, 2023."
    ]
    assert figures_of("trafficking-2023") == before
    assert not Standard.objects.filter(code="trafficking-2026").exists()
    assert not AuditEvent.objects.filter(action__startswith="standard.").exists()


def test_a_version_overlapping_another_is_refused(erin):
    # Two versions already in force at once (as a careless edit could leave them): the new
    # one would overlap the one that is not the latest.
    Standard.objects.filter(code="foreign-victim-2023").update(
        category=RecipientCategory.objects.get(code="trafficking_victim"),
        effective_from=datetime.date(2024, 1, 1),
    )
    errors = refusal(erin, version_like("trafficking-2023"))
    assert errors["effective_from"] == [
        "It would be in force at the same time as trafficking-2023 (from July 1, 2023, open ended)."
    ]


def test_a_new_version_after_an_ended_one_leaves_the_gap(erin):
    Standard.objects.filter(code="trafficking-2023").update(
        effective_to=datetime.date(2025, 12, 31)
    )
    enter_standard_version(erin, version_like("trafficking-2023"))
    assert Standard.objects.get(code="trafficking-2023").effective_to == datetime.date(2025, 12, 31)
    assert standard_for("trafficking_victim", datetime.date(2026, 1, 15)) is None


def test_figures_that_break_the_rules_are_refused_per_field(erin):
    legal = ServiceType.objects.get(code="social_legal")
    errors = refusal(
        erin,
        version_like(
            "trafficking-2023",
            code="Trafficking 2026",
            required_service_types=[legal],
            allowed_settings=[],
            extension_reasons=[],
        ),
    )
    assert set(errors) == {"code", "required_services", "allowed_settings", "extension_reasons"}
    assert "Accommodation" in errors["required_services"][0]


def test_a_code_in_use_is_refused(erin):
    errors = refusal(erin, version_like("trafficking-2023", code="domestic-violence-2023"))
    assert errors["code"] == ["Standard with this Code already exists."]
    assert Standard.objects.get(code="trafficking-2023").effective_to is None


def test_a_first_standard_for_a_category_without_one(erin):
    child = RecipientCategory.objects.get(code="child_victim")
    new = enter_standard_version(
        erin,
        version_like(
            "trafficking-2023",
            category=child,
            code="child-2026",
            time_limits={TimeLimit.objects.get(code="needs_assessment"): 1},
        ),
    )
    assert standard_for(child, CHANGE) == new
    assert figures_of("child-2026")["limits"] == {"needs_assessment": 1}
    assert AuditEvent.objects.get(action="standard.new_version").details["previous"] is None


def test_only_those_who_manage_reference_data_enter_versions(carol, alice):
    for user in (carol, alice):
        with pytest.raises(PermissionDenied):
            enter_standard_version(user, version_like("trafficking-2023"))
    assert Standard.objects.get(code="trafficking-2023").effective_to is None
    assert Service.objects.exists()
