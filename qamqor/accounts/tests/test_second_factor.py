"""The second factor: who must give it, enrolment with recovery codes, and wrong codes."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.accounts.two_factor import RECOVERY_CODE_COUNT, current_code
from qamqor.audit.models import AuditEvent
from qamqor.conftest import PASSWORD

from .conftest import phone_of, sign_in


def password_step(username: str) -> tuple[Client, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def enrol(client: Client) -> list[str]:
    """Scan (read the secret off the page), confirm, and return the recovery codes."""
    page = client.get(reverse("accounts:enrol")).content.decode()
    secret = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    response = client.post(reverse("accounts:enrol"), {"code": current_code(device)})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize("user", ["alice", "carol"])
def test_roles_that_see_identities_give_a_second_factor(user, request):
    phone_of(request.getfixturevalue(user))
    client, step = password_step(user)
    assert step == f"{reverse('accounts:second_factor')}?next=%2F"
    # Between the password and the code, the pages stay shut.
    for url in (reverse("home"), reverse("cases:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:second_factor"))


@pytest.mark.parametrize("user", ["dana", "erin"])
def test_roles_that_see_no_one_sign_in_with_the_password(user, request):
    request.getfixturevalue(user)
    client, step = password_step(user)
    assert step == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_before_the_code_only_the_second_factor_sign_out_language_and_assets_answer(alice):
    phone_of(alice)
    client, _ = password_step("alice")
    assert client.get(reverse("accounts:second_factor")).status_code == 200
    assert client.get("/static/web/qamqor.css").status_code == 200
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_an_htmx_request_before_the_code_is_sent_to_the_code_page_as_a_whole(alice):
    phone_of(alice)
    client, _ = password_step("alice")
    response = client.post(reverse("cases:list"), {}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:second_factor"))


def test_the_code_of_the_app_completes_the_sign_in(alice):
    device = phone_of(alice)
    client, step = password_step("alice")
    code = f"{totp(device.bin_key):06d}"
    response = client.post(step, {"code": code[:3] + " " + code[3:], "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get(reverse("cases:list")).status_code == 200


def test_a_code_works_once(alice):
    device = phone_of(alice)
    code = current_code(device)
    first, step = password_step("alice")
    assert first.post(step, {"code": code})["Location"] == "/"
    second, step = password_step("alice")
    response = second.post(step, {"code": code})
    assert response.status_code == 200
    assert "not right" in response.content.decode()


def test_a_wrong_code_is_refused_and_audited(alice):
    device = phone_of(alice)
    client, step = password_step("alice")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(step, {"code": wrong})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action="otp.failed")
    assert event.actor == alice
    assert event.details["purpose"] == "sign-in" and event.details["reason"] == "wrong_code"
    assert wrong not in str(event.details)


def test_wrong_codes_in_a_row_make_the_user_wait(alice):
    device = phone_of(alice)
    client, step = password_step("alice")
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client.post(step, {"code": wrong})
    # Even the right code waits out the delay that grows with each wrong one.
    response = client.post(step, {"code": current_code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="otp.failed", details__reason="throttled").exists()


def test_a_code_of_the_wrong_shape_is_refused_before_any_check(alice):
    phone_of(alice)
    client, step = password_step("alice")
    response = client.post(step, {"code": "12345"})
    assert "Enter the 6 digits" in response.content.decode()
    assert not AuditEvent.objects.filter(action="otp.failed").exists()


def test_enrolment_shows_a_qr_code_drawn_here_and_the_secret(alice):
    client, step = password_step("alice")
    assert step == f"{reverse('accounts:enrol')}?next=%2F"
    page = client.get(step).content.decode()
    assert "<svg" in page and "<path" in page
    assert "<img" not in page.split('id="main"')[1]  # no image from a QR service
    secret = re.compile(r'<code class="secret" id="secret">((?:[A-Z2-7]{4} ?)+)</code>')
    shown = secret.search(page).group(1)
    # Reloading shows the same secret: the one scanned already stays valid.
    assert secret.search(client.get(step).content.decode()).group(1) == shown
    assert TOTPDevice.objects.filter(user=alice).count() == 1
    assert client.get(reverse("home")).status_code == 302


def test_enrolment_confirms_the_app_and_shows_recovery_codes_once(alice):
    client, _ = password_step("alice")
    codes = enrol(client)
    assert len(codes) == len(set(codes)) == RECOVERY_CODE_COUNT
    assert TOTPDevice.objects.get(user=alice).confirmed
    event = AuditEvent.objects.get(action="otp.enrolled")
    assert event.actor == alice and event.details["recovery_codes"] == RECOVERY_CODE_COUNT
    assert not any(code in str(event.details) for code in codes)
    # Signed in now; the codes are not to be seen again.
    assert client.get(reverse("home")).status_code == 200
    response = client.get(reverse("accounts:enrol"))
    assert response.status_code == 302
    assert not any(code in client.get(reverse("home")).content.decode() for code in codes)


def test_enrolment_refuses_a_wrong_code_and_audits_it(alice):
    client, _ = password_step("alice")
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=alice)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:enrol"), {"code": wrong})
    assert response.status_code == 200 and "<svg" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.get(action="otp.failed").details["purpose"] == "enrolment"
    assert not StaticToken.objects.exists()


def test_a_recovery_code_signs_in_once_and_is_audited(alice):
    client, _ = password_step("alice")
    codes = enrol(client)
    client.post(reverse("logout"))

    client, step = password_step("alice")
    response = client.post(step, {"code": codes[0].upper()[:4] + "-" + codes[0][4:]})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action="otp.recovery_code_used")
    assert event.actor == alice and event.details["left"] == RECOVERY_CODE_COUNT - 1
    assert codes[0] not in str(event.details)

    client.post(reverse("logout"))
    client, step = password_step("alice")
    response = client.post(step, {"code": codes[0]})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="otp.failed", details__kind="recovery_code").exists()


def test_a_user_who_needs_no_second_factor_is_not_sent_to_enrol(dana):
    client, _ = password_step("dana")
    response = client.get(reverse("accounts:enrol"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert not TOTPDevice.objects.exists()


def test_next_leads_only_into_this_site(alice):
    device = phone_of(alice)
    client, step = password_step("alice")
    response = client.post(step, {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_signing_in_again_needs_the_code_again(alice):
    device = phone_of(alice)
    client = sign_in(alice, device)
    client.post(reverse("logout"))
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:second_factor"))
