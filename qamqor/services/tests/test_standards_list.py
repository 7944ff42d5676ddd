"""`qamqor standards list [--on DATE]`: the standards in force, as a table."""

import datetime

from django.utils import timezone

from qamqor import clock

from .helpers import regulation_change, run, write


def test_the_list_shows_each_category_in_force_with_period_and_limits():
    out, _ = run("list", "--on", "2025-06-01", "--language", "en")
    lines = out.splitlines()
    assert lines[0] == "Standards in force on 2025-06-01"
    header = lines[2]
    assert header.split() == ["Category", "Standard", "In", "force", "Service", "period"]
    trafficking = next(line for line in lines if "trafficking-2023" in line)
    assert trafficking.startswith("Victim of human trafficking")
    assert "2023-07-01 to open end" in trafficking
    assert trafficking.endswith("180 days, up to 270")
    # The columns line up under the header.
    assert trafficking.index("trafficking-2023") == header.index("Standard")
    assert "No standard in force for: Child victim" in out
    assert (
        "  extension:     90 more days during: Criminal proceedings under way, Hospitalisation"
    ) in out
    assert "First needs assessment: 3 days from admission" in out
    assert "(figures not yet checked against the order)" in out


def test_the_list_names_things_in_the_language_asked():
    out, _ = run("list", "--on", "2025-06-01", "--language", "ru")
    assert "Жертва торговли людьми" in out
    assert "Представительство в суде" not in out  # not required by any standard
    assert "Юридическая консультация" in out


def test_the_list_before_any_standard_says_so():
    out, _ = run("list", "--on", "2020-01-01", "--language", "en")
    assert "trafficking-2023" not in out
    assert "No standard in force for: Victim of human trafficking" in out


def test_the_list_defaults_to_today_and_follows_a_change(tmp_path, monkeypatch):
    run(
        "import", str(write(tmp_path / "change.yaml", regulation_change(datetime.date(2026, 2, 1))))
    )
    moment = timezone.make_aware(datetime.datetime(2026, 2, 1, 0, 30))  # Almaty; 31 Jan in UTC
    monkeypatch.setattr(clock, "now", lambda: moment)
    out, _ = run("list", "--language", "en")
    assert out.startswith("Standards in force on 2026-02-01")
    assert "trafficking-2026" in out and "trafficking-2023" not in out
