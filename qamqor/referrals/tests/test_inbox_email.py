"""Notifications by e-mail: the mail server from the environment, and what an e-mail says."""

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from qamqor import settings as qamqor_settings
from qamqor.referrals.models import ReferralPurpose, Urgency
from qamqor.referrals.referral_actions import send_referral

from . import inbox_support
from .inbox_support import PERSON

frozen_moment = inbox_support.frozen_moment
english = inbox_support.english
police_case = inbox_support.police_case

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_a_referral_e_mail_names_the_case_by_its_code_and_never_the_person(
    alice, carol, charlie, agency, police_case, django_capture_on_commit_callbacks
):
    alice.email = "alice@crisis-centre.example.kz"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_referral(
            charlie,
            police_case,
            agency,
            purpose=ReferralPurpose.PROTECTION,
            urgency=Urgency.objects.get(code="emergency"),
            message=f"{PERSON['surname']} {PERSON['given_name']} просит приют",
            scope="minimum",
        )
    [email] = mail.outbox
    assert email.to == ["alice@crisis-centre.example.kz"]
    assert police_case.code in email.body
    text = email.subject + email.body
    for value in (*PERSON.values(), police_case.person.surname, "просит приют"):
        assert value not in text


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch):
    for name in ("EMAIL_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS"):
        monkeypatch.delenv(f"QAMQOR_{name}", raising=False)

    def set_variables(**variables: str) -> dict:
        for name, value in variables.items():
            monkeypatch.setenv(f"QAMQOR_{name}", value)
        return qamqor_settings.email_settings()

    return set_variables


def test_without_a_mail_server_e_mails_go_to_the_console(environment):
    assert environment()["EMAIL_BACKEND"] == CONSOLE
    assert environment(EMAIL_URL="console:")["EMAIL_BACKEND"] == CONSOLE


def test_a_mail_server_from_one_url(environment):
    found = environment(EMAIL_URL="smtp://qamqor%40mail.kz:p%3Ass@mail.example.kz:587?tls=1")
    assert found == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.kz",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "qamqor@mail.kz",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    found = environment(EMAIL_URL="smtps://mail.example.kz")
    assert (found["EMAIL_PORT"], found["EMAIL_USE_SSL"], found["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    assert environment(EMAIL_URL="smtp://relay")["EMAIL_PORT"] == 25


def test_a_mail_server_from_its_own_variables(environment):
    found = environment(SMTP_HOST="mail.example.kz", SMTP_USER="qamqor", SMTP_PASSWORD="secret")
    assert found["EMAIL_BACKEND"] == SMTP
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_USE_TLS"]) == (
        "mail.example.kz",
        587,
        True,
    )
    assert (found["EMAIL_HOST_USER"], found["EMAIL_HOST_PASSWORD"]) == ("qamqor", "secret")
    found = environment(SMTP_HOST="relay.local", SMTP_PORT="25", SMTP_TLS="0")
    assert (found["EMAIL_PORT"], found["EMAIL_USE_TLS"]) == (25, False)


def test_the_url_wins_over_the_separate_variables(environment):
    found = environment(EMAIL_URL="smtp://url.example.kz", SMTP_HOST="variables.example.kz")
    assert found["EMAIL_HOST"] == "url.example.kz"


def test_an_unknown_kind_of_mail_url_is_refused_at_start(environment):
    with pytest.raises(ImproperlyConfigured, match="QAMQOR_EMAIL_URL"):
        environment(EMAIL_URL="http://mail.example.kz")


def test_the_tests_keep_e_mails_in_memory(settings):
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
