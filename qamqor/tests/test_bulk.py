"""qamqor.bulk: the fast inserts of the demo loader and the periodic task store what
save() would store (encrypted values, blind indexes, foreign keys), and refuse what
they cannot insert whole."""

import datetime

import pytest
from django.utils import timezone

from qamqor.accounts.models import Agency, User
from qamqor.bulk import insert_objects
from qamqor.cases.models import Case, CaseNote, Grounds
from qamqor.registry.models import Person
from qamqor.vault.tests.helpers import stored

IIN = "900101400017"

pytestmark = pytest.mark.django_db


def _person(surname: str = "Сәрсенбаева", **fields: object) -> Person:
    at = timezone.now()
    return Person(
        surname=surname, given_name="Әйгерім", sex="female", created_at=at, updated_at=at, **fields
    )


def test_objects_get_their_ids_and_values_stored_as_save_stores_them() -> None:
    people = [_person("Сәрсенбаева", iin=IIN), _person("Қожахметова")]

    insert_objects(people)

    assert all(person.pk for person in people)
    assert not people[0]._state.adding
    first = Person.objects.get(pk=people[0].pk)
    assert (first.surname, first.iin) == ("Сәрсенбаева", IIN)
    assert "Сәрсенбаева" not in stored(Person, "surname", first.pk)
    # The blind index was computed from the IIN, so the person is found by it.
    assert Person.objects.filter(iin_index=first.iin_index).get() == first
    assert first.iin_index
    assert Person.objects.get(pk=people[1].pk).surname == "Қожахметова"


def test_a_foreign_key_takes_the_id_of_an_object_saved_after_it_was_assigned(
    alice: User, agency: Agency
) -> None:
    person = _person()
    at = timezone.now()
    case = Case(
        code="AST-2026-000001",
        person=person,
        grounds=Grounds.DOMESTIC_VIOLENCE,
        opened_on=datetime.date(2026, 1, 5),
        owner_agency=agency,
        region=agency.region,
        created_by=alice,
        created_at=at,
        updated_at=at,
    )

    insert_objects([person])
    insert_objects([case])

    assert Case.objects.get(pk=case.pk).person_id == person.pk


def test_rows_without_ids_are_copied(case: Case, alice: User) -> None:
    at = timezone.now()
    notes = [
        CaseNote(case=case, author=alice, created_at=at, text=f"Заметка {n}") for n in range(3)
    ]

    insert_objects(notes, ids=False)

    assert sorted(case.notes.values_list("text", flat=True)) == [
        "Заметка 0",
        "Заметка 1",
        "Заметка 2",
    ]


def test_an_object_with_an_id_or_an_unsaved_relation_is_refused_and_nothing_inserted(
    case: Case, alice: User
) -> None:
    with pytest.raises(ValueError, match="new Person objects only"):
        insert_objects([_person(), case.person])
    unsaved = Case(person=_person(), owner_agency=case.owner_agency, created_by=alice)
    with pytest.raises(ValueError, match="unsaved object"):
        insert_objects([unsaved])
    assert Person.objects.count() == 1
    assert Case.objects.count() == 1
