"""Which standard is in force on a date: a change applies from its date; earlier plans
keep the standard they started under."""

import datetime

from qamqor.services.models import RecipientCategory
from qamqor.services.standards import standard_for

from .helpers import regulation_change, run, write


def test_no_standard_before_the_first_version_nor_for_a_category_without_one():
    assert standard_for("trafficking_victim", datetime.date(2023, 6, 30)) is None
    first = standard_for("trafficking_victim", datetime.date(2023, 7, 1))
    assert first is not None and first.code == "trafficking-2023"
    assert standard_for("child_victim", datetime.date(2025, 1, 1)) is None


def test_a_change_applies_from_its_date_and_earlier_plans_keep_theirs(tmp_path):
    category = RecipientCategory.objects.get(code="trafficking_victim")
    plan_started = datetime.date(2026, 1, 15)
    before_the_change = standard_for(category, plan_started)

    run(
        "import", str(write(tmp_path / "change.yaml", regulation_change(datetime.date(2026, 2, 1))))
    )

    last_old_day = standard_for(category, datetime.date(2026, 1, 31))
    first_new_day = standard_for(category, datetime.date(2026, 2, 1))
    assert last_old_day is not None and last_old_day.code == "trafficking-2023"
    assert first_new_day is not None and first_new_day.code == "trafficking-2026"
    assert first_new_day.service_period_days == 210
    kept = standard_for(category, plan_started)
    assert kept == before_the_change
    assert kept is not None and kept.service_period_days == 180
    assert kept.effective_to == datetime.date(2026, 1, 31)


def test_the_lookup_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        standard_for("domestic_violence_victim", datetime.date(2025, 3, 6))
