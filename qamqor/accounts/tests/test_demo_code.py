"""`qamqor demo-code USERNAME`: the second factor of demo users, and of no one else."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.accounts.models import User
from qamqor.audit.models import AuditEvent
from qamqor.demo import generator
from qamqor.demo.network import agency_specs, all_usernames


def demo_code(username: str) -> str:
    out = io.StringIO()
    call_command("demo_code", username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.fixture
def demo_output() -> str:
    out = io.StringIO()
    call_command("demo_data", "--persons", "3", stdout=out)
    return out.getvalue()


def test_every_demo_user_gets_the_demo_second_factor(demo_output: str):
    usernames = all_usernames(agency_specs())
    devices = TOTPDevice.objects.filter(user__username__in=usernames, confirmed=True)
    assert devices.count() == len(usernames)
    assert len({device.key for device in devices}) == len(usernames)
    assert "Second factor: run `qamqor demo-code USERNAME` for the current code" in demo_output
    assert AuditEvent.objects.count() == 1  # the load's, which stands for the whole set


def test_loading_again_changes_nothing(demo_output: str):
    keys = set(TOTPDevice.objects.values_list("key", flat=True))
    out = io.StringIO()
    call_command("demo_data", "--persons", "3", stdout=out)
    assert "nothing was changed" in out.getvalue() and "Gave" not in out.getvalue()
    assert set(TOTPDevice.objects.values_list("key", flat=True)) == keys


def test_a_demo_user_signs_in_with_the_printed_code(demo_output: str):
    code = demo_code("worker.almaty")
    assert re.fullmatch(r"\d{6}", code)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "worker.almaty", "password": generator.DEMO_PASSWORD}
    )
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert client.post(response["Location"], {"code": code})["Location"] == "/"
    assert client.get(reverse("cases:list")).status_code == 200
    # The code just used is spent; the command now prints the next one.
    assert demo_code("worker.almaty") != code


def test_users_outside_the_demo_set_are_refused(demo_output: str, alice):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    for username in ("alice", "nobody"):
        with pytest.raises(CommandError, match="demo users only"):
            demo_code(username)


def test_a_demo_user_who_set_up_their_own_app_is_refused(demo_output: str):
    user = User.objects.get(username="supervisor.almaty")
    TOTPDevice.objects.filter(user=user).update(key="00" * 20)
    with pytest.raises(CommandError):
        demo_code("supervisor.almaty")


def test_without_the_demo_set_no_one_gets_a_code(alice):
    User.objects.create_user("worker.almaty", password="irrelevant password 12")
    with pytest.raises(CommandError):
        demo_code("worker.almaty")
