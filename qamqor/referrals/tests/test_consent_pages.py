"""The consent page of a case, withdrawal with its confirmation, the signed form's
download and the case file's summary: who gets what, and what each shows."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency, signed_in
from qamqor.referrals.consent_actions import record_consent, withdraw_consent
from qamqor.referrals.models import Consent, ConsentMethod, DataScope, ReferralStatus

from . import consent_helpers
from .consent_helpers import (
    DAY,
    PDF,
    PNG,
    TODAY,
    make_referral,
    signed,
    stored_files,
    upload,
    verbal,
)

# The shared fixtures, named here so that pytest finds them in this module.
_english = consent_helpers._english
media = consent_helpers.media
frozen_today = consent_helpers.frozen_today
consent_for = consent_helpers.consent_for

WITNESS = "Жанар Ахметова, психолог"
REPRESENTATIVE = "Айгүл Сәрсенова"


def page(case) -> str:
    return reverse("referrals:consent_list", args=[case.code])


def withdraw_url(consent) -> str:
    return reverse("referrals:consent_withdraw", args=[consent.case.code, consent.pk])


def form_url(consent) -> str:
    return reverse("referrals:consent_form", args=[consent.case.code, consent.pk])


def form_data(**overrides):
    data = {
        "consent-purpose": "referral",
        "consent-scope": "identity",
        "consent-given": "agreed",
        "consent-method": ConsentMethod.VERBAL_WITNESSED,
        "consent-witness": WITNESS,
        "consent-given_on": TODAY.isoformat(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def shelter(region):
    return make_agency(region, kind="crisis_centre_state", name="Shelter Aqmola")


def test_the_page_groups_consents_by_where_they_stand(alice, case, consent_for, frozen_today):
    consent_for(case, expires_on=TODAY + 30 * DAY)
    consent_for(case, given_on=TODAY - 40 * DAY, expires_on=TODAY - 10 * DAY, purpose="statistics")
    withdraw_consent(alice, consent_for(case, purpose="proceedings"))
    consent_for(case, given=False, purpose="processing", witness="Ерлан Бекова")
    body = signed_in(alice).get(page(case)).content.decode()
    sections = ["In force", "Expired", "Withdrawn", "Refused"]
    positions = [body.index(f">{section}</h2>") for section in sections]
    assert positions == sorted(positions)
    assert "Sharing with police and prosecutor" in body and "withdrawn 02.03.2026" in body
    assert WITNESS in body and "Ерлан Бекова" in body
    assert f"expires {(TODAY + 30 * DAY):%d.%m.%Y}" in body
    assert body.count(">Withdraw</a>") == 1  # the one in force only
    assert "Record a consent or a refusal" in body
    for radio in ("consent-scope", "consent-method", "consent-given"):
        assert f'name="{radio}" value=""' not in body  # no empty choice to tick


def test_each_view_of_the_page_is_on_record(alice, case, frozen_today):
    signed_in(alice).get(page(case))
    event = AuditEvent.objects.get(action="consent.view")
    assert event.read and event.case_code == case.code and event.actor == alice


def test_the_page_reads_a_fixed_number_of_queries(alice, case, consent_for, shelter):
    def queries() -> int:
        client = signed_in(alice)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(case)).status_code == 200
        return len(captured)

    consent_for(case, recipient_agency=shelter)
    few = queries()
    for _ in range(5):
        consent_for(case, recipient_agency=shelter)
    withdraw_consent(alice, consent_for(case))
    assert queries() == few


def test_a_childs_consent_shows_the_representative_and_the_childs_view(make_case, frozen_today):
    child = make_case(birth_year=2012, birth_month=1, birth_day=1)
    record_consent(
        child.created_by,
        child,
        **verbal(by_representative=True, representative=REPRESENTATIVE,
                 representative_relation="тётя", child_view="Хочет остаться у тёти."),
    )  # fmt: skip
    body = signed_in(child.created_by).get(page(child)).content.decode()
    assert REPRESENTATIVE in body and "тётя" in body and "Хочет остаться у тёти." in body


def test_the_owner_records_a_signed_consent_from_the_page(alice, case, frozen_today, media):
    data = form_data(**{"consent-method": ConsentMethod.SIGNED_FORM, "consent-witness": None})
    data["consent-signed_form"] = upload(PNG, name="scan.png")
    response = signed_in(alice).post(page(case), data)
    assert response.status_code == 302 and response.url == page(case)
    consent = Consent.objects.get()
    assert consent.given and consent.scope == DataScope.IDENTITY
    assert consent.signed_form.name.endswith(".png") and len(stored_files(media)) == 1


def test_a_refusal_is_recorded_from_the_page(alice, case, frozen_today):
    response = signed_in(alice).post(page(case), form_data(**{"consent-given": "refused"}))
    assert response.status_code == 302
    assert not Consent.objects.get().given


def test_bad_input_on_the_page_shows_field_errors_and_saves_nothing(
    alice, case, frozen_today, media
):
    data = form_data(**{
        "consent-method": ConsentMethod.SIGNED_FORM,
        "consent-witness": None,
        "consent-given_on": (TODAY + DAY).isoformat(),
        "consent-signed_form": upload(b"GIF89a not allowed", name="form.gif"),
    })  # fmt: skip
    response = signed_in(alice).post(page(case), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Upload the signed form as a PDF, JPEG or PNG file." in body
    assert "A consent cannot be dated in the future." in body
    assert not Consent.objects.exists() and stored_files(media) == []


def test_a_childs_consent_without_a_representative_is_refused_on_the_page(make_case, frozen_today):
    child = make_case(birth_year=2012, birth_month=1, birth_day=1)
    response = signed_in(child.created_by).post(page(child), form_data())
    assert response.status_code == 400
    body = response.content.decode()
    assert "a legal representative gives or refuses consent" in body
    assert "Record the child&#x27;s own view" in body
    assert not Consent.objects.exists()


def test_a_missing_answer_is_a_field_error(alice, case, frozen_today):
    response = signed_in(alice).post(page(case), form_data(**{"consent-given": None}))
    assert response.status_code == 400 and not Consent.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("charlie", 404), ("gulnara", 403)])
def test_others_neither_see_nor_record(who, status, request, case, consent_for):
    consent_for(case)
    client = signed_in(request.getfixturevalue(who))
    assert client.get(page(case)).status_code == status
    assert client.post(page(case), form_data()).status_code == status
    assert Consent.objects.count() == 1


def test_the_supervisor_sees_and_records(carol, case, frozen_today):
    assert signed_in(carol).get(page(case)).status_code == 200
    assert signed_in(carol).post(page(case), form_data()).status_code == 302


def test_withdrawal_asks_first_naming_the_shares_that_end(
    alice, case, consent_for, shelter, frozen_today
):
    consent = consent_for(case)
    make_referral(case, shelter, consent, status=ReferralStatus.ACCEPTED)
    make_referral(case, shelter, consent, status=ReferralStatus.COMPLETED)
    response = signed_in(alice).get(withdraw_url(consent))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 referral rests on this consent" in body and "Shelter Aqmola" in body
    assert "Withdraw the consent" in body
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # asking changes nothing


def test_withdrawal_from_the_page(alice, case, consent_for, shelter, frozen_today):
    consent = consent_for(case)
    referral = make_referral(case, shelter, consent)
    client = signed_in(alice)
    response = client.post(withdraw_url(consent))
    assert response.status_code == 302 and response.url == page(case)
    consent.refresh_from_db()
    referral.refresh_from_db()
    assert consent.withdrawn_at is not None and referral.share_ended_at is not None
    message = client.get(page(case)).content.decode()
    assert "Consent withdrawn. 1 referral resting on it lost its access" in message
    again = client.post(withdraw_url(consent))
    assert again.status_code == 400
    assert "This consent has already been withdrawn." in again.content.decode()
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1


def test_a_refusal_offers_nothing_to_withdraw(alice, case, consent_for):
    refusal = consent_for(case, given=False)
    body = signed_in(alice).get(withdraw_url(refusal)).content.decode()
    assert "there is no consent to withdraw" in body and "Withdraw the consent" not in body
    assert signed_in(alice).post(withdraw_url(refusal)).status_code == 400


def test_a_consent_of_another_case_is_not_found(alice, case, make_case, consent_for):
    other = consent_for(make_case())
    for url in (
        reverse("referrals:consent_withdraw", args=[case.code, other.pk]),
        reverse("referrals:consent_form", args=[case.code, other.pk]),
    ):
        assert signed_in(alice).get(url).status_code == 404
    assert (
        signed_in(alice)
        .post(reverse("referrals:consent_withdraw", args=[case.code, other.pk]))
        .status_code
        == 404
    )
    other.refresh_from_db()
    assert other.withdrawn_at is None


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("charlie", 404), ("gulnara", 403)])
def test_others_cannot_withdraw(who, status, request, case, consent_for):
    consent = consent_for(case)
    client = signed_in(request.getfixturevalue(who))
    assert client.get(withdraw_url(consent)).status_code == status
    assert client.post(withdraw_url(consent)).status_code == status
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_the_signed_form_downloads_decrypted_and_on_record(alice, case, frozen_today):
    consent = record_consent(alice, case, **signed())
    response = signed_in(alice).get(form_url(consent))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="consent-{case.code}-{consent.pk}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="consent.form.download")
    assert event.read and event.object_id == str(consent.pk) and event.case_code == case.code


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("charlie", 404), ("gulnara", 403)])
def test_the_signed_form_is_for_those_who_see_the_person(
    who, status, request, case, alice, frozen_today
):
    consent = record_consent(alice, case, **signed())
    response = signed_in(request.getfixturevalue(who)).get(form_url(consent))
    assert response.status_code == status
    assert not AuditEvent.objects.filter(action="consent.form.download").exists()


def test_a_verbal_consent_has_no_form_to_download(alice, case, consent_for):
    assert signed_in(alice).get(form_url(consent_for(case))).status_code == 404


def render_summary(case) -> str:
    return Template("{% load consent_tags %}{% consent_summary case %}").render(
        Context({"case": case})
    )


def test_the_case_file_summary_lists_the_consents_in_force(
    alice, case, consent_for, shelter, frozen_today
):
    consent_for(case, recipient_agency=shelter, expires_on=TODAY + 30 * DAY)
    consent_for(case, purpose="processing", scope=DataScope.FULL)
    withdraw_consent(alice, consent_for(case, purpose="proceedings"))
    consent_for(case, given=False, purpose="statistics")
    consent_for(case, purpose="statistics", given_on=TODAY - 9 * DAY, expires_on=TODAY - DAY)
    body = render_summary(case)
    assert body.count("<li>") == 2
    assert "Referral to an agency" in body and "Shelter Aqmola" in body
    assert f"until {(TODAY + 30 * DAY):%d.%m.%Y}" in body and "no expiry" in body
    assert "police and prosecutor" not in body and "statistics" not in body
    assert WITNESS not in body
    assert page(case) in body


def test_the_summary_says_when_no_consent_is_in_force(case, frozen_today):
    body = render_summary(case)
    assert "No consent in force today." in body and page(case) in body


def test_the_page_is_not_cached_with_an_old_date(alice, case, consent_for, frozen_today):
    """An expiry moves a consent between groups as the days pass."""
    consent_for(case, expires_on=TODAY + DAY)
    frozen_today(TODAY + datetime.timedelta(days=2))
    body = signed_in(alice).get(page(case)).content.decode()
    assert ">Expired</h2>" in body and ">In force</h2>" not in body


def test_media_root_is_the_tests_own(media: Path):
    from django.core.files.storage import default_storage

    assert Path(default_storage.location) == media


def test_the_same_form_posted_twice_records_one_consent(alice, case, frozen_today):
    import uuid

    url = reverse("referrals:consent_list", args=[case.code])
    key = str(uuid.uuid4())
    page = signed_in(alice).get(url).content.decode()
    assert 'name="submission_key"' in page
    for _ in range(2):
        response = signed_in(alice).post(url, form_data(submission_key=key))
        assert response.status_code == 302
    assert Consent.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="consent.record").count() == 1
