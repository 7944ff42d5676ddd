"""The case file's summary of protection in force today: kinds and end dates only."""

import datetime

from django.template import Context, Template

from qamqor.protection.models import MeasureKind

from .conftest import TODAY

SUMMARY = Template("{% load protection %}{% protection_in_force case %}")


def test_the_summary_shows_kinds_and_end_dates_in_force_today(case, measure_in):
    measure_in(case, number="ПП-5555/26", ends_on=TODAY + datetime.timedelta(days=2),
               other_conditions="Не подходить к школе")  # fmt: skip
    measure_in(case, kind=MeasureKind.COURT_REQUIREMENTS, issued_on=TODAY,
               starts_on=TODAY + datetime.timedelta(days=10),
               ends_on=TODAY + datetime.timedelta(days=200))  # fmt: skip
    html = SUMMARY.render(Context({"case": case}))
    assert "Police protective order" in html and "04.03.2026" in html
    assert "expires in 2 days" in html
    assert "Court special requirements" not in html  # not yet in force
    assert "ПП-5555/26" not in html and "школе" not in html


def test_the_summary_says_when_nothing_is_in_force(case, frozen_today):
    assert "No protective order" in SUMMARY.render(Context({"case": case}))
