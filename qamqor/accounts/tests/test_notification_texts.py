"""Every kind of notification reads as a sentence, even when a fact is missing."""

from django.utils import translation

from qamqor.accounts.models import Notification
from qamqor.accounts.notifications import MESSAGES, message


def test_every_kind_has_a_text_naming_its_case():
    with translation.override("en"):
        for kind in MESSAGES:
            text = message(Notification(kind=kind, case_code="ALA-2026-000001", params={}))
            assert "ALA-2026-000001" in text, kind
            assert "%(" not in text, kind


def test_a_missing_fact_reads_as_a_dash_not_an_error():
    with translation.override("en"):
        text = message(Notification(kind="referral_received", case_code="ALA-2026-000001"))
    assert text == "— referred case ALA-2026-000001 to your agency; answer by —."


def test_each_recipient_gets_an_e_mail_of_their_own(
    carol, agency, django_capture_on_commit_callbacks
):
    from django.core import mail

    from qamqor.accounts.notifications import notify
    from qamqor.conftest import make_user

    other = make_user("other_supervisor", agency, role="supervisor")
    carol.email, other.email = "carol@example.kz", "other@example.kz"
    with django_capture_on_commit_callbacks(execute=True):
        notify([carol, other], "case_closure_requested", case_code="ALA-2026-000001", user="alice")
    assert sorted(m.to for m in mail.outbox) == [["carol@example.kz"], ["other@example.kz"]]
