"""In force, expired, not yet: computed from the dates and the one clock."""

import datetime

from qamqor.cases.access import visible_cases
from qamqor.protection.models import MeasureKind, MeasureStatus
from qamqor.protection.queries import expiring_within, measures_in_force

from .conftest import TODAY

DAY = datetime.timedelta(days=1)


def test_status_follows_the_clock(case, measure_in, frozen_today):
    measure = measure_in(case, ends_on=TODAY + 9 * DAY)
    assert measure.status == MeasureStatus.IN_FORCE and measure.days_left == 9
    frozen_today(TODAY + 9 * DAY)
    assert measure.status == MeasureStatus.IN_FORCE and measure.days_left == 0
    frozen_today(TODAY + 10 * DAY)
    assert measure.status == MeasureStatus.EXPIRED
    frozen_today(TODAY - DAY)
    assert measure.status == MeasureStatus.NOT_YET


def test_measures_in_force_on_a_day(case, measure_in):
    police = measure_in(case, ends_on=TODAY + 29 * DAY)
    court = measure_in(case, kind=MeasureKind.COURT_REQUIREMENTS, issued_on=TODAY,
                       starts_on=TODAY + 30 * DAY, ends_on=TODAY + 200 * DAY)  # fmt: skip
    assert list(measures_in_force(case)) == [police]
    assert list(measures_in_force(case, on=TODAY + 29 * DAY)) == [police]
    assert list(measures_in_force(case, on=TODAY + 30 * DAY)) == [court]
    assert list(measures_in_force(case, on=TODAY + 201 * DAY)) == []


def test_expiring_within_7_days(alice, make_case, measure_in, frozen_today):
    first, second, third = make_case(), make_case(), make_case()
    ends_in_7 = measure_in(first, ends_on=TODAY + 7 * DAY)
    ends_today = measure_in(second, ends_on=TODAY)
    measure_in(third, ends_on=TODAY + 8 * DAY)  # not yet within the warning
    cases = visible_cases(alice)
    assert list(expiring_within(cases)) == [ends_today, ends_in_7]
    frozen_today(TODAY + DAY)  # yesterday's last day is over: expired, no warning
    assert [m.case for m in expiring_within(cases)] == [first, third]
    assert list(expiring_within(cases, days=0, on=TODAY + 7 * DAY)) == [ends_in_7]


def test_expiring_within_keeps_to_the_cases_given(alice, charlie, make_case, measure_in, agency):
    measure_in(make_case(), ends_on=TODAY + 3 * DAY)
    assert expiring_within(visible_cases(charlie)).count() == 0
    assert expiring_within(visible_cases(alice)).count() == 1
