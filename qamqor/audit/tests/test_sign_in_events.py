"""Sign-in, failed sign-in, sign-out and lock-out are on record, with address and page."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.audit.verify import verify_chain
from qamqor.conftest import PASSWORD

WRONG = "not the password at all"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def event_text(event: AuditEvent) -> str:
    return " ".join(str(getattr(event, f.attname)) for f in AuditEvent._meta.fields)


def test_a_sign_in_is_recorded_with_address_and_page(dana):
    client = Client(REMOTE_ADDR="10.20.30.40")
    assert sign_in(client, "dana", PASSWORD).status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.actor_username) == (dana, "dana")
    assert (event.ip_address, event.path) == ("10.20.30.40", reverse("login"))
    assert event.object_type == "accounts.user" and event.object_id == str(dana.pk)
    assert not event.read  # not a look at data: no case's access history shows it


def test_a_failed_sign_in_keeps_the_username_tried_and_never_the_password(alice):
    sign_in(Client(), "alice", WRONG)
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None and event.actor_username == "alice"
    assert event.ip_address == "127.0.0.1" and event.path == reverse("login")
    assert WRONG not in event_text(event) and "*****" not in event_text(event)
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_failed_sign_in_as_nobody_is_recorded_too():
    sign_in(Client(), "no.such.user", WRONG)
    assert AuditEvent.objects.get(action="auth.login_failed").actor_username == "no.such.user"


def test_a_sign_out_is_recorded(dana):
    client = Client()
    sign_in(client, "dana", PASSWORD)
    client.post(reverse("logout"))
    event = AuditEvent.objects.get(action="auth.logout")
    assert event.actor == dana and event.path == reverse("logout")


def test_signing_out_without_a_session_records_nothing():
    Client().post(reverse("logout"))
    assert not AuditEvent.objects.filter(action="auth.logout").exists()


def test_a_lock_out_is_recorded(alice):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", WRONG)
    locked = AuditEvent.objects.filter(action="auth.locked_out")
    assert locked.count() == 1
    assert locked.get().actor_username == "alice" and locked.get().ip_address == "127.0.0.1"
    assert verify_chain().intact


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(dana, settings):
    settings.BEHIND_PROXY = True
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    sign_in(client, "dana", PASSWORD)
    assert AuditEvent.objects.get(action="auth.login").ip_address == "192.0.2.7"


def test_a_malformed_address_or_a_nul_in_the_path_is_kept_out_of_the_facts():
    """The address column is typed and PostgreSQL text holds no NUL: an event must be
    writable whatever the request carried."""
    from django.test import RequestFactory

    from qamqor.audit.request_context import AuditContextMiddleware, current_request_facts

    seen = []
    middleware = AuditContextMiddleware(lambda request: seen.append(current_request_facts()))
    middleware(RequestFactory().get("/cases/a%00b/", REMOTE_ADDR="not-an-address"))
    assert seen == [(None, "/cases/a\ufffdb/")]
    assert current_request_facts() == (None, "")
