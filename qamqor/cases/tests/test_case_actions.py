"""Case actions: opening (codes, assignment, audit, all-or-nothing, idempotence), notes,
status changes, incidents, assignments, and who may do each."""

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qamqor import clock
from qamqor.accounts.models import Agency, Membership, User
from qamqor.audit.models import AuditEvent
from qamqor.cases.actions import (
    add_incident,
    add_note,
    assign_worker,
    change_status,
    open_case,
)
from qamqor.cases.models import (
    Case,
    CaseAssignment,
    CaseCounter,
    CaseNote,
    Grounds,
    Incident,
    Status,
)
from qamqor.conftest import close_case, make_agency, make_user
from qamqor.registry.models import NameKey, Person

DAY = datetime.timedelta(days=1)


def intake_person(**fields: Any) -> Person:
    values = {"surname": "Жұмабаева", "given_name": "Гүлназ", "sex": "female"}
    values.update(fields)
    return Person(**values)


def intake_case(**fields: Any) -> Case:
    return Case(grounds=fields.pop("grounds", Grounds.DOMESTIC_VIOLENCE), **fields)


def incident_on(day: datetime.date, **fields: Any) -> Incident:
    return Incident(occurred_on=day, forms_of_violence=fields.pop("forms", ["physical"]), **fields)


def snapshot() -> dict[str, Any]:
    """Everything an intake can write, to show that a refused one wrote nothing."""
    return {
        "persons": Person.objects.count(),
        "name keys": NameKey.objects.count(),
        "cases": Case.objects.count(),
        "assignments": CaseAssignment.objects.count(),
        "incidents": Incident.objects.count(),
        "notes": CaseNote.objects.count(),
        "events": list(AuditEvent.objects.values_list("action", "case_code")),
        "counters": list(CaseCounter.objects.values_list("region_id", "year", "last_number")),
    }


# open_case: codes ------------------------------------------------------------------------


def test_case_codes_count_up_per_region_and_year(make_case, charlie, other_agency):
    year = clock.today().year
    assert make_case().code == f"ALA-{year}-000001"
    assert make_case().code == f"ALA-{year}-000002"
    assert make_case(actor=charlie, in_agency=other_agency).code == f"AST-{year}-000001"
    last_year = make_case(opened_on=datetime.date(year - 1, 6, 1))
    assert last_year.code == f"ALA-{year - 1}-000001"
    assert make_case().code == f"ALA-{year}-000003"


def test_agencies_of_one_region_share_its_sequence(make_case, region):
    other_centre = make_agency(region, kind="police", name="Police A")
    officer = make_user("olzhas", other_centre)
    year = clock.today().year
    assert make_case().code == f"ALA-{year}-000001"
    assert make_case(actor=officer, in_agency=other_centre).code == f"ALA-{year}-000002"


# open_case: what it writes ---------------------------------------------------------------


def test_opening_a_case_assigns_the_opener_and_fills_the_case(alice, agency):
    case = open_case(alice, agency, intake_person(), intake_case(grounds=Grounds.TRAFFICKING))
    case.refresh_from_db()
    assert list(case.assigned_workers.all()) == [alice]
    assignment = CaseAssignment.objects.get(case=case)
    assert assignment.assigned_by == alice
    assert (case.owner_agency, case.region, case.created_by) == (agency, agency.region, alice)
    assert (case.status, case.opened_on, case.closed_on) == (Status.ACTIVE, clock.today(), None)
    assert case.person.surname == "Жұмабаева"


def test_opening_a_case_records_the_audit_events_of_its_parts(alice, agency):
    case = open_case(
        alice, agency, intake_person(), intake_case(), incident=incident_on(clock.today())
    )
    events = AuditEvent.objects.filter(case_code=case.code)
    assert [e.action for e in events] == ["person.create", "case.open", "incident.create"]
    opened = events.get(action="case.open")
    assert (opened.actor, opened.object_id, opened.details) == (
        alice, str(case.pk), {"grounds": Grounds.DOMESTIC_VIOLENCE}
    )  # fmt: skip


