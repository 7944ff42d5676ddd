"""`qamqor facilities import FILE.yaml [--dry-run]` and `qamqor facilities list`: facilities
and places from a file, matched by code, all or nothing, every bad row reported."""

import io
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency
from qamqor.facilities.actions import admit, import_facilities
from qamqor.facilities.models import Facility, FacilityCapacity

from .conftest import SHELTER_ADDRESS, TODAY


def places_of(facility: Facility) -> dict[str, int]:
    return dict(
        FacilityCapacity.objects.filter(facility=facility).values_list("category__code", "places")
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "facilities.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*args: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("facilities", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: object) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("facilities", *[str(arg) for arg in args], stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def snapshot() -> list[tuple]:
    return sorted(
        (f.code, f.name, f.agency_id, f.region_id, f.address, tuple(sorted(places_of(f).items())))
        for f in Facility.objects.all()
    )


GOOD = """\
    format: 1
    facilities:
      - code: shelter-a
        agency: Crisis centre A
        name: Shelter A (renamed)
        capacity:
          women: 3
          women_with_children: 0
      - code: ala-new
        agency: Crisis centre A
        name: New shelter
        address: Алматы, улица Новая, 1
        capacity:
          men: 2
          minors: 4
    """


def test_a_file_creates_and_updates_facilities_by_code(tmp_path, agency, shelter):
    out, _err = run("import", write(tmp_path, GOOD))
    assert "imported. 1 created, 1 updated, 0 unchanged." in out
    shelter.refresh_from_db()
    assert shelter.name == "Shelter A (renamed)" and shelter.address == SHELTER_ADDRESS
    assert places_of(shelter) == {"women": 3}
    new = Facility.objects.get(code="ala-new")
    assert new.agency == agency and new.region == agency.region and new.is_active
    assert new.address == "Алматы, улица Новая, 1"
    assert places_of(new) == {"men": 2, "minors": 4}


def test_importing_the_same_file_again_changes_nothing(tmp_path, shelter):
    path = write(tmp_path, GOOD)
    run("import", path)
    before = snapshot()
    out, _err = run("import", path)
    assert "0 created, 0 updated, 2 unchanged." in out
    assert snapshot() == before


def test_the_import_is_audited_without_addresses(tmp_path, shelter):
    run("import", write(tmp_path, GOOD))
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["facilities.import", "facility.create", "facility.update"]
    summary = AuditEvent.objects.get(action="facilities.import")
    assert summary.actor is None and summary.details["file"] == "facilities.yaml"
    assert summary.details["counts"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert AuditEvent.objects.get(action="facility.create").details["file"] == "facilities.yaml"
    assert "Новая" not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_a_dry_run_counts_and_writes_nothing(tmp_path, shelter):
    before = snapshot()
    out, _err = run("import", write(tmp_path, GOOD), "--dry-run")
    assert "dry run, nothing written. Would give: 1 created, 1 updated, 0 unchanged." in out
    assert snapshot() == before and not AuditEvent.objects.exists()


def test_an_agency_by_number_and_a_region_by_iso_code(tmp_path, other_agency, other_region):
    run("import", write(tmp_path, f"""\
        format: 1
        facilities:
          - code: far
            agency: {other_agency.pk}
            name: Far shelter
            region: {other_region.iso_code}
            address: Астана, улица Дальняя, 5
            capacity: {{women: 1}}
        """))  # fmt: skip
    far = Facility.objects.get(code="far")
    assert far.agency == other_agency and far.region == other_region


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "{code: x, agency: Nowhere, name: X, address: A}",
            "facilities[1].agency: unknown agency 'Nowhere' (line 8)",
        ),
        (
            "{code: x, agency: 99999, name: X, address: A}",
            "facilities[1].agency: unknown agency 99999 (line 8)",
        ),
        (
            "{code: x, agency: Crisis centre A, name: X, address: A, capacity: {cats: 2}}",
            "facilities[1].capacity.cats: unknown category 'cats' (known: ",
        ),
        (
            "{code: x, agency: Crisis centre A, name: X, address: A, capacity: {men: -1}}",
            "facilities[1].capacity.men: places cannot be negative (line 8)",
        ),
        (
            "{code: x, agency: Crisis centre A, name: X, address: A, capacity: {men: two}}",
            "facilities[1].capacity.men: must be a whole number of places (line 8)",
        ),
        (
            "{code: x, agency: Crisis centre A, name: X, address: A, region: KZ-00}",
            "facilities[1].region: unknown region 'KZ-00'",
        ),
        (
            "{code: x, agency: Crisis centre A, name: X, address: A, kind: shelter}",
            "facilities[1].kind: unknown field (line 8)",
        ),
        ("{agency: Crisis centre A, name: X, address: A}", "facilities[1].code: missing (line 8)"),
        (
            "{code: two words, agency: Crisis centre A, name: X, address: A}",
            "facilities[1].code: must be letters, digits, - and _ only",
        ),
        (
            "{code: shelter-a, agency: Crisis centre A}",
            "facilities[1].code: written twice (first in facilities[0])",
        ),
        (
            "{code: x, agency: Crisis centre A, name: X}",
            "facilities[1].address: This field cannot be blank.",
        ),
    ],
)
def test_one_bad_row_imports_nothing_and_is_reported(tmp_path, agency, shelter, row, problem):
    before = snapshot()
    path = write(tmp_path, f"""\
        format: 1
        facilities:
          - code: shelter-a
            agency: Crisis centre A
            name: Renamed by a file that fails
            capacity:
              women: 7
          - {row}
        """)  # fmt: skip
    report = refused("import", path)
    assert problem in report
    assert "1 problem:" in report
    assert snapshot() == before and not AuditEvent.objects.exists()


