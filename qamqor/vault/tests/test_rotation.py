"""rotate-keys: everything moves onto the first key, in batches, resumably, and the old
key can then be removed; search keeps finding everyone meanwhile."""

import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from qamqor.audit.models import AuditEvent
from qamqor.cases.actions import add_note
from qamqor.cases.models import Case, CaseNote
from qamqor.cases.search import search_cases
from qamqor.registry.actions import add_document
from qamqor.registry.models import IdentityDocument, NameKey, Person
from qamqor.vault.keycheck import key_problems
from qamqor.vault.keys import installed
from qamqor.vault.models import KeyCheck
from qamqor.vault.rotation import rotate

from .helpers import FIRST, SECOND, stored

# Synthetic IINs of women, valid by the check-digit rule, serials from 9000 up.
IINS = ["900101490009", "850202490006", "920303490000", "780605490001", "010715690003"]
LATER = "881111490011"
NAMES = [("Сәрсенбаева", "Әйгерім"), ("Иванова", "Ольга"), ("Қасымова", "Жанар"),
         ("Ким", "Алина"), ("Нұрланова", "Дана")]  # fmt: skip


def _birth(iin: str) -> dict[str, int]:
    century = 1900 if iin[6] in "34" else 2000
    return {"birth_year": century + int(iin[:2]), "birth_month": int(iin[2:4]),
            "birth_day": int(iin[4:6])}  # fmt: skip


@pytest.fixture
def cases(make_case: Callable[..., Case], alice) -> list[Case]:
    made = []
    for (surname, given), iin in zip(NAMES, IINS, strict=True):
        case = make_case(surname=surname, given_name=given, iin=iin, **_birth(iin))
        add_note(alice, case, f"Заметка о {given}")
        add_document(alice, case.person, IdentityDocument(kind="id_card", number=iin[3:]))
        made.append(case)
    return made


def _key_ids() -> set[str]:
    """Every key id found in the stored encrypted values and hashes."""
    ids = set()
    for pk in Person.objects.values_list("pk", flat=True):
        ids.add(stored(Person, "surname", pk).split(":")[1])
        ids.add(stored(Person, "iin_index", pk).split(":")[0])
    for pk in CaseNote.objects.values_list("pk", flat=True):
        ids.add(stored(CaseNote, "text", pk).split(":")[1])
    for pk in IdentityDocument.objects.values_list("pk", flat=True):
        ids.add(stored(IdentityDocument, "number", pk).split(":")[1])
        ids.add(stored(IdentityDocument, "number_index", pk).split(":")[0])
    ids.update(key.split(":")[0] for key in NameKey.objects.values_list("key", flat=True))
    return ids


def _found(query: str) -> set[str]:
    return set(search_cases(Case.objects.all(), query).values_list("code", flat=True))


def test_rotation_moves_everything_and_the_old_key_can_go(cases: list[Case]):
    assert _key_ids() == {FIRST.key_id}
    with installed(_ring(SECOND, FIRST)):
        summary = rotate(batch_size=2)
    assert _key_ids() == {SECOND.key_id}
    assert summary.rewritten["registry.person"] == 5
    assert summary.rewritten["cases.casenote"] == 5
    assert summary.rewritten["registry.namekey.key"] == 5
    assert summary.retired == [FIRST.key_id]
    with installed(_ring(SECOND)):
        assert key_problems() == []
        person = Person.objects.get(pk=cases[0].person_id)
        assert (person.surname, person.iin) == (NAMES[0][0], IINS[0])
        assert CaseNote.objects.get(case=cases[0]).text == "Заметка о Әйгерім"
        assert _found(IINS[1]) == {cases[1].code}
        assert _found("Sarsenbaeva Aigerim") == {cases[0].code}
        assert _found(IINS[2][3:]) == {cases[2].code}  # the document number


def test_rotation_is_audited_at_start_and_finish(cases: list[Case]):
    with installed(_ring(SECOND, FIRST)):
        rotate()
    events = AuditEvent.objects.filter(action="keys.rotate").order_by("id")
    assert [e.details["stage"] for e in events] == ["started", "finished"]
    finished = events.last()
    assert finished is not None and finished.actor is None
    assert finished.details["key_id"] == SECOND.key_id
    assert finished.details["retired"] == [FIRST.key_id]
    assert "Иванова" not in str(finished.details)


class _Interrupted(Exception):
    pass


def test_an_interrupted_rotation_resumes_where_it_stopped(cases: list[Case]):
    def stop_after_first_batch(line: str) -> None:
        raise _Interrupted(line)

    with installed(_ring(SECOND, FIRST)):
        with pytest.raises(_Interrupted, match="registry.person: 2 of 5"):
            rotate(batch_size=2, report=stop_after_first_batch)
        # The first batch is done and kept; the rest waits under the old key.
        assert _key_ids() == {FIRST.key_id, SECOND.key_id}
        assert KeyCheck.objects.get(key_id=FIRST.key_id).retired_at is None
        # Search finds people on either side of the line meanwhile.
        assert _found(IINS[0]) == {cases[0].code}
        assert _found("Ким Алина") == {cases[3].code}
        summary = rotate(batch_size=2)
    assert summary.rewritten["registry.person"] == 3  # only what was left
    assert summary.retired == [FIRST.key_id]
    assert _key_ids() == {SECOND.key_id}


def test_search_finds_people_indexed_under_either_key_while_a_key_is_rolled_out(
    make_case: Callable[..., Case], cases: list[Case]
):
    with installed(_ring(SECOND, FIRST)):
        newer = make_case(surname="Жұмабаева", given_name="Гүлнар", iin=LATER, **_birth(LATER))
        assert stored(Person, "iin_index", newer.person_id).startswith(SECOND.key_id)
        assert _found(LATER) == {newer.code}
        assert _found(IINS[4]) == {cases[4].code}
        assert _found("Zhumabaeva") == {newer.code}
        assert _found("Нурланова") == {cases[4].code}
        assert _found("ova") == set()


def test_running_again_changes_nothing(cases: list[Case]):
    with installed(_ring(SECOND, FIRST)):
        rotate()
        persons = list(Person.objects.values_list("pk", flat=True))
        before = [stored(Person, "surname", pk) for pk in persons]
        summary = rotate()
    assert summary.rewritten == {}
    assert before == [stored(Person, "surname", pk) for pk in persons]


def test_without_the_old_key_the_data_is_refused_until_it_is_configured(cases: list[Case]):
    with installed(_ring(SECOND)):
        problems = key_problems()
        assert len(problems) == 1 and FIRST.key_id in problems[0]
        with pytest.raises(CommandError, match=f"key {FIRST.key_id}, which is not in the keyring"):
            call_command("rotate_keys", stdout=io.StringIO())


def test_the_command_prints_progress_and_what_can_be_removed(cases: list[Case]):
    out = io.StringIO()
    with installed(_ring(SECOND, FIRST)):
        call_command("rotate_keys", "--batch-size", "3", stdout=out)
    text = out.getvalue()
    assert f"rotating onto key {SECOND.key_id}" in text
    assert "registry.person: 3 of 5" in text and "registry.person: 5 of 5" in text
    assert f"retired key(s) {FIRST.key_id}" in text
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_keys", "--batch-size", "0", stdout=io.StringIO())


def _ring(*keys):  # type: ignore[no-untyped-def]
    from .helpers import ring

    return ring(*keys)
