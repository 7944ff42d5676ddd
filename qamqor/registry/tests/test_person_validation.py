"""Person.clean through create_person and update_person: what is refused, what is kept."""

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.registry.actions import create_person, update_person
from qamqor.registry.models import NameKey, Person
from qamqor.registry.search_index import persons_named

TODAY = datetime.date(2025, 6, 15)
MALE_1990_01_01 = "900101300007"  # 9·1 + 1·4 + 1·6 + 3·7 = 40 ≡ 7 (mod 11)
FEMALE_1985_07_15 = "850715401236"  # weighted sum 171 ≡ 6 (mod 11)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    """Pin the one clock to noon of TODAY in Almaty (UTC+5), so "the future" is fixed."""
    noon = datetime.datetime(2025, 6, 15, 7, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("qamqor.clock.now", lambda: noon)
    return TODAY


def build(**fields: Any) -> Person:
    values: dict[str, Any] = {"surname": "Сәрсенбаева", "given_name": "Әйгерім"}
    values.update(fields)
    return Person(**values)


def refusal(actor, **fields: Any) -> dict[str, list[str]]:
    """The field errors (in English) for which create_person refuses this person."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            create_person(actor, build(**fields))
        # Messages are lazy: render them while English is still active.
        return {field: [str(m) for m in ms] for field, ms in raised.value.message_dict.items()}


def accepted(actor, **fields: Any) -> Person:
    person = create_person(actor, build(**fields))
    return Person.objects.get(pk=person.pk)


# Names -----------------------------------------------------------------------------------


def test_a_person_without_surname_and_given_name_is_refused(alice):
    errors = refusal(alice, surname="", given_name="")
    assert list(errors) == ["surname"]
    assert "surname or a given name" in errors["surname"][0]


def test_names_of_blanks_only_count_as_empty(alice):
    assert "surname" in refusal(alice, surname="   ", given_name="\t")


def test_a_surname_alone_or_a_given_name_alone_is_enough(alice):
    assert accepted(alice, given_name="").surname == "Сәрсенбаева"
    assert accepted(alice, surname="").given_name == "Әйгерім"


def test_kazakh_letters_round_trip_exactly_through_the_database(alice):
    letters = "Әәғқңөұүһі"
    person = create_person(
        alice, build(surname=letters, given_name=letters.upper(), patronymic="Нұрланқызы")
    )
    stored = Person.objects.get(pk=person.pk)
    assert stored.surname == letters
    assert stored.given_name == "ӘӘҒҚҢӨҰҮҺІ"
    assert stored.patronymic == "Нұрланқызы"


def test_a_created_person_is_audited_and_indexed(alice):
    person = create_person(alice, build(), case_code="ALA-2025-000001")
    event = AuditEvent.objects.get(action="person.create")
    assert (event.object_id, event.case_code, event.actor) == (
        str(person.pk), "ALA-2025-000001", alice
    )  # fmt: skip
    assert list(persons_named("Sarsenbaeva Aigerim")) == [person]


def test_a_refused_person_leaves_no_trace(alice):
    refusal(alice, surname="", given_name="")
    assert not Person.objects.exists()
    assert not NameKey.objects.exists()
    assert not AuditEvent.objects.exists()


def test_every_name_key_fits_the_key_column(alice):
    """A surname the model accepts (up to 150 letters) must be indexable on PostgreSQL,
    whose varchar(64) rejects longer keys with a DataError (a 500)."""
    surname = "Щ" * 20  # 20 letters; each folds to "shch", an 80-letter key
    person = create_person(alice, build(surname=surname))
    width = NameKey._meta.get_field("key").max_length
    assert all(len(key) <= width for key in person.name_keys.values_list("key", flat=True))


# IIN -------------------------------------------------------------------------------------


def test_a_valid_iin_agreeing_with_date_and_sex_is_accepted(alice):
    person = accepted(
        alice, iin=MALE_1990_01_01, birth_year=1990, birth_month=1, birth_day=1, sex="male"
    )
    assert person.iin == MALE_1990_01_01
    person = accepted(
        alice, iin=FEMALE_1985_07_15, birth_year=1985, birth_month=7, birth_day=15, sex="female"
    )
    assert person.iin == FEMALE_1985_07_15


def test_an_iin_without_a_birth_date_or_sex_entered_is_accepted(alice):
    assert accepted(alice, iin=MALE_1990_01_01).iin == MALE_1990_01_01


@pytest.mark.parametrize(
    ("iin", "reason"),
    [
        ("90010130000", "exactly 12 digits"),
        ("90010130000١", "digits only"),
        ("90010130000A", "digits only"),
        ("900101300008", "check-digit"),
        ("000229400011", "no date"),  # 29 February 1900
    ],
)
def test_an_invalid_iin_is_refused_on_the_iin_field(alice, iin: str, reason: str):
    errors = refusal(alice, iin=iin)
    assert list(errors) == ["iin"]
    assert any(reason in message for message in errors["iin"])


def test_a_seventh_digit_above_6_is_refused(alice):
    # 9·1 + 1·4 + 1·6 + 7·7 = 68 ≡ 2 (mod 11): the check digit is right, the marker is not.
    errors = refusal(alice, iin="900101700002")
    assert list(errors) == ["iin"]
    assert "7th digit" in errors["iin"][0]


def test_an_iin_whose_date_disagrees_with_the_birth_date_is_refused(alice):
    errors = refusal(alice, iin=MALE_1990_01_01, birth_year=1990, birth_month=1, birth_day=2)
    assert list(errors) == ["iin"]
    assert "01.01.1990" in errors["iin"][0]


def test_an_iin_whose_year_disagrees_with_a_birth_year_alone_is_refused(alice):
    errors = refusal(alice, iin=MALE_1990_01_01, birth_year=1991)
    assert list(errors) == ["iin"]
    assert "1990" in errors["iin"][0]


def test_an_iin_whose_month_disagrees_with_a_birth_year_and_month_is_refused(alice):
    errors = refusal(alice, iin=MALE_1990_01_01, birth_year=1990, birth_month=2)
    assert list(errors) == ["iin"]


def test_an_iin_agreeing_with_a_partial_birth_date_is_accepted(alice):
    assert accepted(alice, iin=MALE_1990_01_01, birth_year=1990).birth_year == 1990
    assert accepted(alice, iin=MALE_1990_01_01, birth_year=1990, birth_month=1).birth_month == 1


def test_an_iin_whose_sex_disagrees_is_refused(alice):
    errors = refusal(alice, iin=MALE_1990_01_01, sex="female")
    assert list(errors) == ["iin"]
    assert "male" in errors["iin"][0]
    assert list(refusal(alice, iin=FEMALE_1985_07_15, sex="male")) == ["iin"]


def test_an_unknown_sex_never_disagrees_with_the_iin(alice):
    assert accepted(alice, iin=MALE_1990_01_01, sex="unknown").sex == "unknown"


def test_an_iin_with_digit_7_zero_agrees_with_any_birth_date_and_sex(alice):
    # 9·(1+2+3+4+5+6) = 189 ≡ 2 and the serial 0000 adds nothing: check digit 2.
    iin = "999999000002"
    person = accepted(alice, iin=iin, birth_year=1990, birth_month=3, birth_day=4, sex="female")
    assert person.iin == iin


def test_blanks_around_an_iin_are_stripped_not_refused(alice):
    assert accepted(alice, iin=f" {MALE_1990_01_01}").iin == MALE_1990_01_01
    assert accepted(alice, iin=f"{MALE_1990_01_01}\n").iin == MALE_1990_01_01


def test_an_iin_of_blanks_only_counts_as_no_iin(alice):
    assert accepted(alice, iin="  ").iin == ""


# Date of birth, age, citizenship ---------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "field"),
    [
        ((2025, 6, 16), "birth_day"),  # tomorrow
        ((2025, 7, None), "birth_month"),  # next month
        ((2026, None, None), "birth_year"),  # next year
        ((2026, 1, 1), "birth_year"),
    ],
)
def test_a_birth_date_in_the_future_is_refused(alice, birth, field: str):
    year, month, day = birth
    errors = refusal(alice, birth_year=year, birth_month=month, birth_day=day)
    assert list(errors) == [field]
    assert "future" in errors[field][0]


@pytest.mark.parametrize("birth", [(2025, 6, 15), (2025, 6, None), (2025, None, None)])
def test_born_today_or_this_month_or_this_year_is_accepted(alice, birth):
    year, month, day = birth
    person = accepted(alice, birth_year=year, birth_month=month, birth_day=day)
    assert (person.birth_year, person.birth_month, person.birth_day) == birth


@pytest.mark.parametrize("birth", [(1987, None, None), (1987, 11, None), (1987, 11, 30)])
def test_partial_birth_dates_are_accepted(alice, birth):
    year, month, day = birth
    person = accepted(alice, birth_year=year, birth_month=month, birth_day=day)
    assert (person.birth_year, person.birth_month, person.birth_day) == birth


def test_a_day_without_a_month_is_refused(alice):
    errors = refusal(alice, birth_year=1987, birth_day=5)
    assert list(errors) == ["birth_month"]


def test_a_month_without_a_year_is_refused(alice):
    assert list(refusal(alice, birth_month=5)) == ["birth_year"]


def test_month_13_is_refused(alice):
    errors = refusal(alice, birth_year=1987, birth_month=13)
    assert list(errors) == ["birth_month"]
    assert "1 to 12" in errors["birth_month"][0]


@pytest.mark.parametrize(("year", "month", "day"), [(1987, 2, 30), (2023, 2, 29), (1987, 4, 31),
                                                   (1987, 1, 32)])  # fmt: skip
def test_a_day_that_does_not_exist_in_its_month_is_refused(alice, year, month, day):
    errors = refusal(alice, birth_year=year, birth_month=month, birth_day=day)
    assert list(errors) == ["birth_day"]


def test_29_february_of_a_leap_year_is_accepted(alice):
    assert accepted(alice, birth_year=2024, birth_month=2, birth_day=29).birth_day == 29


def test_a_year_before_1900_is_refused(alice):
    assert list(refusal(alice, birth_year=1899)) == ["birth_year"]


def test_an_estimated_age_together_with_a_birth_year_is_refused(alice):
    errors = refusal(alice, birth_year=1990, age_estimate=35, age_estimated_on=TODAY)
    assert list(errors) == ["age_estimate"]


def test_an_estimated_age_alone_is_accepted(alice):
    person = accepted(alice, age_estimate=35, age_estimated_on=TODAY)
    assert person.age_on(TODAY) == 35


def test_an_estimated_age_above_120_is_refused(alice):
    assert list(refusal(alice, age_estimate=121, age_estimated_on=TODAY)) == ["age_estimate"]


def test_stateless_together_with_a_citizenship_is_refused(alice):
    errors = refusal(alice, stateless=True, citizenship=["UZ"])
    assert list(errors) == ["stateless"]


def test_stateless_alone_or_a_citizenship_alone_is_accepted(alice):
    assert accepted(alice, stateless=True).stateless is True
    citizenship = accepted(alice, citizenship=["UZ", "KZ"]).citizenship
    assert sorted(country.code for country in citizenship) == ["KZ", "UZ"]


def test_all_errors_are_reported_together(alice):
    errors = refusal(
        alice, surname="", given_name="", birth_year=1990, birth_month=13, iin="123",
        stateless=True, citizenship=["KG"],
    )  # fmt: skip
    assert set(errors) == {"surname", "birth_month", "iin", "stateless"}


# update_person ---------------------------------------------------------------------------


def test_an_update_is_audited_with_the_changed_field_names_and_not_their_values(alice):
    person = create_person(alice, build(phone="+7 701 000 0000"))
    changed = update_person(
        alice,
        person,
        {"surname": "Жұмабаева", "phone": "+7 777 111 2233", "given_name": "Әйгерім"},
        case_code="ALA-2025-000007",
    )
    assert sorted(changed) == ["phone", "surname"]
    event = AuditEvent.objects.get(action="person.update")
    assert event.details == {"fields": ["phone", "surname"]}
    assert (event.object_id, event.case_code, event.actor) == (
        str(person.pk), "ALA-2025-000007", alice
    )  # fmt: skip
    written = json.dumps(
        [event.details, event.path, event.object_type, event.case_code], ensure_ascii=False
    )
    for value in ("Жұмабаева", "Сәрсенбаева", "777", "701", "Әйгерім"):
        assert value not in written
    stored = Person.objects.get(pk=person.pk)
    assert (stored.surname, stored.phone) == ("Жұмабаева", "+7 777 111 2233")
    assert (person.surname, person.phone) == ("Жұмабаева", "+7 777 111 2233")


def test_an_update_changing_nothing_writes_no_event(alice):
    person = create_person(alice, build())
    assert update_person(alice, person, {"surname": "Сәрсенбаева"}) == []
    assert not AuditEvent.objects.filter(action="person.update").exists()


def test_an_update_with_an_invalid_iin_changes_nothing(alice):
    person = create_person(alice, build(iin=MALE_1990_01_01, sex="male"))
    before = Person.objects.filter(pk=person.pk).values().get()
    keys_before = set(NameKey.objects.filter(person=person).values_list("key", flat=True))

    with pytest.raises(ValidationError) as raised:
        update_person(alice, person, {"surname": "Жұмабаева", "iin": "900101300008"})

    assert "iin" in raised.value.message_dict
    assert Person.objects.filter(pk=person.pk).values().get() == before
    assert set(NameKey.objects.filter(person=person).values_list("key", flat=True)) == keys_before
    assert not AuditEvent.objects.filter(action="person.update").exists()
    assert (person.surname, person.iin) == ("Сәрсенбаева", MALE_1990_01_01)


def test_an_update_of_an_unknown_field_is_a_programming_error(alice):
    person = create_person(alice, build())
    with pytest.raises(ValueError, match="created_at"):
        update_person(alice, person, {"created_at": None})


def test_a_rename_rebuilds_the_name_index(alice):
    person = create_person(alice, build(surname="Қасымова", given_name="Жанар"))
    assert list(persons_named("Kasymova")) == [person]

    update_person(alice, person, {"surname": "Нұрланова"})

    assert list(persons_named("Nurlanova Zhanar")) == [person]
    assert list(persons_named("Нұрланова")) == [person]
    assert list(persons_named("Kasymova")) == []
    assert list(persons_named("Қасымова Жанар")) == []