def test_every_bad_row_is_reported_at_once(tmp_path, agency):
    report = refused("import", write(tmp_path, """\
        format: 1
        facilities:
          - {code: a, agency: Nowhere, name: A, address: A}
          - {code: b, agency: Crisis centre A, name: B, address: B, capacity: {dogs: 1}}
          - {code: c, agency: Crisis centre A, name: C, address: C, capacity: {men: -3}}
        """))  # fmt: skip
    assert "3 problems:" in report
    assert "facilities[0].agency" in report and "facilities[1].capacity.dogs" in report
    assert "facilities[2].capacity.men" in report
    assert not Facility.objects.exists()


def test_places_below_the_residents_staying_are_reported_and_nothing_changes(
    tmp_path, alice, make_case, shelter
):
    admit(alice, make_case(), shelter, "women_with_children", TODAY)
    admit(alice, make_case(), shelter, "women_with_children", TODAY)
    before = snapshot()
    report = refused("import", write(tmp_path, """\
        format: 1
        facilities:
          - code: ala-new
            agency: Crisis centre A
            name: New shelter
            address: Алматы, улица Новая, 1
            capacity: {men: 2}
          - code: shelter-a
            agency: Crisis centre A
            capacity:
              women_with_children: 1
        """))  # fmt: skip
    assert (
        "facilities[1].capacity.women_with_children: Women with children: 2 residents stay "
        "in these places now; there cannot be fewer places than that. (line 11)"
    ) in report
    assert snapshot() == before and not Facility.objects.filter(code="ala-new").exists()


def test_a_dry_run_finds_places_below_the_residents_too(tmp_path, alice, case, shelter):
    admit(alice, case, shelter, "women", TODAY)
    path = write(tmp_path, """\
        format: 1
        facilities:
          - {code: shelter-a, agency: Crisis centre A, capacity: {women: 0}}
        """)  # fmt: skip
    assert "Women: 1 resident stays" in refused("import", path, "--dry-run")


def test_a_file_cannot_move_a_facility_to_another_agency(tmp_path, shelter, other_agency):
    report = refused("import", write(tmp_path, f"""\
        format: 1
        facilities:
          - {{code: shelter-a, agency: {other_agency.pk}}}
        """))  # fmt: skip
    assert f"facilities[0].agency: facility shelter-a belongs to agency {shelter.agency_id}" in (
        report
    )
    shelter.refresh_from_db()
    assert shelter.agency_id != other_agency.pk


def test_an_agency_name_shared_by_two_agencies_asks_for_the_number(tmp_path, agency, region):
    twin = make_agency(region, name="Crisis centre A")
    report = refused("import", write(tmp_path, """\
        format: 1
        facilities:
          - {code: x, agency: Crisis centre A, name: X, address: A}
        """))  # fmt: skip
    assert f"2 agencies are named 'Crisis centre A' ({agency.pk}, {twin.pk}): give the number" in (
        report
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("format: 1\nfacilities: [\n", "not valid YAML"),
        ("format: 2\nfacilities: []\n", "format: this version reads format 1, not 2"),
        ("format: 1\nfacilities: {}\n", "facilities: must be a list of facilities"),
        ("- 1\n- 2\n", "the file must be a mapping"),
        ("format: 1\nshelters: []\nfacilities: []\n", "shelters: unknown section"),
        (
            "format: 1\nfacilities:\n  - code: x\n    code: y\n    agency: 1\n",
            "facilities[0].code: written twice (line 4)",
        ),
    ],
)
def test_a_malformed_file_is_refused(tmp_path, text, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert problem in refused("import", path)


def test_an_unreadable_file_is_refused(tmp_path):
    assert "cannot read" in refused("import", tmp_path / "missing.yaml")


def test_importing_from_the_application_needs_the_reference_data_capability(carol, erin):
    with pytest.raises(PermissionDenied):
        import_facilities(carol, "format: 1\nfacilities: []\n", source_name="f.yaml")
    tally = import_facilities(erin, "format: 1\nfacilities: []\n", source_name="f.yaml")
    assert tally.as_dict() == {"created": 0, "updated": 0, "unchanged": 0}
    assert AuditEvent.objects.get(action="facilities.import").actor == erin


def test_the_list_shows_facilities_places_and_occupancy_never_an_address(
    alice, case, shelter, other_shelter
):
    admit(alice, case, shelter, "women", TODAY)
    other_shelter.is_active = False
    other_shelter.save()
    out, _err = run("list")
    assert (
        f"shelter-a  Shelter A  agency {shelter.agency_id} (Crisis centre A)  KZ-75  "
        "receives residents"
    ) in out
    assert "  women: 1 places, 1 occupied, 0 free" in out
    assert "  women_with_children: 2 places, 0 occupied, 2 free" in out
    assert "shelter-b  Shelter B" in out and "closed" in out
    assert "2 facilities" in out
    assert SHELTER_ADDRESS not in out
