"""`qamqor migrate` on a database written before encryption: every value is encrypted in
place, indexes and name keys are computed, and search finds the persons as before."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qamqor.cases.models import Case, CaseNote, Incident
from qamqor.cases.search import search_cases
from qamqor.clock import now
from qamqor.registry.models import IdentityDocument, NameKey, Person
from qamqor.vault.models import KeyCheck

from .helpers import FIRST, stored

BEFORE_ENCRYPTION = [("registry", "0001_initial"), ("cases", "0002_case_list_index")]
IIN = "900101490009"  # synthetic, valid by the check-digit rule


def _migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrate_encrypts_what_the_foundation_wrote_in_plaintext(alice, agency):
    executor = _migrate(BEFORE_ENCRYPTION)
    old = executor.loader.project_state(BEFORE_ENCRYPTION).apps
    moment = now()
    person = old.get_model("registry", "Person").objects.create(
        surname="Сәрсенбаева", given_name="Әйгерім", iin=IIN, birth_year=1990,
        phone="+7 (727) 0123456", address="Қонаев көшесі, 12",
        created_at=moment, updated_at=moment,
    )  # fmt: skip
    old.get_model("registry", "NameKey").objects.bulk_create(
        [old.get_model("registry", "NameKey")(person_id=person.pk, key=key)
         for key in ("sarsenbaeva", "aigerim")]
    )  # fmt: skip
    old.get_model("registry", "IdentityDocument").objects.create(
        person_id=person.pk, kind="passport", number="N01234567"
    )
    case = old.get_model("cases", "Case").objects.create(
        code="ALA-2025-000001", person_id=person.pk, grounds="domestic_violence",
        status="Closed", opened_on=datetime.date(2025, 1, 10),
        closed_on=datetime.date(2025, 3, 1), closure_reason="Услуги оказаны",
        owner_agency_id=agency.pk, region_id=agency.region_id, created_by_id=alice.pk,
        created_at=moment, updated_at=moment,
    )  # fmt: skip
    old.get_model("cases", "Incident").objects.create(
        case_id=case.pk, occurred_on=datetime.date(2025, 1, 5), locality="Алматы",
        narrative="Описание событий", perpetrator_description="Бывший супруг",
        recorded_by_id=alice.pk, recorded_at=moment,
    )  # fmt: skip
    old.get_model("cases", "CaseNote").objects.create(
        case_id=case.pk, author_id=alice.pk, created_at=moment, text="Первая встреча"
    )

    _migrate()

    assert stored(Person, "surname", person.pk).startswith(f"v1:{FIRST.key_id}:")
    assert stored(Person, "iin", person.pk).startswith("v1:")
    assert stored(Person, "patronymic", person.pk) == ""
    migrated = Person.objects.get(pk=person.pk)
    assert (migrated.surname, migrated.given_name, migrated.iin) == (
        "Сәрсенбаева", "Әйгерім", IIN,
    )  # fmt: skip
    assert migrated.address == "Қонаев көшесі, 12"
    assert IdentityDocument.objects.get().number == "N01234567"
    assert Case.objects.get().closure_reason == "Услуги оказаны"
    assert Incident.objects.get().narrative == "Описание событий"
    assert CaseNote.objects.get().text == "Первая встреча"
    assert all(
        k.startswith(f"{FIRST.key_id}:") for k in NameKey.objects.values_list("key", flat=True)
    )
    for query in (IIN, "Sarsenbaeva Aigerim", "Сарсенбаева", "N 0123 4567"):
        assert list(search_cases(Case.objects.all(), query)) == [Case.objects.get()], query
    assert KeyCheck.objects.filter(key_id=FIRST.key_id, retired_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_back_decrypts_and_restores_plain_name_keys(make_case):
    case = make_case(surname="Қасымова", given_name="Жанар")
    executor = _migrate(BEFORE_ENCRYPTION)
    old = executor.loader.project_state(BEFORE_ENCRYPTION).apps
    person = old.get_model("registry", "Person").objects.get(pk=case.person_id)
    assert (person.surname, person.given_name) == ("Қасымова", "Жанар")
    keys = old.get_model("registry", "NameKey").objects.values_list("key", flat=True)
    assert sorted(keys) == ["kasimova", "zhanar"]
    _migrate()
    assert Person.objects.get(pk=case.person_id).surname == "Қасымова"