@pytest.mark.parametrize(
    "bad_incident",
    [
        lambda today: incident_on(today + DAY),  # in the future
        lambda today: incident_on(today, forms=["physical", "spiritual"]),
        lambda today: incident_on(today, exploitation_types=["Smuggling"]),
    ],
    ids=["future date", "unknown violence form", "unknown exploitation type"],
)
def test_a_refused_intake_saves_nothing_at_all(make_case, alice, agency, bad_incident):
    make_case()  # so that a counter exists and would show a lost number
    before = snapshot()

    with pytest.raises(ValidationError):
        open_case(
            alice, agency, intake_person(), intake_case(), incident=bad_incident(clock.today())
        )

    assert snapshot() == before
    assert make_case().code.endswith("-000002")


def test_a_refused_first_intake_leaves_no_counter_behind(alice, agency):
    with pytest.raises(ValidationError) as raised:
        open_case(
            alice, agency, intake_person(), intake_case(),
            incident=incident_on(clock.today() + DAY),
        )  # fmt: skip
    assert "occurred_on" in raised.value.message_dict
    assert snapshot() == {
        "persons": 0, "name keys": 0, "cases": 0, "assignments": 0, "incidents": 0,
        "notes": 0, "events": [], "counters": [],
    }  # fmt: skip


def test_an_intake_of_an_invalid_person_saves_nothing(alice, agency):
    with pytest.raises(ValidationError) as raised:
        open_case(alice, agency, intake_person(surname="", given_name=""), intake_case())
    assert "surname" in raised.value.message_dict
    assert not Case.objects.exists()
    assert not CaseCounter.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_case_cannot_be_opened_in_the_future(alice, agency):
    with pytest.raises(ValidationError) as raised:
        open_case(alice, agency, intake_person(), intake_case(opened_on=clock.today() + DAY))
    assert "opened_on" in raised.value.message_dict
    assert not Person.objects.exists()


def test_the_same_submission_twice_opens_one_case(alice, agency):
    key = uuid.uuid4()
    first = open_case(alice, agency, intake_person(), intake_case(), submission_key=key)
    again = open_case(alice, agency, intake_person(), intake_case(), submission_key=key)

    assert again.pk == first.pk
    assert again.code == first.code
    assert Case.objects.count() == 1
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.open").count() == 1
    assert CaseCounter.objects.get().last_number == 1


def test_a_submission_refused_once_can_be_sent_again(alice, agency):
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        open_case(
            alice, agency, intake_person(), intake_case(),
            incident=incident_on(clock.today() + DAY), submission_key=key,
        )  # fmt: skip
    case = open_case(alice, agency, intake_person(), intake_case(), submission_key=key)
    assert case.code.endswith("-000001")
    assert Case.objects.get().submission_key == key


# Notes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_an_empty_note_is_refused(alice, case, text: str):
    with pytest.raises(ValidationError) as raised:
        add_note(alice, case, text)
    assert list(raised.value.message_dict) == ["text"]
    assert not CaseNote.objects.exists()
    assert not AuditEvent.objects.filter(action="note.create").exists()


def test_a_note_is_kept_with_its_author_and_audited(carol, case):
    note = add_note(carol, case, "  Позвонила, договорились о встрече.  ")
    stored = CaseNote.objects.get(pk=note.pk)
    assert (stored.text, stored.author, stored.case) == (
        "Позвонила, договорились о встрече.", carol, case
    )  # fmt: skip
    event = AuditEvent.objects.get(action="note.create")
    assert (event.case_code, event.object_id, event.details) == (
        case.code, str(note.pk), {"corrects": None}
    )  # fmt: skip
    assert "Позвонила" not in str(event.details)


def test_a_correction_points_at_the_original_which_stays_unchanged(alice, case):
    original = add_note(alice, case, "Встреча 12 мая.")
    correction = add_note(alice, case, "Встреча 15 мая, не 12.", corrects=original)

    original.refresh_from_db()
    assert original.text == "Встреча 12 мая."
    assert original.corrects is None
    assert correction.corrects == original
    assert list(original.corrections.all()) == [correction]
    assert CaseNote.objects.count() == 2
    assert AuditEvent.objects.filter(action="note.create").last().details == {
        "corrects": original.pk
    }


