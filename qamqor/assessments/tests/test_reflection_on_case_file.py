"""The recovery and reflection period on the case file: `{% reflection_period case %}`."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from qamqor.assessments.actions import record_trafficking_decision
from qamqor.cases.models import Grounds

DAY = datetime.timedelta(days=1)
TODAY = datetime.date(2026, 3, 2)
TAG = Template("{% load reflection %}{% reflection_period case %}")


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch):
    """Noon in Almaty on a given day; TODAY unless moved."""

    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


@pytest.fixture
def case(make_case):
    return make_case(grounds=Grounds.TRAFFICKING, opened_on=TODAY - 60 * DAY)


def decide(actor, case, status, decided_on):
    return record_trafficking_decision(
        actor, case, status=status, deciding_org_type="NGO", decided_on=decided_on,
        grounds="Паспорт изъят работодателем",
    )  # fmt: skip


def possible(actor, case, decided_on):
    return decide(actor, case, "PossibleVictimOfTrafficking", decided_on)


def shown(case) -> str:
    return " ".join(TAG.render(Context({"case": case})).split())


def test_a_possible_status_shows_the_period_and_the_days_left(alice, case):
    possible(alice, case, TODAY - 5 * DAY)  # a 30-day period: its last day is 26 March
    assert "Recovery and reflection period until 26.03.2026 (24 days left)" in shown(case)


def test_on_the_last_day_it_says_so(alice, case, frozen_today):
    possible(alice, case, TODAY - 29 * DAY)
    assert "until 02.03.2026 (last day today)" in shown(case)
    frozen_today(TODAY - DAY)
    assert "until 02.03.2026 (1 day left)" in shown(case)


def test_an_ended_period_is_shown_as_ended(alice, case):
    possible(alice, case, TODAY - 30 * DAY)
    text = shown(case)
    assert "The recovery and reflection period ended on 01.03.2026." in text
    assert "days left" not in text and "Recovery and reflection period until" not in text


def test_a_later_decision_that_is_not_possible_ends_the_display(alice, case):
    possible(alice, case, TODAY - 5 * DAY)
    decide(alice, case, "ActualVictimOfTrafficking", TODAY)
    assert shown(case) == ""


def test_the_current_decision_counts_not_the_newest_date(alice, case):
    """A revision recorded later supersedes, even when it is dated earlier."""
    decide(alice, case, "NotAVictimOfTrafficking", TODAY - 2 * DAY)
    possible(alice, case, TODAY - 4 * DAY)
    assert "until 27.03.2026 (25 days left)" in shown(case)


def test_nothing_without_a_trafficking_decision(case):
    assert shown(case) == ""


def test_one_query(alice, case, make_case):
    possible(alice, case, TODAY - 5 * DAY)
    with CaptureQueriesContext(connection) as queries:
        shown(case)
    assert len(queries) == 1
    without_decision = make_case()
    with CaptureQueriesContext(connection) as queries:
        shown(without_decision)
    assert len(queries) == 1


def test_another_case_s_decision_does_not_show(alice, case, make_case):
    possible(alice, case, TODAY - 5 * DAY)
    assert shown(make_case(grounds=Grounds.TRAFFICKING)) == ""
