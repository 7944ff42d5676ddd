"""Case pages through the test client: search, intake, case file, bad input."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.cases.models import Case, CaseNote, Incident
from qamqor.conftest import signed_in
from qamqor.registry.models import Person

KAZAKH_LETTERS = "Әәғқңөұүһі"


def client_for(user) -> Client:
    return signed_in(user)


def intake_data(agency, **overrides) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "case-grounds": "domestic_violence",
        "case-agency": str(agency.pk),
        "person-surname": "Төлегенова",
        "person-given_name": "Гүлнұр",
        "person-sex": "female",
        "person-gender": "NonSpecifiedUnknown",
        "person-disability": "unknown",
        "person-accompanying_children": "0",
        "incident-relationship": "unknown",
    }
    data.update(overrides)
    return data


def case_codes(response) -> list[str]:
    """Codes of the cases linked from a page, in order."""
    return re.findall(r'href="/cases/([A-Z]{3}-\d{4}-\d{6})/"', response.content.decode())


class TestSearch:
    def test_by_code_iin_and_name_in_any_script(self, alice, make_case):
        wanted = make_case(
            surname="Нұрсұлтанова",
            given_name="Әйгерім",
            latin_surname="Nursultanova",
            iin="",
        )
        other = make_case(surname="Иванова", given_name="Мария")
        client = client_for(alice)
        for query in (wanted.code, wanted.code.lower(), "нурсултанова", "NURSULTANOVA",
                      "Nursultanova Aigerim", "айгерим нұрсұлтанова"):  # fmt: skip
            codes = case_codes(client.post(reverse("cases:list"), {"q": query}))
            assert wanted.code in codes, query
            assert other.code not in codes, query

    def test_by_iin(self, alice, make_case):
        with_iin = make_case(iin="900101400003", birth_year=1990, birth_month=1, birth_day=1)
        other = make_case()
        codes = case_codes(client_for(alice).post(reverse("cases:list"), {"q": "9001 0140 0003"}))
        assert with_iin.code in codes and other.code not in codes

    def test_search_terms_never_travel_in_the_url(self, alice):
        page = client_for(alice).get(reverse("cases:list")).content.decode()
        assert re.search(r'<form method="post" action="/cases/"', page)

    def test_filters_and_sort(self, alice, bob, make_case):
        trafficking = make_case(grounds="trafficking")
        by_bob = make_case(actor=bob)
        client = client_for(alice)
        codes = case_codes(client.post(reverse("cases:list"), {"grounds": "trafficking"}))
        assert codes == [trafficking.code]
        mine = case_codes(client.post(reverse("cases:list"), {"mine": "on"}))
        assert trafficking.code in mine and by_bob.code not in mine
        oldest_first = case_codes(client.post(reverse("cases:list"), {"sort": "code"}))
        assert oldest_first == sorted(oldest_first)

    def test_other_agencies_cases_are_never_listed(self, charlie, make_case):
        case = make_case(surname="Сапарова")
        response = client_for(charlie).post(reverse("cases:list"), {"q": "Сапарова"})
        assert case.code not in response.content.decode()

    def test_pagination(self, alice, make_case, settings):
        settings.PAGE_SIZE = 2
        codes = {make_case().code for _ in range(3)}
        client = client_for(alice)
        first = set(case_codes(client.post(reverse("cases:list"), {})))
        second = set(case_codes(client.post(reverse("cases:list"), {"page": "2"})))
        assert len(first) == 2 and len(second) == 1 and first | second == codes

    def test_list_queries_do_not_grow_with_cases(self, alice, make_case):
        client = client_for(alice)
        make_case()
        with CaptureQueriesContext(connection) as few:
            client.post(reverse("cases:list"), {"q": "Сәрсенбаева"})
        for _ in range(6):
            make_case()
        with CaptureQueriesContext(connection) as many:
            client.post(reverse("cases:list"), {"q": "Сәрсенбаева"})
        assert len(many) == len(few)

    def test_case_file_queries_do_not_grow_with_notes(self, alice, case):
        from qamqor.cases.actions import add_incident, add_note

        client = client_for(alice)
        url = reverse("cases:detail", args=[case.code])
        add_note(alice, case, "первая")
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        for i in range(5):
            note = add_note(alice, case, f"заметка {i}")
            add_note(alice, case, "исправление", corrects=note)
            add_incident(alice, case, Incident(occurred_on=case.opened_on))
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == len(few)


class TestIntake:
    def test_registers_person_opens_case_and_lands_on_case_file(self, alice, agency):
        response = client_for(alice).post(
            reverse("cases:intake"),
            intake_data(
                agency,
                **{
                    "incident-occurred_on": "2026-01-15",
                    "incident-forms_of_violence": ["physical", "economic"],
                    "document-kind": "id_card",
                    "document-number": "041234567",
                },
            ),
        )
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:detail", args=[case.code])
        assert case.incidents.get().forms_of_violence == ["physical", "economic"]
        assert case.person.documents.get().number == "041234567"

    def test_double_post_opens_one_case(self, alice, agency):
        client = client_for(alice)
        data = intake_data(agency)
        first = client.post(reverse("cases:intake"), data)
        second = client.post(reverse("cases:intake"), data)
        assert Case.objects.count() == 1 and Person.objects.count() == 1
        assert first["Location"] == second["Location"]

    def test_kazakh_letters_round_trip(self, alice, agency):
        client = client_for(alice)
        client.post(
            reverse("cases:intake"),
            intake_data(agency, **{"person-surname": KAZAKH_LETTERS, "person-given_name": "Ұлы"}),
        )
        case = Case.objects.get()
        assert Person.objects.get().surname == KAZAKH_LETTERS
        page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
        assert KAZAKH_LETTERS in page
        assert case.code in case_codes(client.post(reverse("cases:list"), {"q": KAZAKH_LETTERS}))

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("person-iin", "12345", "exactly 12 digits"),
            ("person-iin", "12345678901a", "digits only"),
            ("person-iin", "900101400008", "check-digit"),
            ("person-birth_year", "2999", "future"),
            ("person-region", "KZ-99", "Unknown region"),
            ("person-surname", "", "surname or a given name"),
            ("incident-occurred_on", "2999-01-01", "future"),
            ("case-opened_on", "2999-01-01", "future"),
        ],
    )
    def test_bad_input_shows_the_error_on_the_field_and_saves_nothing(
        self, alice, agency, field, value, message
    ):
        data = intake_data(agency, **{field: value})
        if field == "person-surname":
            data["person-given_name"] = ""
        response = client_for(alice).post(reverse("cases:intake"), data)
        assert response.status_code == 200
        field_block = _field_block(response.content.decode(), field)
        assert message in field_block, field_block
        assert not Case.objects.exists() and not Person.objects.exists()
        assert not AuditEvent.objects.exclude(action__startswith="auth.").exists()

    def test_iin_disagreeing_with_birth_date_and_sex(self, alice, agency):
        # 900101400003: born 1 January 1990, female (digit 7 = 4).
        response = client_for(alice).post(
            reverse("cases:intake"),
            intake_data(
                agency,
                **{
                    "person-iin": "900101400003",
                    "person-sex": "male",
                    "person-birth_year": "1991",
                    "person-birth_month": "1",
                    "person-birth_day": "1",
                },
            ),
        )
        errors = _field_block(response.content.decode(), "person-iin")
        assert "01.01.1990" in errors and "sex" in errors
        assert not Person.objects.exists()

    def test_other_roles_may_not_open_cases(self, dana):
        assert client_for(dana).get(reverse("cases:intake")).status_code == 403


class TestCaseFile:
    def test_shows_person_facts_and_timeline(self, alice, case):
        from qamqor.cases.actions import add_note

        add_note(alice, case, "Консультация психолога")
        page = client_for(alice).get(reverse("cases:detail", args=[case.code])).content.decode()
        assert "Сәрсенбаева" in page and "Консультация психолога" in page

    def test_other_agency_and_missing_case_look_the_same(self, charlie, case):
        client = client_for(charlie)
        forbidden = client.get(reverse("cases:detail", args=[case.code]))
        missing = client.get(reverse("cases:detail", args=["ALA-2000-999999"]))
        assert forbidden.status_code == missing.status_code == 404
        # Alike but for the path each page echoes in its language switch.
        assert without_csrf_tokens(forbidden).replace(case.code, "CODE") == without_csrf_tokens(
            missing
        ).replace("ALA-2000-999999", "CODE")

    def test_add_note_and_correct_it(self, alice, case):
        client = client_for(alice)
        url = reverse("cases:note_add", args=[case.code])
        client.post(url, {"text": "Встреча 12 ноября"})
        original = CaseNote.objects.get()
        client.post(url, {"text": "Встреча 13 ноября", "corrects": original.pk})
        correction = CaseNote.objects.exclude(pk=original.pk).get()
        assert correction.corrects == original
        original.refresh_from_db()
        assert original.text == "Встреча 12 ноября"

    def test_empty_note_is_refused(self, alice, case):
        response = client_for(alice).post(
            reverse("cases:note_add", args=[case.code]), {"text": " "}
        )
        assert response.status_code == 400
        assert not CaseNote.objects.exists()

    def test_the_status_form_does_not_close_a_case(self, alice, case):
        url = reverse("cases:status_change", args=[case.code])
        refused = client_for(alice).post(url, {"status": "Closed"})
        assert refused.status_code == 400
        case.refresh_from_db()
        assert case.status == "Active"
        assert client_for(alice).post(url, {"status": "FollowUp"}).status_code == 302
        case.refresh_from_db()
        assert case.status == "FollowUp"

    def test_edit_person(self, alice, case):
        client = client_for(alice)
        url = reverse("cases:person_edit", args=[case.code])
        form = client.get(url)
        assert form.status_code == 200
        data = {
            "person-surname": "Сәрсенбаева",
            "person-given_name": "Әйгерім",
            "person-patronymic": "Серікқызы",
            "person-sex": "female",
            "person-gender": "Feminine",
            "person-disability": "none",
            "person-accompanying_children": "2",
            "person-citizenship": ["KZ"],
        }
        assert client.post(url, data).status_code == 302
        person = Person.objects.get()
        assert person.patronymic == "Серікқызы" and person.accompanying_children == 2
        assert [c.code for c in person.citizenship] == ["KZ"]
        event = AuditEvent.objects.get(action="person.update")
        assert "patronymic" in event.details["fields"]
        assert "Серікқызы" not in str(event.details)

    def test_add_incident_after_closure_is_refused(self, alice, carol, case):
        import datetime

        from qamqor.conftest import close_case

        Case.objects.filter(pk=case.pk).update(opened_on=datetime.date(2025, 1, 1))
        case.refresh_from_db()
        close_case(case, alice, carol, outcome="moved_away", reason="Переезд")
        Case.objects.filter(pk=case.pk).update(closed_on=datetime.date(2025, 6, 1))
        response = client_for(alice).post(
            reverse("cases:incident_add", args=[case.code]),
            {"occurred_on": "2025-07-01", "relationship": "spouse"},
        )
        assert response.status_code == 200
        assert "was closed on 01.06.2025" in _field_block(response.content.decode(), "occurred_on")
        assert not Incident.objects.exists()

    def test_colleague_of_another_agency_cannot_post_changes(self, charlie, case):
        client = client_for(charlie)
        assert (
            client.post(reverse("cases:note_add", args=[case.code]), {"text": "x"}).status_code
            == 404
        )
        assert not CaseNote.objects.exists()


def without_csrf_tokens(response) -> str:
    """The body with CSRF tokens blanked: they are masked afresh in every response."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def _field_block(page: str, field_name: str) -> str:
    """The markup of the form field named `field_name`, with its errors."""
    pattern = (
        r'<div class="field[^"]*">(?:(?!<div class="field).)*?'
        rf'name="{re.escape(field_name)}".*?</div>'
    )
    match = re.search(pattern, page, re.S)
    assert match, f"no field {field_name}"
    return match.group()
