"""Re-authentication before grave acts: password and code within the last 5 minutes."""

import pytest
from django.urls import reverse

from qamqor.accounts.two_factor import current_code
from qamqor.audit.models import AuditEvent
from qamqor.conftest import PASSWORD, signed_in

from .conftest import FrozenClock, phone_of, sign_in

pytestmark = pytest.mark.urls("qamqor.accounts.tests.urls")

REAUTHENTICATE = reverse("accounts:reauthenticate", urlconf="qamqor.urls")


def test_a_fresh_sign_in_counts_for_5_minutes(alice, frozen_clock: FrozenClock):
    client = sign_in(alice, phone_of(alice))
    assert client.get("/grave-act/").content == b"done by GET"
    frozen_clock.advance(minutes=4, seconds=59)
    assert client.post("/grave-act/").content == b"done by POST"
    frozen_clock.advance(seconds=2)
    response = client.get("/grave-act/?export=csv")
    assert response.status_code == 302
    assert response["Location"] == f"{REAUTHENTICATE}?next=%2Fgrave-act%2F%3Fexport%3Dcsv"


def test_a_post_comes_back_as_a_get_of_the_same_page(alice):
    client = signed_in(alice, reauthenticated=False)
    response = client.post("/grave-act/?page=2", {"reason": "x"})
    assert response["Location"] == f"{REAUTHENTICATE}?next=%2Fgrave-act%2F"


def test_an_htmx_request_is_sent_to_re_authenticate_as_a_whole_page(alice):
    response = signed_in(alice, reauthenticated=False).post("/grave-act/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(REAUTHENTICATE)


def test_password_and_code_let_the_user_through_and_are_audited(alice, frozen_clock):
    device = phone_of(alice)
    client = sign_in(alice, device)
    frozen_clock.advance(minutes=10)
    device.refresh_from_db()  # the code of the sign-in is spent
    page = client.get(f"{REAUTHENTICATE}?next=/grave-act/")
    assert 'name="password"' in page.content.decode() and 'name="code"' in page.content.decode()
    response = client.post(
        REAUTHENTICATE,
        {"password": PASSWORD, "code": current_code(device), "next": "/grave-act/"},
    )
    assert response.status_code == 302 and response["Location"] == "/grave-act/"
    assert client.get("/grave-act/").content == b"done by GET"
    event = AuditEvent.objects.get(action="auth.reauthenticated")
    assert event.actor == alice and event.details == {"second_factor": True}


def test_a_wrong_password_or_code_lets_no_one_through(alice, frozen_clock):
    device = phone_of(alice)
    client = sign_in(alice, device)
    frozen_clock.advance(minutes=10)
    response = client.post(
        REAUTHENTICATE, {"password": "wrong password", "code": current_code(device)}
    )
    assert response.status_code == 200 and "password is not right" in response.content.decode()
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "code": "000000"})
    assert response.status_code == 200
    assert client.get("/grave-act/").status_code == 302
    failed = AuditEvent.objects.get(action="otp.failed")
    assert failed.details["purpose"] == "reauthentication"
    assert not AuditEvent.objects.filter(action="auth.reauthenticated").exists()


def test_a_password_alone_does_not_do_for_a_user_with_a_second_factor(alice, frozen_clock):
    client = sign_in(alice, phone_of(alice))
    frozen_clock.advance(minutes=10)
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "next": "/grave-act/"})
    assert response.status_code == 200
    assert client.get("/grave-act/").status_code == 302


def test_a_user_without_a_second_factor_confirms_with_the_password(dana):
    client = signed_in(dana, reauthenticated=False)
    # signed_in() gives every user a test authenticator; dana's role needs none.
    dana.totpdevice_set.all().delete()
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "next": "/grave-act/"})
    assert response["Location"] == "/grave-act/"
    assert AuditEvent.objects.get(action="auth.reauthenticated").details == {"second_factor": False}


def test_five_wrong_passwords_lock_out_and_sign_out(alice):
    client = signed_in(alice, reauthenticated=False)
    for _ in range(4):
        client.post(REAUTHENTICATE, {"password": "wrong password", "code": "123456"})
    response = client.post(REAUTHENTICATE, {"password": "wrong password", "code": "123456"})
    assert response.status_code == 429
    assert client.get(reverse("home", urlconf="qamqor.urls")).status_code == 302


def test_signed_out_users_are_sent_to_sign_in():
    from django.test import Client

    response = Client().get("/grave-act/")
    assert response["Location"].startswith(reverse("login", urlconf="qamqor.urls"))
