"""Recording a consent: each way it is obtained, the signed form stored encrypted, and bad
input refused per field with nothing written (no row, no file, no audit event)."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.accounts.models import AgencyKind
from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency
from qamqor.referrals.consent_actions import SIGNED_FORM_MAX_BYTES, record_consent
from qamqor.referrals.models import Consent, ConsentMethod, ConsentPurpose, DataScope
from qamqor.vault.tests.helpers import stored

from . import consent_helpers
from .consent_helpers import DAY, JPEG, PDF, PNG, TODAY, signed, stored_files, upload, verbal

# The shared fixtures, named here so that pytest finds them in this module.
_english = consent_helpers._english
media = consent_helpers.media
frozen_today = consent_helpers.frozen_today

WITNESS = "Жанар Ахметова, психолог"


def test_a_verbal_consent_names_its_witness(alice, case, frozen_today):
    consent = record_consent(alice, case, **verbal())
    assert consent.pk and consent.given and consent.method == ConsentMethod.VERBAL_WITNESSED
    assert consent.witness == WITNESS and not consent.signed_form
    assert consent.recorded_by == alice and consent.in_force_on(TODAY)
    assert stored(Consent, "witness", consent.pk).startswith("v1:")


@pytest.mark.parametrize(("content", "extension"), [(PDF, ".pdf"), (JPEG, ".jpg"), (PNG, ".png")])
def test_a_signed_form_is_stored_encrypted_under_a_random_name(
    alice, case, frozen_today, media: Path, content, extension
):
    consent = record_consent(alice, case, **signed(signed_form=upload(content)))
    name = consent.signed_form.name
    assert name.startswith("consents/2026/") and name.endswith(extension)
    assert "Сәрсенбаева" not in name and "согласие" not in name
    [on_disk] = stored_files(media)
    raw = on_disk.read_bytes()
    assert raw.startswith(b"QMQRF1") and content not in raw
    with consent.signed_form.open("rb") as handle:
        assert handle.read() == content


def test_the_type_is_told_by_the_content_not_the_name(alice, case, frozen_today):
    consent = record_consent(alice, case, **signed(signed_form=upload(PNG, name="scan.pdf")))
    assert consent.signed_form.name.endswith(".png")


def test_a_refusal_is_recorded_too(alice, case, frozen_today):
    consent = record_consent(alice, case, **verbal(given=False, purpose=ConsentPurpose.STATISTICS))
    assert not consent.given and not consent.in_force_on(TODAY)


def test_a_referral_consent_may_name_an_agency_or_a_kind(alice, case, region, frozen_today):
    shelter = make_agency(region, kind="crisis_centre_state", name="Shelter")
    named = record_consent(alice, case, **verbal(recipient_agency=shelter))
    kind = AgencyKind.objects.get(code="crisis_centre_state")
    of_kind = record_consent(alice, case, **verbal(recipient_kind=kind, expires_on=TODAY + DAY))
    assert named.recipient_agency == shelter and of_kind.recipient_kind == kind


def test_recording_is_audited_without_names(alice, case, frozen_today):
    consent = record_consent(
        alice,
        case,
        **signed(by_representative=True, representative="Айгүл Сәрсенова",
                 representative_relation="опекун"),
    )  # fmt: skip
    event = AuditEvent.objects.get(action="consent.record")
    assert event.case_code == case.code and event.object_id == str(consent.pk)
    assert event.details["purpose"] == "referral" and event.details["scope"] == "identity"
    assert event.details["method"] == "signed_form" and event.details["signed_form"] is True
    assert event.details["given_on"] == TODAY.isoformat()
    text = str(event.details)
    for secret in ("Айгүл", "опекун", "Сәрсенбаева", WITNESS):
        assert secret not in text


BAD_INPUT = [
    ("verbal without a witness", verbal(witness="  "), "witness", "Name the witness"),
    ("signed without a form", signed(signed_form=None), "signed_form", "Upload the signed form"),
    (
        "a form with a verbal consent",
        verbal(signed_form=upload()),
        "signed_form",
        "Only a consent on a signed form",
    ),
    (
        "a form of another type",
        signed(signed_form=upload(b"MZ\x90\x00 not a scan", name="form.pdf")),
        "signed_form",
        "PDF, JPEG or PNG",
    ),
    (
        "a form too large",
        signed(signed_form=upload(PDF + b"0" * SIGNED_FORM_MAX_BYTES)),
        "signed_form",
        "the largest allowed is 10.0\xa0MB",
    ),
    (
        "a recipient on a consent to statistics",
        verbal(purpose=ConsentPurpose.STATISTICS, recipient_kind="police"),
        "recipient_agency",
        "Only a consent to a referral names a recipient",
    ),
    ("expiry before the date", verbal(expires_on=TODAY - DAY), "expires_on", "cannot expire"),
    ("a date in the future", verbal(given_on=TODAY + DAY), "given_on", "in the future"),
    (
        "a representative without a name",
        verbal(by_representative=True, representative_relation="мать"),
        "representative",
        "Name the legal representative",
    ),
    (
        "a representative without a relation",
        verbal(by_representative=True, representative="Айгүл Сәрсенова"),
        "representative_relation",
        "how the representative is related",
    ),
    (
        "a representative's name without the box ticked",
        verbal(representative="Айгүл Сәрсенова"),
        "by_representative",
        "Tick this",
    ),
    ("an unknown scope", verbal(scope="everything"), "scope", "not a valid choice"),
]


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_refused_per_field_and_writes_nothing(
    alice, case, frozen_today, media: Path, arguments, field, words
):
    if arguments.get("recipient_kind") == "police":
        arguments["recipient_kind"] = AgencyKind.objects.get(code="police")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        record_consent(alice, case, **arguments)
    messages = refused.value.message_dict
    assert field in messages and any(words in m for m in messages[field]), messages
    assert not Consent.objects.exists()
    assert stored_files(media) == []
    assert AuditEvent.objects.count() == events


def test_an_agency_and_a_kind_at_once_are_refused(alice, case, region, frozen_today):
    shelter = make_agency(region, kind="crisis_centre_state", name="Shelter")
    kind = AgencyKind.objects.get(code="police")
    with pytest.raises(ValidationError) as refused:
        record_consent(alice, case, **verbal(recipient_agency=shelter, recipient_kind=kind))
    assert "not both" in refused.value.message_dict["recipient_kind"][0]


def test_the_owning_agency_is_no_recipient(alice, case, agency, frozen_today):
    with pytest.raises(ValidationError) as refused:
        record_consent(alice, case, **verbal(recipient_agency=agency))
    assert "needs no consent" in refused.value.message_dict["recipient_agency"][0]


def test_every_problem_shows_at_once(alice, case, frozen_today):
    with pytest.raises(ValidationError) as refused:
        record_consent(alice, case, **verbal(witness="", given_on=TODAY + DAY, expires_on=TODAY))
    assert {"witness", "given_on"} <= set(refused.value.message_dict)


def test_a_failed_save_leaves_no_file(alice, case, frozen_today, media: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("qamqor.referrals.consent_actions.record", broken)
    with pytest.raises(RuntimeError):
        record_consent(alice, case, **signed())
    assert not Consent.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("who", ["bob", "charlie", "dana", "gulnara"])
def test_only_editors_of_the_case_record(who, request, case, frozen_today, media: Path):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        record_consent(user, case, **signed())
    assert not Consent.objects.exists() and stored_files(media) == []


def test_the_supervisor_records(carol, case, frozen_today):
    consent = record_consent(carol, case, **verbal(scope=DataScope.FULL))
    assert consent.recorded_by == carol
