"""The auditor's pages: the filtered log, its CSV export (itself on record), and 404 for
everyone else; a case's access history."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from qamqor import clock
from qamqor.accounts.reauth import AUTHENTICATED_AT_KEY
from qamqor.audit.events import record, record_access
from qamqor.audit.history import case_access_history
from qamqor.audit.models import AuditEvent
from qamqor.audit.verify import verify_chain
from qamqor.conftest import make_user, signed_in

pytestmark = pytest.mark.urls("qamqor.audit.tests.urls")

ALMATY = timezone.get_fixed_timezone(datetime.timedelta(hours=5))


@pytest.fixture
def auditor(region):
    from qamqor.conftest import make_agency

    return make_user("audrey", make_agency(region, kind="akimat", name="Audit"), role="auditor")


def auditor_client(user, reauthenticated: bool = True) -> Client:
    return signed_in(user, reauthenticated=reauthenticated)


def event_at(when: datetime.datetime, actor, action: str, case_code: str = "", **details):
    with mock.patch("qamqor.audit.events.now", return_value=when), transaction.atomic():
        return record(actor, action, case_code=case_code, **details)


@pytest.fixture
def history(alice, bob):
    """A small log over three days in Almaty."""
    return [
        event_at(datetime.datetime(2026, 3, 1, 9, 0, tzinfo=ALMATY), alice, "case.open",
                 "ALA-2026-000001"),
        event_at(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=ALMATY), bob, "case.view",
                 "ALA-2026-000001"),
        event_at(datetime.datetime(2026, 3, 2, 0, 30, tzinfo=ALMATY), bob, "note.create",
                 "ALA-2026-000002"),
        event_at(datetime.datetime(2026, 3, 3, 12, 0, tzinfo=ALMATY), None, "auth.login_failed"),
    ]  # fmt: skip


def listed(response) -> list[int]:
    """Sequences of the events on the page, in the order shown."""
    import re

    return [int(n) for n in re.findall(r'id="event-(\d+)"', response.content.decode())]


def rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


# Who may look --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "carol", "dana", "erin"])
def test_everyone_but_auditors_is_told_the_pages_do_not_exist(request, name):
    client = signed_in(request.getfixturevalue(name))
    session = client.session
    session[AUTHENTICATED_AT_KEY] = clock.now().timestamp()
    session.save()
    assert client.get(reverse("audit:list")).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(reverse("audit:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The list ------------------------------------------------------------------------------


def test_the_log_lists_every_event_newest_first(auditor, history):
    response = auditor_client(auditor).get(reverse("audit:list"))
    assert response.status_code == 200
    shown = listed(response)
    assert shown == sorted(shown, reverse=True)
    assert {e.sequence for e in history} <= set(shown)
    assert "ALA-2026-000002" in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"user": "bob"}, [2, 1]),
        ({"case_code": "ala-2026-000001"}, [1, 0]),
        ({"action": "case"}, [1, 0]),
        ({"action": "case.view"}, [1]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, [2]),
        ({"date_to": "2026-03-01"}, [1, 0]),
        ({"user": "bob", "date_from": "2026-03-02"}, [2]),
    ],
)
def test_filters(auditor, history, filters, expected):
    response = auditor_client(auditor).get(reverse("audit:list"), filters)
    assert listed(response) == [history[i].sequence for i in expected]


def test_an_end_before_the_start_is_an_error_on_the_field(auditor, history):
    response = auditor_client(auditor).get(
        reverse("audit:list"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200 and listed(response) == []
    assert "The end comes before the start." in response.content.decode()


def test_htmx_gets_the_results_alone(auditor, history):
    response = auditor_client(auditor).get(
        reverse("audit:list"), {"user": "alice"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and listed(response) == [history[0].sequence]


def test_pages_of_events(auditor, history, settings):
    settings.PAGE_SIZE = 2
    client = auditor_client(auditor)
    first = listed(client.get(reverse("audit:list"), {"action": "case"}))
    second = listed(client.get(reverse("audit:list"), {"action": "note", "page": "1"}))
    assert first == [history[1].sequence, history[0].sequence]
    assert second == [history[2].sequence]
    response = client.get(reverse("audit:list"))
    assert "Page 1 of" in response.content.decode()


def test_the_page_is_translated(auditor, history):
    client = signed_in(auditor, language="ru")
    assert "Журнал аудита" in client.get(reverse("audit:list")).content.decode()


def test_list_queries_do_not_grow_with_events(auditor, alice):
    client = auditor_client(auditor)
    event_at(clock.now(), alice, "case.view", "ALA-2026-000001")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("audit:list"))
    for number in range(30):
        event_at(clock.now(), alice, "case.view", f"ALA-2026-{number:06d}", n=number)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("audit:list"))
    assert len(many) == len(few)


# The export ----------------------------------------------------------------------------


def test_the_export_holds_the_filtered_events(auditor, history):
    response = auditor_client(auditor).get(reverse("audit:export"), {"user": "bob"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    exported = rows(response)
    assert [r["sequence"] for r in exported] == [str(history[1].sequence), str(history[2].sequence)]
    first = exported[0]
    assert first["user"] == "bob" and first["action"] == "case.view"
    assert first["case_code"] == "ALA-2026-000001"
    assert first["time"] == "2026-03-01T23:30:00+05:00"
    assert first["hash"] == history[1].hash


def test_the_export_is_itself_on_record_and_the_chain_still_holds(auditor, history):
    auditor_client(auditor).get(reverse("audit:export"), {"action": "case", "user": "bob"})
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == auditor and export.read
    assert export.details == {"filters": {"action": "case", "user": "bob"}}
    assert export.path == reverse("audit:export")
    assert verify_chain().intact


def test_the_export_leaves_out_its_own_event(auditor, history):
    exported = rows(auditor_client(auditor).get(reverse("audit:export")))
    assert "audit.export" not in {r["action"] for r in exported}


def test_cells_a_spreadsheet_would_run_are_quoted(auditor):
    Client().post(reverse("login"), {"username": "=HYPERLINK(1)", "password": "x"})
    exported = rows(auditor_client(auditor).get(reverse("audit:export")))
    tried = next(r for r in exported if r["action"] == "auth.login_failed")
    assert tried["user"] == "'=HYPERLINK(1)"


def test_the_export_asks_for_the_password_again_when_the_sign_in_is_old(auditor, history):
    response = auditor_client(auditor, reauthenticated=False).get(reverse("audit:export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_bad_filters_send_the_export_back_to_the_page(auditor):
    response = auditor_client(auditor).get(reverse("audit:export"), {"date_from": "soon"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("audit:list"))
    assert not AuditEvent.objects.filter(action="audit.export").exists()


# A case's access history ---------------------------------------------------------------


def test_a_case_access_history_lists_who_looked_from_where(case, bob, carol, charlie):
    record_access(bob, "case.view", case, case_code=case.code)
    with transaction.atomic():
        record(bob, "note.create", case, case_code=case.code)
        record(charlie, "case.break_glass", case, case_code=case.code, flagged=True)
    record_access(carol, "person.view", case.person, case_code=case.code)
    record_access(carol, "case.view", case, case_code="ALA-2026-999999")
    history = case_access_history(case)
    assert [(e.actor_username, e.action) for e in history] == [
        ("carol", "person.view"),
        ("charlie", "case.break_glass"),
        ("bob", "case.view"),
    ]
    assert len(case_access_history(case, limit=1)) == 1
    with translation.override("en"):
        html = render_to_string("audit/_case_access_history.html", {"access_history": history})
    assert "carol" in html and "break-glass" in html and "note.create" not in html


def test_the_history_is_one_query(case, bob):
    record_access(bob, "case.view", case, case_code=case.code)
    with CaptureQueriesContext(connection) as queries:
        case_access_history(case)
    assert len(queries) == 1
