"""Encrypted model fields: plaintext above the database, ciphertext in it."""

import datetime

import pytest
from django.core.exceptions import FieldError, ValidationError

from qamqor.cases.actions import add_note
from qamqor.cases.models import CaseNote, ClosureRequest, Incident
from qamqor.cases.search import search_cases
from qamqor.conftest import close_case
from qamqor.registry.forms import DocumentForm, PersonForm
from qamqor.registry.models import IdentityDocument, NameKey, Person
from qamqor.vault.crypto import VaultError, blind_index, encrypt
from qamqor.vault.fields import index_candidates

from .helpers import FIRST, SECOND, store, stored

IIN = "900101400003"  # synthetic: born 1 January 1990, female, a valid check digit
KAZAKH = {"surname": "Сәрсенбаева", "given_name": "Әйгерім", "patronymic": "Ғалымқызы"}


@pytest.fixture
def person(make_case) -> Person:
    case = make_case(
        **KAZAKH,
        iin=IIN,
        birth_year=1990,
        birth_month=1,
        birth_day=1,
        phone="+7 (727) 0123456",
        email="aigerim@example.invalid",
        address="Қонаев көшесі, 12",
        locality="Алматы",
        other_names="Сарсенбаева\nSarsenbayeva",
    )
    return case.person


def test_values_read_back_as_written_and_are_stored_encrypted(person: Person):
    fresh = Person.objects.get(pk=person.pk)
    for field, value in {**KAZAKH, "iin": IIN, "address": "Қонаев көшесі, 12"}.items():
        assert getattr(fresh, field) == value
        raw = stored(Person, field, person.pk)
        assert raw.startswith(f"v1:{FIRST.key_id}:") and value not in raw
    assert (
        Person.objects.filter(pk=person.pk).values_list("surname", flat=True).get()
        == (KAZAKH["surname"])
    )


def test_an_empty_value_is_stored_empty(person: Person):
    assert stored(Person, "latin_surname", person.pk) == ""
    assert Person.objects.filter(latin_surname="").count() == 1
    assert Person.objects.exclude(iin="").get() == person


def test_blind_index_is_computed_on_save_and_found_by_candidates(person: Person):
    assert person.iin_index == blind_index("registry.person.iin", IIN)
    assert stored(Person, "iin_index", person.pk) == person.iin_index
    found = Person.objects.filter(iin_index__in=index_candidates(Person, "iin", IIN))
    assert list(found) == [person]


def test_bulk_create_encrypts_and_indexes_too():
    [person] = Person.objects.bulk_create(
        [Person(surname="Ким", iin=IIN, created_at=_now(), updated_at=_now())]
    )
    assert stored(Person, "surname", person.pk).startswith("v1:")
    assert stored(Person, "iin_index", person.pk) == blind_index("registry.person.iin", IIN)


def test_update_and_bulk_update_encrypt(person: Person):
    Person.objects.filter(pk=person.pk).update(phone="+7 (701) 0000000")
    assert stored(Person, "phone", person.pk).startswith("v1:")
    person.locality = "Қонаев"
    Person.objects.bulk_update([person], ["locality"])
    assert stored(Person, "locality", person.pk).startswith("v1:")
    assert Person.objects.get(pk=person.pk).locality == "Қонаев"


def test_comparing_an_encrypted_field_with_a_value_is_refused(person: Person):
    with pytest.raises(FieldError, match="registry.person.surname is encrypted"):
        list(Person.objects.filter(surname="Сәрсенбаева"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(surname__icontains="Сәр"))
    with pytest.raises(FieldError):
        list(Person.objects.filter(iin__startswith="9001"))


def test_plaintext_max_length_is_what_is_validated(person: Person):
    person.iin = "9" * 13
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert "iin" in caught.value.message_dict
    person.iin = IIN
    person.surname = "Щ" * 150  # its ciphertext is far longer than 150 characters
    person.full_clean()
    person.save()
    assert Person.objects.get(pk=person.pk).surname == "Щ" * 150


def test_forms_keep_their_field_kinds():
    form = PersonForm()
    assert form.fields["surname"].max_length == 150
    assert form.fields["other_names"].widget.__class__.__name__ == "Textarea"
    bad = PersonForm(data={"surname": "Ким", "email": "not an address", "sex": "female",
                           "gender": "Feminine", "disability": "unknown",
                           "accompanying_children": 0})  # fmt: skip
    assert not bad.is_valid() and "email" in bad.errors
    assert DocumentForm().fields["number"].max_length == 40
    assert "number_index" not in DocumentForm().fields


def test_a_row_altered_in_the_database_fails_loudly(person: Person):
    store(Person, "surname", person.pk, stored(Person, "given_name", person.pk))
    with pytest.raises(VaultError, match="registry.person.surname"):
        Person.objects.get(pk=person.pk)
    store(Person, "surname", person.pk, "Plain text")
    with pytest.raises(VaultError, match="not a Qamqor ciphertext"):
        Person.objects.get(pk=person.pk)


def test_case_texts_are_encrypted(make_case, alice, carol):
    case = make_case()
    note = add_note(alice, case, "Встреча в кризисном центре, Қонаев көшесі")
    incident = Incident.objects.create(
        case=case, occurred_on=datetime.date(2025, 1, 1), locality="Талдықорған",
        narrative="Описание", perpetrator_description="Бывший супруг",
        recorded_by=alice, recorded_at=_now(),
    )  # fmt: skip
    close_case(case, alice, carol, reason="Услуги оказаны")
    for model, field, pk in [
        (CaseNote, "text", note.pk),
        (Incident, "locality", incident.pk),
        (Incident, "narrative", incident.pk),
        (Incident, "perpetrator_description", incident.pk),
        (type(case), "closure_reason", case.pk),
        (ClosureRequest, "reason", case.closure_requests.get().pk),
    ]:
        assert stored(model, field, pk).startswith("v1:"), (model, field)
    assert CaseNote.objects.get(pk=note.pk).text.endswith("Қонаев көшесі")


def test_documents_are_found_by_number_in_any_spacing(make_case, alice):
    from qamqor.registry.actions import add_document

    case = make_case()
    add_document(alice, case.person, IdentityDocument(kind="passport", number="N01234567"))
    other = make_case(surname="Ким")
    assert stored(IdentityDocument, "number", case.person.documents.get().pk).startswith("v1:")
    found = search_cases(type(case).objects.all(), "n 0123 4567")
    assert list(found) == [case] and other not in found


def test_name_keys_are_stored_as_keyed_hashes(person: Person):
    keys = list(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert keys and all(key.startswith(f"{FIRST.key_id}:") for key in keys)
    assert not any("sarsenbaeva" in key for key in keys)


def test_not_under_key_selects_values_written_under_another_key(person: Person):
    store(Person, "phone", person.pk, encrypt("registry.person.phone", "+7", SECOND))
    stale = Person.objects.filter(phone__not_under_key=FIRST.key_id)
    assert list(stale.values_list("pk", flat=True)) == [person.pk]
    assert not Person.objects.filter(surname__not_under_key=FIRST.key_id).exists()
    assert not Person.objects.filter(latin_surname__not_under_key=FIRST.key_id).exists()
    assert Person.objects.filter(phone__not_under_key=SECOND.key_id).count() == 0


def _now() -> datetime.datetime:
    from qamqor.clock import now

    return now()
