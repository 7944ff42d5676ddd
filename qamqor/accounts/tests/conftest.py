"""Helpers of the sign-in tests: a clock to freeze, an enrolled phone, a real sign-in."""

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor import clock
from qamqor.accounts.models import User
from qamqor.accounts.two_factor import current_code
from qamqor.conftest import PASSWORD


class FrozenClock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def advance(self, **delta: float) -> None:
        self.moment += datetime.timedelta(**delta)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """qamqor.clock.now() stands still until the test moves it."""
    frozen = FrozenClock()
    monkeypatch.setattr(clock, "now", lambda: frozen.moment)
    return frozen


def phone_of(user: User) -> TOTPDevice:
    """An authenticator app the user has set up."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(user: User, device: TOTPDevice | None = None, **client_options: str) -> Client:
    """A client signed in through the sign-in pages: password, then the code if asked."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **client_options)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    if response["Location"].startswith(reverse("accounts:second_factor")):
        assert device is not None, f"{user.username} is asked for a second factor"
        response = client.post(response["Location"], {"code": current_code(device)})
        assert response.status_code == 302
    return client


@pytest.fixture
def signed_in_with_phone() -> Callable[..., Client]:
    def build(user: User, **client_options: str) -> Client:
        return sign_in(user, phone_of(user), **client_options)

    return build
