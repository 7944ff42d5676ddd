"""Five failed sign-ins lock the user name, and separately the address, for 15 minutes."""

import datetime

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qamqor.conftest import PASSWORD

from .conftest import FrozenClock


def attempt(username: str, password: str, address: str = "10.0.0.1"):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
    return client.post(reverse("login"), {"username": username, "password": password})


def signs_in(username: str, address: str = "10.0.0.1") -> bool:
    response = attempt(username, PASSWORD, address)
    return response.status_code == 302


def fail(times: int, username: str = "alice", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert attempt(username, "not the password", address).status_code in (200, 429)


def test_four_failures_do_not_lock(alice):
    fail(4)
    assert signs_in("alice")


def test_five_failures_lock_the_user_name_from_any_address(alice, frozen_clock):
    for number in range(5):
        fail(1, address=f"10.0.1.{number}")
    assert not signs_in("alice", address="10.0.2.1")


def test_five_failures_lock_the_address_for_any_user_name(alice, bob):
    for username in ("bob", "carol", "nobody", "x", "y"):
        fail(1, username=username, address="10.0.3.1")
    assert not signs_in("alice", address="10.0.3.1")
    assert signs_in("alice", address="10.0.3.2")


def test_the_lock_out_page_tells_when_to_try_again_and_not_whether_the_user_exists(
    alice, frozen_clock: FrozenClock
):
    fail(4)
    locked = attempt("alice", "not the password")
    assert locked.status_code == 429
    until = timezone.localtime(frozen_clock.moment + datetime.timedelta(minutes=15))
    page = locked.content.decode()
    assert f"Try again after {until:%H:%M}" in page
    assert "alice" not in page.split('id="main"')[1]

    fail(4, username="nobody", address="10.0.0.9")
    stranger = attempt("nobody", "not the password", address="10.0.0.9")
    assert stranger.status_code == 429
    assert stranger.content.decode().split('id="main"')[1] == page.split('id="main"')[1]


def age_attempts(minutes: int) -> None:
    """Move the recorded attempts back in time, as if they were made `minutes` ago."""
    moment = F("attempt_time") - datetime.timedelta(minutes=minutes)
    AccessAttempt.objects.update(attempt_time=moment)


def test_the_lock_lifts_after_15_minutes(alice):
    # Whole minutes either side of the limit: the attempts carry Django's real clock, and
    # a sign-in takes a moment, so a boundary of seconds would depend on the machine's load.
    fail(5)
    age_attempts(14)
    assert not signs_in("alice")  # and this attempt, during the lock, starts it again
    age_attempts(16)
    assert signs_in("alice")


def test_the_lock_out_follows_the_one_clock(alice, frozen_clock: FrozenClock):
    fail(5)
    frozen_clock.advance(minutes=14)
    assert not signs_in("alice")
    frozen_clock.moment = timezone.now() + datetime.timedelta(minutes=16)
    assert signs_in("alice")


def test_trying_during_the_lock_out_starts_the_15_minutes_again(alice):
    fail(5)
    age_attempts(10)
    assert not signs_in("alice")
    age_attempts(10)
    assert not signs_in("alice")
    age_attempts(16)
    assert signs_in("alice")


def test_the_right_password_clears_the_users_own_failures_only(alice, bob):
    shared = "10.0.4.1"
    fail(2, username="bob", address=shared)
    fail(2, username="alice", address=shared)
    assert signs_in("alice", address=shared)
    # Alice's two failures are forgotten: four more do not lock her out.
    fail(4, username="alice", address="10.0.4.2")
    assert signs_in("alice", address="10.0.4.2")
    # Bob's two from the shared address still count: three more lock him out.
    fail(3, username="bob", address="10.0.4.3")
    assert not signs_in("bob", address="10.0.4.4")


def test_behind_the_proxy_the_address_the_proxy_saw_counts(alice, settings):
    settings.BEHIND_PROXY = True

    def via_proxy(client_address: str, username: str, password: str) -> int:
        # The client may send its own X-Forwarded-For; the proxy appends what it saw.
        forwarded = f"203.0.113.7, {client_address}"
        client = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded)
        response = client.post(reverse("login"), {"username": username, "password": password})
        return response.status_code

    for number in range(5):
        via_proxy(f"10.0.5.{number}", f"user{number}", "wrong")
    assert via_proxy("10.0.5.9", "alice", PASSWORD) == 302  # the proxy is not locked
    for _ in range(5):
        via_proxy("10.0.6.1", "someone", "wrong")
    assert via_proxy("10.0.6.1", "alice", PASSWORD) == 429
