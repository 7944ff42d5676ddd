"""Risk scoring rules, as pure functions: thresholds, judgement, escalation window,
reflection period. The thresholds come from the shipped instrument's data."""

import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qamqor.assessments.loader import SHIPPED
from qamqor.assessments.scoring import (
    LEVEL_ORDER,
    JudgementLowersLevel,
    RiskRules,
    months_before,
    reflection_period_end,
    risk_result,
)

hypothesis_settings = settings(
    max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SHIPPED_DATA = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
RISK = next(row for row in SHIPPED_DATA["instruments"] if row["kind"] == "domestic_violence_risk")
RULES = RiskRules.from_data(RISK["rules"])
CODES = [item["code"] for item in RISK["items"]]
DAY = datetime.timedelta(days=1)
ASSESSED = datetime.date(2025, 6, 15)


def answers_with(yes: int, rest: str = "no") -> dict[str, str]:
    return {code: ("yes" if index < yes else rest) for index, code in enumerate(CODES)}


def level(yes: int, **kwargs) -> str:
    kwargs.setdefault("incident_dates", [])
    return risk_result(RULES, answers_with(yes), assessed_on=ASSESSED, **kwargs).level


def test_the_shipped_checklist_has_24_questions():
    assert len(CODES) == 24


@pytest.mark.parametrize(
    ("yes", "expected"),
    [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (24, "high")],
)
def test_yes_count_thresholds(yes, expected):
    assert level(yes) == expected


@hypothesis_settings
@given(yes=st.integers(0, 24), rest=st.sampled_from(["no", "unknown"]))
def test_level_follows_the_yes_count_only(yes, rest):
    result = risk_result(RULES, answers_with(yes, rest), incident_dates=[], assessed_on=ASSESSED)
    expected = "high" if yes >= 14 else "medium" if yes >= 10 else "standard"
    assert (result.yes_count, result.level) == (yes, expected)
    assert result.conference_proposed == (expected == "high")


def test_thresholds_are_the_instruments_data():
    stricter = RiskRules.from_data(
        {
            **RISK["rules"],
            "levels": [{"level": "high", "min_yes": 5}, {"level": "medium", "min_yes": 2}],
        }
    )
    assert (
        risk_result(stricter, answers_with(5), incident_dates=[], assessed_on=ASSESSED).level
        == "high"
    )


@hypothesis_settings
@given(yes=st.integers(0, 24), judgement=st.sampled_from(LEVEL_ORDER))
def test_judgement_raises_and_is_refused_when_it_would_lower(yes, judgement):
    computed = level(yes)
    if LEVEL_ORDER.index(judgement) < LEVEL_ORDER.index(computed):
        with pytest.raises(JudgementLowersLevel):
            level(yes, judgement=judgement)
    else:
        assert level(yes, judgement=judgement) == judgement


def test_judgement_raising_standard_to_high_proposes_a_conference():
    result = risk_result(
        RULES, answers_with(3), incident_dates=[], assessed_on=ASSESSED, judgement="high"
    )
    assert (result.count_level, result.level, result.conference_proposed) == (
        "standard", "high", True,
    )  # fmt: skip


def test_a_judgement_cannot_lower_high_to_medium():
    with pytest.raises(JudgementLowersLevel):
        level(14, judgement="medium")


def test_three_incidents_in_twelve_months_escalate():
    dates = [ASSESSED, ASSESSED - 30 * DAY, datetime.date(2024, 6, 15)]
    result = risk_result(RULES, answers_with(2), incident_dates=dates, assessed_on=ASSESSED)
    assert (result.incidents_in_window, result.escalated, result.level) == (3, True, "high")


def test_an_incident_one_day_beyond_twelve_months_does_not_count():
    dates = [ASSESSED, ASSESSED - 30 * DAY, datetime.date(2024, 6, 14)]
    result = risk_result(RULES, answers_with(2), incident_dates=dates, assessed_on=ASSESSED)
    assert (result.incidents_in_window, result.escalated, result.level) == (2, False, "standard")


@hypothesis_settings
@given(
    assessed=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)),
    inside=st.lists(st.integers(0, 364), min_size=2, max_size=2),
    beyond=st.integers(1, 400),
)
def test_escalation_window_boundary(assessed, inside, beyond):
    start = months_before(assessed, 12)
    in_window = [assessed - days * DAY for days in inside]
    exactly_twelve_months = risk_result(
        RULES, answers_with(0), incident_dates=[*in_window, start], assessed_on=assessed
    )
    one_day_more = risk_result(
        RULES,
        answers_with(0),
        incident_dates=[*in_window, start - beyond * DAY],
        assessed_on=assessed,
    )
    assert exactly_twelve_months.escalated and exactly_twelve_months.level == "high"
    assert not one_day_more.escalated and one_day_more.level == "standard"


def test_later_incidents_do_not_count():
    dates = [ASSESSED + DAY, ASSESSED + 2 * DAY, ASSESSED]
    assert not risk_result(
        RULES, answers_with(0), incident_dates=dates, assessed_on=ASSESSED
    ).escalated


def test_twelve_months_before_a_leap_day():
    assert months_before(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)
    assert months_before(datetime.date(2025, 1, 31), 1) == datetime.date(2024, 12, 31)


@hypothesis_settings
@given(
    start=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)), days=st.integers(1, 90)
)
def test_reflection_period_lasts_its_days(start, days):
    end = reflection_period_end(start, days)
    assert (end - start).days + 1 == days


def test_thirty_day_reflection_period():
    assert reflection_period_end(datetime.date(2025, 3, 1), 30) == datetime.date(2025, 3, 30)