def test_a_note_cannot_correct_a_note_of_another_case(alice, make_case):
    case, other_case = make_case(), make_case()
    foreign = add_note(alice, other_case, "Запись по другому делу.")

    with pytest.raises(ValidationError) as raised:
        add_note(alice, case, "Исправление.", corrects=foreign)

    assert list(raised.value.message_dict) == ["corrects"]
    assert list(CaseNote.objects.all()) == [foreign]


def test_the_same_note_submission_twice_adds_one_note(alice, case):
    key = uuid.uuid4()
    first = add_note(alice, case, "Одна запись.", submission_key=key)
    again = add_note(alice, case, "Одна запись.", submission_key=key)
    assert again.pk == first.pk
    assert CaseNote.objects.count() == 1


# Status ----------------------------------------------------------------------------------


@pytest.mark.parametrize("closed", [Status.CLOSED, Status.CLOSED_REFERRED])
def test_a_status_change_does_not_close_a_case(alice, case, closed: str):
    with pytest.raises(ValidationError) as raised:
        change_status(alice, case, closed)
    assert list(raised.value.message_dict) == ["status"]
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason) == (Status.ACTIVE, None, "")
    assert not AuditEvent.objects.filter(action="case.status").exists()


@pytest.mark.parametrize("reopened", [Status.ACTIVE, Status.FOLLOW_UP])
def test_reopening_clears_the_closure(alice, carol, case, reopened: str):
    close_case(case, alice, carol, outcome="referred", reason="Передано в кризисный центр.")
    assert case.status == Status.CLOSED_REFERRED
    change_status(alice, case, reopened)

    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.closed_on, stored.closure_reason, stored.closure_outcome) == (
        reopened, None, "", ""
    )  # fmt: skip
    assert (case.status, case.closed_on, case.closure_reason) == (reopened, None, "")
    assert AuditEvent.objects.filter(action="case.status").count() == 1


def test_an_unknown_status_is_refused(alice, case):
    with pytest.raises(ValidationError) as raised:
        change_status(alice, case, "Archived")
    assert list(raised.value.message_dict) == ["status"]
    assert Case.objects.get(pk=case.pk).status == Status.ACTIVE


def test_setting_the_status_a_case_has_changes_nothing(alice, case):
    change_status(alice, case, Status.ACTIVE)
    assert not AuditEvent.objects.filter(action="case.status").exists()


# Incidents -------------------------------------------------------------------------------


def test_an_incident_is_recorded_and_audited(carol, case):
    incident = add_incident(carol, case, incident_on(clock.today() - DAY, forms=["economic"]))
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.case, stored.recorded_by, stored.forms_of_violence) == (
        case, carol, ["economic"]
    )  # fmt: skip
    event = AuditEvent.objects.get(action="incident.create")
    assert (event.case_code, event.object_id) == (case.code, str(incident.pk))


def close_case_days_ago(
    actor: User, case: Case, days: int, monkeypatch: pytest.MonkeyPatch
) -> datetime.date:
    """Close the case as if it had been closed `days` days ago (the one clock, moved)."""
    then = clock.now() - days * DAY
    approver = make_user("approver", case.owner_agency, role="supervisor")
    with monkeypatch.context() as moved:
        moved.setattr("qamqor.clock.now", lambda: then)
        close_case(case, actor, approver)
    assert case.closed_on == timezone.localdate(then)
    return case.closed_on


def test_an_incident_after_the_closure_is_refused_on_its_date(alice, make_case, monkeypatch):
    case = make_case(opened_on=clock.today() - 60 * DAY)
    closed_on = close_case_days_ago(alice, case, 30, monkeypatch)

    with pytest.raises(ValidationError) as raised:
        add_incident(alice, case, incident_on(closed_on + DAY))

    assert list(raised.value.message_dict) == ["occurred_on"]
    assert not Incident.objects.exists()


def test_an_incident_up_to_the_closure_day_is_accepted(alice, make_case, monkeypatch):
    case = make_case(opened_on=clock.today() - 60 * DAY)
    closed_on = close_case_days_ago(alice, case, 30, monkeypatch)

    add_incident(alice, case, incident_on(closed_on))
    add_incident(alice, case, incident_on(closed_on - 10 * DAY))
    assert Incident.objects.filter(case=case).count() == 2


