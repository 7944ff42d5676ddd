"""A plan keeps the version it started under when a new version is entered, and the import
preview says how many plans a file that rewrites a version in place would change."""

import dataclasses
import datetime

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.assessments.actions import record_eligibility_decision
from qamqor.assessments.models import Eligibility
from qamqor.plans.actions import generate_plan
from qamqor.services.actions import enter_standard_version, preview_catalogue
from qamqor.services.models import Standard
from qamqor.services.standards import standard_for

from .helpers import shipped_standard
from .test_standard_versions import version_like

TODAY = datetime.date(2026, 3, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def frozen_today(monkeypatch):
    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


@pytest.fixture(autouse=True)
def _english(frozen_today):
    with translation.override("en"):
        yield


@pytest.fixture
def eligible_case(alice, make_case):
    case = make_case(opened_on=TODAY - 60 * DAY)
    record_eligibility_decision(
        alice,
        case,
        decision=Eligibility.ELIGIBLE,
        deciding_body="Отдел занятости и социальных программ",
        decided_on=TODAY - 50 * DAY,
        reasons="Критерии выполнены",
    )
    return case


def test_a_plan_keeps_its_version_and_later_plans_take_the_new_one(
    alice, erin, make_case, eligible_case, frozen_today
):
    plan = generate_plan(alice, eligible_case, started_on=TODAY - 40 * DAY)
    assert plan.standard.code == "domestic-violence-2023"

    enter_standard_version(
        erin,
        version_like(
            "domestic-violence-2023",
            code="domestic-violence-2026",
            effective_from=TODAY + DAY,
            service_period_days=150,
            extension_days=0,
            extension_reasons=[],
        ),
    )
    plan.refresh_from_db()
    assert plan.standard.code == "domestic-violence-2023"
    assert plan.standard.service_period_days == 180
    assert plan.standard.effective_to == TODAY

    frozen_today(TODAY + 5 * DAY)
    later = make_case(opened_on=TODAY)
    record_eligibility_decision(
        alice,
        later,
        decision=Eligibility.ELIGIBLE,
        deciding_body="Отдел занятости и социальных программ",
        decided_on=TODAY + 2 * DAY,
        reasons="Критерии выполнены",
    )
    later_plan = generate_plan(alice, later, started_on=TODAY + 3 * DAY)
    assert later_plan.standard.code == "domestic-violence-2026"
    assert later_plan.standard.service_period_days == 150


def test_a_new_version_may_not_take_over_days_on_which_plans_started(alice, erin, eligible_case):
    generate_plan(alice, eligible_case, started_on=TODAY - 40 * DAY)
    new = version_like(
        "domestic-violence-2023",
        code="domestic-violence-2026",
        effective_from=TODAY - 40 * DAY,
        extension_days=0,
        extension_reasons=[],
    )
    with pytest.raises(ValidationError) as raised:
        enter_standard_version(erin, new)
    assert raised.value.message_dict["effective_from"] == [
        "Plans under domestic-violence-2023 have started up to Jan. 21, 2026: a new version "
        "must start after that day."
    ]
    assert Standard.objects.get(code="domestic-violence-2023").effective_to is None

    enter_standard_version(erin, dataclasses.replace(new, effective_from=TODAY - 39 * DAY))
    assert standard_for("domestic_violence_victim", TODAY - 40 * DAY).code == (
        "domestic-violence-2023"
    )


def test_the_preview_counts_the_plans_a_rewrite_in_place_would_change(alice, erin, eligible_case):
    generate_plan(alice, eligible_case, started_on=TODAY - 40 * DAY)
    rewrite = {**shipped_standard("domestic-violence-2023"), "service_period_days": 120}
    outcome = preview_catalogue(
        erin,
        yaml.safe_dump({"format": 1, "standards": [rewrite]}, allow_unicode=True),
        source_name="fix.yaml",
    )
    [rewritten] = outcome.rewritten
    assert (rewritten.code, rewritten.plans, rewritten.changes) == (
        "domestic-violence-2023",
        1,
        ["service_period_days"],
    )
    assert Standard.objects.get(code="domestic-violence-2023").service_period_days == 180
