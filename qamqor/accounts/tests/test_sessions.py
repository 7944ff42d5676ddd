"""Sessions: 30 minutes idle, 12 hours in all, a new id at sign-in, ended from outside."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.urls import reverse

from qamqor.accounts.models import User
from qamqor.accounts.two_factor import current_code
from qamqor.conftest import PASSWORD, signed_in

from .conftest import FrozenClock, phone_of, sign_in


def home_status(client: Client) -> int:
    return client.get(reverse("home")).status_code


def test_a_session_ends_after_30_minutes_without_a_request(alice, frozen_clock: FrozenClock):
    client = sign_in(alice, phone_of(alice))
    frozen_clock.advance(minutes=29, seconds=59)
    assert home_status(client) == 200
    frozen_clock.advance(minutes=29, seconds=59)
    assert home_status(client) == 200
    frozen_clock.advance(minutes=30)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/cases/"
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    # Flushed: the session is gone, not merely hidden.
    assert home_status(client) == 302
    frozen_clock.advance(seconds=-3600)
    assert home_status(client) == 302


def test_a_session_ends_12_hours_after_sign_in_however_busy(alice, frozen_clock: FrozenClock):
    client = sign_in(alice, phone_of(alice))
    for _ in range(47):
        frozen_clock.advance(minutes=15)
        assert home_status(client) == 200
    frozen_clock.advance(minutes=14, seconds=59)
    assert home_status(client) == 200
    frozen_clock.advance(seconds=1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "at most 12 hours" in client.get(response["Location"]).content.decode()


def test_an_htmx_request_of_an_ended_session_leads_the_whole_page_to_sign_in(
    alice, frozen_clock: FrozenClock
):
    client = signed_in(alice)
    assert home_status(client) == 200
    frozen_clock.advance(minutes=31)
    response = client.post(
        reverse("cases:list"),
        {},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/cases/?mine=on",
    )
    # Back, after signing in, to the page the request came from.
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/cases/%3Fmine%3Don"


def test_sign_in_gives_a_new_session_id(alice):
    device = phone_of(alice)
    client = Client()
    before = client.session
    before["language_chosen"] = "kk"
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_password != before.session_key
    assert not Session.objects.filter(session_key=before.session_key).exists()
    client.post(reverse("accounts:second_factor"), {"code": "000000"})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == after_password
    device.throttle_reset()
    client.post(reverse("accounts:second_factor"), {"code": current_code(device)})
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_code not in (after_password, before.session_key)
    assert home_status(client) == 200


def test_raising_the_session_epoch_ends_the_users_sessions(alice, bob):
    alices, bobs = signed_in(alice), signed_in(bob)
    assert home_status(alices) == home_status(bobs) == 200
    User.objects.filter(pk=alice.pk).update(session_epoch=F("session_epoch") + 1)
    assert home_status(alices) == 302
    assert home_status(bobs) == 200


def test_deactivating_a_user_ends_their_session(alice):
    client = signed_in(alice)
    assert home_status(client) == 200
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert home_status(client) == 302
    response = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
