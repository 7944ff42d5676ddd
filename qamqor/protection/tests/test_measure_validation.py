"""A measure's dates and conditions are checked against the data-defined rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from qamqor.protection.actions import add_measure
from qamqor.protection.models import (
    DurationLimit,
    MeasureKind,
    ProtectionCondition,
    ProtectionMeasure,
    add_months,
)

from .conftest import TODAY

DAY = datetime.timedelta(days=1)


def errors_of(alice, case, **fields) -> dict[str, list[str]]:
    values = {"kind": MeasureKind.POLICE_ORDER, "issued_on": TODAY, "starts_on": TODAY}
    values.update(fields)
    before = ProtectionMeasure.objects.count()
    with pytest.raises(ValidationError) as caught:
        add_measure(alice, case, ProtectionMeasure(**values))
    assert ProtectionMeasure.objects.count() == before, "nothing is saved"
    return caught.value.message_dict


def test_the_limits_are_data_loaded_by_migration():
    police = DurationLimit.applying(MeasureKind.POLICE_ORDER, TODAY)
    court = DurationLimit.applying(MeasureKind.COURT_REQUIREMENTS, TODAY)
    assert (police.unit, police.minimum, police.maximum) == ("days", 1, 30)
    assert (court.unit, court.minimum, court.maximum) == ("months", 3, 12)
    codes = set(ProtectionCondition.objects.values_list("code", flat=True))
    assert {"no_contact", "no_firearms", "no_psychoactive", "report_to_police"} <= codes


def test_a_police_order_of_30_days_is_accepted(alice, case, measure_in):
    measure = measure_in(case, ends_on=TODAY + 29 * DAY)
    assert measure.pk and (measure.ends_on - measure.starts_on).days + 1 == 30


def test_a_police_order_longer_than_30_days_is_refused(alice, case, frozen_today):
    errors = errors_of(alice, case, ends_on=TODAY + 30 * DAY)
    assert "ends_on" in errors and "30" in errors["ends_on"][0]


def test_court_requirements_last_3_to_12_calendar_months(alice, case, measure_in):
    start = datetime.date(2026, 2, 1)  # a short month: 3 months are 89 days here
    kind = MeasureKind.COURT_REQUIREMENTS
    shortest = measure_in(case, kind=kind, issued_on=start, starts_on=start,
                          ends_on=datetime.date(2026, 4, 30))  # fmt: skip
    longest = measure_in(case, kind=kind, issued_on=start, starts_on=start,
                         ends_on=datetime.date(2027, 1, 31))  # fmt: skip
    assert shortest.pk and longest.pk


@pytest.mark.parametrize(
    "ends_on",
    [datetime.date(2026, 4, 29), datetime.date(2027, 2, 1)],
    ids=["shorter than 3 months", "longer than a year"],
)
def test_court_requirements_outside_the_range_are_refused(alice, case, frozen_today, ends_on):
    start = datetime.date(2026, 2, 1)
    errors = errors_of(alice, case, kind=MeasureKind.COURT_REQUIREMENTS, issued_on=start,
                       starts_on=start, ends_on=ends_on)  # fmt: skip
    assert list(errors) == ["ends_on"]


def test_a_measure_cannot_end_before_it_starts(alice, case, frozen_today):
    errors = errors_of(alice, case, ends_on=TODAY - DAY)
    assert errors["ends_on"] == ["A measure cannot end before it starts."]


def test_a_measure_cannot_be_issued_in_the_future(alice, case, frozen_today):
    errors = errors_of(alice, case, issued_on=TODAY + DAY, starts_on=TODAY + DAY,
                       ends_on=TODAY + 5 * DAY)  # fmt: skip
    assert "issued_on" in errors


def test_a_start_long_after_the_issue_is_refused(alice, case, frozen_today):
    issued = TODAY - 60 * DAY
    errors = errors_of(alice, case, kind=MeasureKind.COURT_REQUIREMENTS, issued_on=issued,
                       starts_on=TODAY, ends_on=add_months(TODAY, 6))  # fmt: skip
    assert list(errors) == ["starts_on"]


def test_a_start_before_the_issue_is_refused(alice, case, frozen_today):
    errors = errors_of(alice, case, starts_on=TODAY - DAY, ends_on=TODAY + 5 * DAY)
    assert list(errors) == ["starts_on"]


def test_a_changed_limit_applies_from_its_date(alice, case, measure_in):
    DurationLimit.objects.create(
        kind=MeasureKind.POLICE_ORDER, effective_from=TODAY, unit="days", minimum=1, maximum=10,
        start_within_days=1,
    )  # fmt: skip
    earlier = TODAY - 5 * DAY
    assert measure_in(case, issued_on=earlier, starts_on=earlier, ends_on=earlier + 20 * DAY)
    errors = errors_of(alice, case, ends_on=TODAY + 20 * DAY)
    assert "10" in errors["ends_on"][0]


def test_conditions_are_codes_of_the_list(alice, case, frozen_today):
    errors = errors_of(alice, case, ends_on=TODAY + DAY, conditions=["no_contact", "no_dancing"])
    assert errors["conditions"] == ["Unknown condition: no_dancing."]


def test_reporting_to_police_needs_1_to_4_times_a_month(alice, case, measure_in):
    base = {"kind": MeasureKind.COURT_REQUIREMENTS, "ends_on": add_months(TODAY, 6) - DAY,
            "conditions": ["no_contact", "report_to_police"]}  # fmt: skip
    for times in (None, 0, 5):
        assert "reports_per_month" in errors_of(alice, case, **base, reports_per_month=times)
    assert "reports_per_month" in errors_of(
        alice, case, kind=MeasureKind.POLICE_ORDER, ends_on=TODAY, reports_per_month=2
    )
    assert measure_in(case, **base, reports_per_month=4).reports_per_month == 4


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)
