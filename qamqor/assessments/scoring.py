"""Scoring rules, as pure functions of answers, dates and an instrument's rules.

No database and no clock here: the actions gather the facts (answers, the case's
incident dates, the assessment date) and store what these functions return.

Risk rules (an instrument's `rules`, see data/instruments.yaml):
    levels:      [{level: high, min_yes: 14}, {level: medium, min_yes: 10}]
    base_level:  standard
    escalation:  {incidents: 3, months: 12, raises_to: high}
    conference_level: high
"""

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Rising order of risk levels. Judgement and escalation may only move up this list.
LEVEL_ORDER = ("standard", "medium", "high")
YES = "yes"


class JudgementLowersLevel(ValueError):
    """A professional judgement below the level the answers and incidents give."""

    def __init__(self, judgement: str, level: str) -> None:
        super().__init__(f"judgement {judgement!r} is below the computed level {level!r}")
        self.judgement = judgement
        self.level = level


@dataclass(frozen=True)
class RiskRules:
    thresholds: tuple[tuple[str, int], ...]  # (level, least yes count), highest first
    base_level: str
    escalation_incidents: int
    escalation_months: int
    escalation_level: str
    conference_level: str

    @classmethod
    def from_data(cls, rules: Mapping[str, Any]) -> "RiskRules":
        thresholds = sorted(
            ((str(row["level"]), int(row["min_yes"])) for row in rules["levels"]),
            key=lambda pair: -pair[1],
        )
        escalation = rules["escalation"]
        made = cls(
            thresholds=tuple(thresholds),
            base_level=str(rules["base_level"]),
            escalation_incidents=int(escalation["incidents"]),
            escalation_months=int(escalation["months"]),
            escalation_level=str(escalation["raises_to"]),
            conference_level=str(rules["conference_level"]),
        )
        for level in (made.base_level, made.escalation_level, made.conference_level):
            _rank(level)
        for level, _least in made.thresholds:
            _rank(level)
        return made


@dataclass(frozen=True)
class RiskResult:
    yes_count: int
    count_level: str
    incidents_in_window: int
    escalated: bool
    level: str
    conference_proposed: bool


def _rank(level: str) -> int:
    try:
        return LEVEL_ORDER.index(level)
    except ValueError:
        raise ValueError(f"unknown risk level {level!r}") from None


def higher(first: str, second: str) -> str:
    return first if _rank(first) >= _rank(second) else second


def yes_count(answers: Mapping[str, str]) -> int:
    return sum(1 for answer in answers.values() if answer == YES)


def level_for_count(rules: RiskRules, count: int) -> str:
    for level, least in rules.thresholds:
        if count >= least:
            return level
    return rules.base_level


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier; the month's last day when it is
    shorter (29 February 2024 minus 12 months is 28 February 2023)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = total // 12, total % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def incidents_within(
    incident_dates: Iterable[datetime.date], assessed_on: datetime.date, months: int
) -> int:
    """Incidents from `months` months before the assessment date (that day included) to
    the assessment date itself."""
    start = months_before(assessed_on, months)
    return sum(1 for day in incident_dates if start <= day <= assessed_on)


def risk_result(
    rules: RiskRules,
    answers: Mapping[str, str],
    *,
    incident_dates: Iterable[datetime.date],
    assessed_on: datetime.date,
    judgement: str = "",
) -> RiskResult:
    """The risk level of a completed checklist.

    The yes count gives a level; 3 or more incidents in the window raise it (potential
    escalation); the assessor's judgement may raise it further, and a judgement below the
    result is refused with JudgementLowersLevel rather than silently ignored.
    """
    count = yes_count(answers)
    count_level = level_for_count(rules, count)
    in_window = incidents_within(incident_dates, assessed_on, rules.escalation_months)
    escalated = in_window >= rules.escalation_incidents
    level = higher(count_level, rules.escalation_level) if escalated else count_level
    if judgement:
        if _rank(judgement) < _rank(level):
            raise JudgementLowersLevel(judgement, level)
        level = judgement
    return RiskResult(
        yes_count=count,
        count_level=count_level,
        incidents_in_window=in_window,
        escalated=escalated,
        level=level,
        conference_proposed=_rank(level) >= _rank(rules.conference_level),
    )


def reflection_period_end(start: datetime.date, days: int) -> datetime.date:
    """The last day of a recovery and reflection period of `days` days starting on
    `start` (the day of the decision counts as its first day)."""
    if days < 1:
        raise ValueError("a reflection period lasts at least one day")
    return start + datetime.timedelta(days=days - 1)
