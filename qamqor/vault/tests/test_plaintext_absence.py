"""The proof: with the demo data loaded, the database holds no demo person's surname,
given name or IIN in plaintext, neither in the SQLite file nor in a pg_dump.

The whole database is read as its holder would: SQLite written out with VACUUM INTO
(the test database lives in memory), PostgreSQL through pg_dump. Some names occur in
the clear elsewhere, legitimately: a staff member or a street may be called like a
person. So the database is read a second time with the persons, cases and their texts
deleted, and only what the first reading holds beyond the second counts as a leak.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from qamqor.accounts.models import User
from qamqor.assessments.models import Assessment, EligibilityDecision, TraffickingDecision
from qamqor.cases.models import Case, CaseAssignment, CaseNote, Incident
from qamqor.demo import generator
from qamqor.facilities.models import Placement
from qamqor.plans.models import Delivery, PlannedService, ServicePlan
from qamqor.protection.models import ProtectionMeasure
from qamqor.referrals.models import Consent, Referral
from qamqor.registry.models import IdentityDocument, NameKey, Person

# A value is checked when its UTF-8 is at least this long: shorter Latin strings turn up
# by chance inside the base64 of ciphertexts (every Cyrillic letter is two bytes).
MIN_BYTES = 6


def _sqlite_bytes(path: Path) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    return path.read_bytes()


def _pg_dump_bytes() -> bytes:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is not installed: the PostgreSQL half of the proof cannot run")
    settings = connection.settings_dict
    command = [pg_dump, "--no-owner", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    environment = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    done = subprocess.run(command, capture_output=True, env=environment, check=True)  # noqa: S603
    return done.stdout


def _database_bytes(path: Path) -> bytes:
    if connection.vendor == "sqlite":
        return _sqlite_bytes(path)
    if connection.vendor == "postgresql":
        return _pg_dump_bytes()
    pytest.fail(f"no way to read a {connection.vendor} database as a whole")


def _delete_persons_and_cases() -> None:
    # Plans hold their eligibility decision, and revisions what they revised (restricted,
    # protected): those that point go first.
    for model in (Referral, Consent, Delivery, PlannedService, ServicePlan):
        model.objects.all().delete()
    EligibilityDecision.objects.exclude(supersedes__isnull=True).delete()
    TraffickingDecision.objects.exclude(supersedes__isnull=True).delete()
    Placement.objects.exclude(transferred_from__isnull=True).delete()
    for model in (
        EligibilityDecision, TraffickingDecision, Placement, Assessment, ProtectionMeasure,
        CaseNote, Incident, CaseAssignment, Case, IdentityDocument, NameKey, Person,
    ):  # fmt: skip
        model.objects.all().delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_persons_names_and_iins_are_not_in_the_database(tmp_path: Path):
    generator.load(30)
    values = set()
    for person in Person.objects.all():
        values.update(v for v in (person.surname, person.given_name, person.iin) if v)
    assert len(values) > 40
    iins = {v for v in values if v.isdigit()}
    assert len(iins) >= 10

    everything = _database_bytes(tmp_path / "loaded.sqlite3")
    staff = User.objects.exclude(last_name="").values_list("last_name", flat=True).first()
    assert staff and staff.encode() in everything  # the reading does see plaintext

    _delete_persons_and_cases()
    background = _database_bytes(tmp_path / "background.sqlite3")

    checked = {v for v in values if len(v.encode()) >= MIN_BYTES and v.encode() not in background}
    assert iins <= checked
    assert len(checked) >= len(values) // 2, "too few values left to check"
    leaked = sorted(v for v in checked if v.encode() in everything)
    assert leaked == []