def test_an_incident_in_the_future_is_refused(alice, case):
    with pytest.raises(ValidationError) as raised:
        add_incident(alice, case, incident_on(clock.today() + DAY))
    assert list(raised.value.message_dict) == ["occurred_on"]
    assert not Incident.objects.exists()


def test_an_unknown_form_of_violence_is_refused(alice, case):
    with pytest.raises(ValidationError) as raised:
        add_incident(alice, case, incident_on(clock.today(), forms=["physical", "verbal"]))
    assert list(raised.value.message_dict) == ["forms_of_violence"]
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(action="incident.create").exists()


def test_an_unknown_type_of_exploitation_is_refused(alice, case):
    with pytest.raises(ValidationError) as raised:
        add_incident(alice, case, incident_on(clock.today(), exploitation_types=["Smuggling"]))
    assert list(raised.value.message_dict) == ["exploitation_types"]


def test_the_same_incident_submission_twice_adds_one_incident(alice, case):
    key = uuid.uuid4()
    first = add_incident(alice, case, incident_on(clock.today()), submission_key=key)
    again = add_incident(alice, case, incident_on(clock.today()), submission_key=key)
    assert again.pk == first.pk
    assert Incident.objects.count() == 1


# Who may act -----------------------------------------------------------------------------

CHANGES: dict[str, Callable[[User, Case], object]] = {
    "add_note": lambda user, case: add_note(user, case, "Запись."),
    "change_status": lambda user, case: change_status(user, case, Status.FOLLOW_UP),
    "add_incident": lambda user, case: add_incident(user, case, incident_on(clock.today())),
    "assign_worker": lambda user, case: assign_worker(user, case, user),
}


@pytest.mark.parametrize("outsider", ["bob", "charlie", "dana", "erin"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_outsiders_may_not_change_a_case(request, case, outsider: str, change: str):
    user = request.getfixturevalue(outsider)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        CHANGES[change](user, case)

    assert snapshot() == before
    assert Case.objects.get(pk=case.pk).status == Status.ACTIVE


@pytest.mark.parametrize("colleague", ["alice", "carol"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_members_of_the_owning_agency_may_change_a_case(request, case, colleague, change):
    CHANGES[change](request.getfixturevalue(colleague), case)


@pytest.mark.parametrize("outsider", ["charlie", "dana", "erin"])
def test_outsiders_may_not_open_a_case_in_alices_agency(request, agency: Agency, outsider):
    user = request.getfixturevalue(outsider)
    with pytest.raises(PermissionDenied):
        open_case(user, agency, intake_person(), intake_case())
    assert snapshot() == {
        "persons": 0, "name keys": 0, "cases": 0, "assignments": 0, "incidents": 0,
        "notes": 0, "events": [], "counters": [],
    }  # fmt: skip


def test_an_analyst_may_not_open_a_case_even_in_her_own_agency(dana):
    ministry = dana.memberships.get().agency
    with pytest.raises(PermissionDenied):
        open_case(dana, ministry, intake_person(), intake_case())
    assert not Case.objects.exists()


# Assignments -----------------------------------------------------------------------------


def test_a_member_of_the_owning_agency_can_be_assigned_once(alice, bob, case):
    assign_worker(alice, case, bob)
    assign_worker(alice, case, bob)

    assert set(case.assigned_workers.all()) == {alice, bob}
    assert CaseAssignment.objects.get(case=case, user=bob).assigned_by == alice
    event = AuditEvent.objects.get(action="case.assign")
    assert (event.case_code, event.details) == (case.code, {"user": "bob"})


@pytest.mark.parametrize("outsider", ["charlie", "dana", "erin"])
def test_only_members_of_the_owning_agency_can_be_assigned(request, alice, case, outsider):
    worker = request.getfixturevalue(outsider)
    with pytest.raises(ValidationError) as raised:
        assign_worker(alice, case, worker)
    assert list(raised.value.message_dict) == ["user"]
    assert list(case.assigned_workers.all()) == [alice]
    assert not AuditEvent.objects.filter(action="case.assign").exists()


def test_a_former_member_cannot_be_assigned(alice, bob, case):
    Membership.objects.filter(user=bob).update(ended_at=clock.now())
    former = User.objects.get(pk=bob.pk)
    with pytest.raises(ValidationError):
        assign_worker(alice, case, former)
    assert list(case.assigned_workers.all()) == [alice]
