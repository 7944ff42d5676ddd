"""`qamqor standards import FILE.yaml [--dry-run]`: all or nothing, with a report of
every bad row."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from qamqor.accounts.models import Capability
from qamqor.audit.models import AuditEvent
from qamqor.services.actions import import_catalogue
from qamqor.services.catalogue import SHIPPED_FILE
from qamqor.services.models import (
    RecipientCategory,
    Service,
    ServiceSetting,
    Standard,
    StandardTimeLimit,
)

from .helpers import refused, regulation_change, run, shipped, shipped_standard, write

NAMES = {"kk": "Сынақ", "ru": "Тест", "en": "Test"}


def catalogue_snapshot() -> dict[str, list[tuple]]:
    """Everything an import can write, to compare before and after."""
    return {
        "settings": list(ServiceSetting.objects.values_list()),
        "categories": list(RecipientCategory.objects.values_list()),
        "services": list(Service.objects.values_list()),
        "standards": list(Standard.objects.values_list()),
        "limits": list(StandardTimeLimit.objects.values_list()),
        "types": list(Standard.required_service_types.through.objects.values_list()),
        "audit": list(AuditEvent.objects.values_list("sequence")),
    }


def new_standard(**changes) -> dict:
    row = {
        **shipped_standard("trafficking-2023"),
        "code": "night-shelter-2026",
        "category": "night_shelter_guest",
        "effective_from": datetime.date(2026, 1, 1),
    }
    row.update(changes)
    return row


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(tmp_path):
    before = catalogue_snapshot()
    data = {
        "format": 1,
        "settings": [*shipped()["settings"], {"code": "night_shelter", "name": NAMES}],
        "recipient_categories": [{"code": "night_shelter_guest", "name": NAMES}],
        "standards": [
            new_standard(effective_to=datetime.date(2026, 12, 31)),
            new_standard(
                code="night-shelter-2027",
                effective_from=datetime.date(2027, 1, 1),
                required_service_types=["social_household", "social_legl"],
            ),
        ],
    }
    complaint = refused("import", str(write(tmp_path / "bad.yaml", data)))
    assert "standards[1].required_service_types[1]: unknown service type 'social_legl'" in complaint
    assert "1 problem:" in complaint
    assert catalogue_snapshot() == before


def test_an_unknown_service_type_in_the_services_section_is_refused(tmp_path):
    before = catalogue_snapshot()
    data = {"format": 1, "services": {"social_legl": [{"code": "notary", "name": NAMES}]}}
    complaint = refused("import", str(write(tmp_path / "bad.yaml", data)))
    assert "services.social_legl: unknown service type 'social_legl' (line 3)" in complaint
    assert catalogue_snapshot() == before


def test_every_bad_row_is_reported_at_once(tmp_path):
    standards = [
        new_standard(code="a-2026", effective_to=datetime.date(2025, 12, 31)),
        new_standard(code="b-2026", service_period_days=-30),
        new_standard(code="b-2026", effective_from=datetime.date(2030, 1, 1)),
        new_standard(code="c-2026", allowed_settings=["inpatient", "day_care"]),
        new_standard(code="d-2026", time_limits={"needs_assessment": -1}),
        new_standard(code="e-2026", extension={"days": 90, "reasons": ["appeal"]}),
        new_standard(code="f-2026", required_services=["court_representation"],
                     required_service_types=["social_household"]),
    ]  # fmt: skip
    data = {
        "format": 1,
        "settings": [{"code": "night_shelter", "name": {"kk": "Түнгі", "ru": "Ночлег"}}],
        "recipient_categories": [
            {"code": "night_shelter_guest", "name": NAMES},
            {"code": "night_shelter_guest", "name": NAMES},
        ],
        "standards": standards,
    }
    complaint = refused("import", str(write(tmp_path / "bad.yaml", data)))
    expected = [
        "settings[0].name.en: missing translation",
        "recipient_categories[1].code: duplicate code 'night_shelter_guest'"
        " (first at recipient_categories[0].code)",
        "standards[0].effective_to: 2025-12-31 is before effective_from 2026-01-01",
        "standards[1].service_period_days: must be a whole number of days, at least 1 (got -30)",
        "standards[2].code: duplicate code 'b-2026' (first at standards[1].code)",
        "standards[3].allowed_settings[1]: unknown setting 'day_care'",
        "standards[4].time_limits.needs_assessment: must be a whole number of days, at least 0",
        "standards[5].extension.reasons[0]: unknown extension reason 'appeal'",
        "standards[6].required_services[0]: service 'court_representation' is of type"
        " 'social_legal', which required_service_types does not list",
    ]
    for problem in expected:
        assert problem in complaint
    assert not RecipientCategory.objects.filter(code="night_shelter_guest").exists()


def test_unknown_fields_and_malformed_values_are_named(tmp_path):
    row = new_standard(category="trafficking_victim", effective_from="1 July 2026")
    row["efective_to"] = row.pop("source")
    complaint = refused(
        "import", str(write(tmp_path / "bad.yaml", {"format": 1, "standards": [row]}))
    )
    assert "standards[0].efective_to: unknown field 'efective_to'" in complaint
    assert "standards[0].source: missing" in complaint
    assert "standards[0].effective_from: '1 July 2026' is not a date (YYYY-MM-DD)" in complaint


def test_a_file_that_is_not_yaml_or_not_a_catalogue_is_refused(tmp_path):
    assert "not valid YAML" in refused("import", str(write(tmp_path / "a.yaml", "format: [1\n")))
    assert "the file is empty" in refused("import", str(write(tmp_path / "b.yaml", "")))
    assert "format: this version reads format 1, not 2" in refused(
        "import", str(write(tmp_path / "c.yaml", {"format": 2}))
    )
    assert "cannot read" in refused("import", str(tmp_path / "missing.yaml"))


def test_a_key_written_twice_is_refused(tmp_path):
    text = "format: 1\nsettings: []\nsettings:\n  - code: home_based\n"
    assert "settings: written twice (line 3)" in refused(
        "import", str(write(tmp_path / "twice.yaml", text))
    )


def test_overlapping_periods_for_a_category_are_refused(tmp_path):
    before = catalogue_snapshot()
    change = regulation_change(datetime.date(2026, 2, 1))
    del change["standards"][0]  # the new version, without ending the old one
    complaint = refused("import", str(write(tmp_path / "overlap.yaml", change)))
    assert (
        "standards[0]: in force 2026-02-01 to open end for category 'trafficking_victim',"
        " overlapping standard 'trafficking-2023' (2023-07-01 to open end);"
        " end 'trafficking-2023' with effective_to: 2026-01-31 in this file"
    ) in complaint
    assert catalogue_snapshot() == before


def test_overlapping_periods_within_the_file_are_refused(tmp_path):
    data = {
        "format": 1,
        "recipient_categories": [{"code": "night_shelter_guest", "name": NAMES}],
        "standards": [
            new_standard(effective_to=datetime.date(2026, 12, 31)),
            new_standard(code="night-shelter-2026b", effective_from=datetime.date(2026, 6, 1)),
        ],
    }
    complaint = refused("import", str(write(tmp_path / "overlap.yaml", data)))
    assert "standards[1]: in force 2026-06-01 to open end" in complaint
    assert "overlapping standard 'night-shelter-2026'" in complaint


def test_an_import_records_one_audit_event_with_its_counts(tmp_path):
    path = write(tmp_path / "change.yaml", regulation_change(datetime.date(2026, 2, 1)))
    out, _ = run("import", str(path))
    assert "imported. standards: 1 created, 1 updated" in out
    event = AuditEvent.objects.get(action="standards.import")
    assert event.actor is None
    assert event.details["file"] == "change.yaml"
    assert event.details["counts"] == {"standards": {"created": 1, "updated": 1, "unchanged": 0}}
    assert len(event.details["sha256"]) == 64


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path / "change.yaml", regulation_change(datetime.date(2026, 2, 1)))
    run("import", str(path))
    before = catalogue_snapshot()
    out, _ = run("import", str(path))
    assert "standards: 2 unchanged" in out
    after = catalogue_snapshot()
    # The catalogue is as it was; the log notes that the import ran.
    assert len(after.pop("audit")) == len(before.pop("audit")) + 1
    assert after == before


def test_the_shipped_file_reimports_unchanged(tmp_path):
    before = catalogue_snapshot()
    out, _ = run("import", str(SHIPPED_FILE))
    assert "created" not in out and "updated" not in out
    assert "standards: 3 unchanged" in out
    before.pop("audit")
    after = catalogue_snapshot()
    after.pop("audit")
    assert after == before


def test_an_import_updates_rows_by_code(tmp_path):
    data = shipped()
    data["settings"][2]["name"]["en"] = "At home"
    data["standards"][0]["time_limits"]["needs_assessment"] = 2
    data["standards"][0]["allowed_settings"].append("home_based")
    out, _ = run("import", str(write(tmp_path / "fix.yaml", data)))
    assert "settings: 1 updated, 3 unchanged" in out
    assert "standards: 1 updated, 2 unchanged" in out
    standard = Standard.objects.get(code="trafficking-2023")
    assert standard.limits.get(time_limit__code="needs_assessment").days == 2
    assert standard.allowed_settings.filter(code="home_based").exists()
    assert ServiceSetting.objects.get(code="home_based").name_en == "At home"


def test_a_dry_run_counts_the_changes_and_writes_nothing(tmp_path):
    before = catalogue_snapshot()
    path = write(tmp_path / "change.yaml", regulation_change(datetime.date(2026, 2, 1)))
    out, _ = run("import", str(path), "--dry-run")
    assert "dry run, nothing written. Would give: standards: 1 created, 1 updated" in out
    assert catalogue_snapshot() == before


def test_a_dry_run_of_a_bad_file_reports_the_same_problems(tmp_path):
    change = regulation_change(datetime.date(2026, 2, 1))
    change["standards"][1]["category"] = "trafficking_victm"
    complaint = refused("import", str(write(tmp_path / "bad.yaml", change)), "--dry-run")
    assert "standards[1].category: unknown category 'trafficking_victm'" in complaint


def test_only_a_reference_data_manager_imports_through_the_action(alice, erin):
    text = SHIPPED_FILE.read_text(encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_catalogue(alice, text, source_name="standards.yaml")
    assert any(
        Capability.MANAGE_REFERENCE_DATA in m.role.capabilities for m in erin.active_memberships()
    )
    import_catalogue(erin, text, source_name="standards.yaml")
    assert AuditEvent.objects.get(action="standards.import").actor == erin


def test_a_bad_row_still_counts_for_the_overlap_check(tmp_path):
    """The old version is ended in the file, though that row has another mistake: the
    report names the mistake, not an overlap that the file does not have."""
    change = regulation_change(datetime.date(2026, 2, 1))
    change["standards"][0]["allowed_settings"] = ["inpatient", "day_care"]
    complaint = refused("import", str(write(tmp_path / "bad.yaml", change)))
    assert "1 problem:" in complaint
    assert "standards[0].allowed_settings[1]: unknown setting 'day_care'" in complaint
