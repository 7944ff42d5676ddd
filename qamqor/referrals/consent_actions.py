"""Recording and withdrawing consent. Each takes the acting user first, checks permission,
validates, writes, and records its audit event in the same transaction.

Audit details name the purpose, scope, method, dates and ids, never a witness, a
representative or the child's words: those stay encrypted on the consent row.
"""

import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from qamqor.accounts.models import Agency, AgencyKind, CaseScope, User
from qamqor.accounts.notifications import notify
from qamqor.audit.events import record
from qamqor.cases.access import require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now, today

from .consents import shares_resting_on
from .models import Consent, ConsentMethod

ADULT_AGE = 18
SIGNED_FORM_MAX_BYTES = 10 * 1024 * 1024
# What a scan or photograph of a signed form may be, told by its first bytes (the
# uploaded name and the browser's content type are the uploader's to choose).
SIGNED_FORM_SIGNATURES = {
    b"%PDF-": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG\r\n\x1a\n": ".png",
}
SIGNED_FORM_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


def signed_form_extension(upload: UploadedFile) -> str:
    """The extension the upload is stored under (.pdf, .jpg, .png), or a field error."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"signed_form": _("The file is empty.")})
    if size > SIGNED_FORM_MAX_BYTES:
        raise ValidationError(
            {
                "signed_form": _("The file is %(size)s; the largest allowed is %(limit)s.")
                % {
                    "size": filesizeformat(size),
                    "limit": filesizeformat(SIGNED_FORM_MAX_BYTES),
                }
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, extension in SIGNED_FORM_SIGNATURES.items():
        if head.startswith(signature):
            return extension
    raise ValidationError({"signed_form": _("Upload the signed form as a PDF, JPEG or PNG file.")})


def is_child_on(case: Case, day: datetime.date) -> bool:
    """Whether the person of `case` was under 18 on `day`, as far as their birth date or
    estimated age tells; an unknown age is not taken for a child's."""
    age = case.person.age_on(day)
    return age is not None and age < ADULT_AGE


def _known_adult_on(case: Case, day: datetime.date) -> bool:
    age = case.person.age_on(day)
    return age is not None and age >= ADULT_AGE


def record_consent(
    actor: User,
    case: Case,
    *,
    purpose: str,
    scope: str,
    given: bool,
    method: str,
    signed_form: UploadedFile | None = None,
    witness: str = "",
    recipient_agency: Agency | None = None,
    recipient_kind: AgencyKind | None = None,
    given_on: datetime.date,
    expires_on: datetime.date | None = None,
    by_representative: bool = False,
    representative: str = "",
    representative_relation: str = "",
    child_view: str = "",
    submission_key: uuid.UUID | None = None,
) -> Consent:
    """Record what the person (or their legal representative) agreed to or refused.

    Every problem is reported at once, per field; nothing is written (no row, no file)
    unless all is well. The signed form is stored encrypted under a random name.
    """
    require_case_edit(actor, case)
    if submission_key is not None:
        earlier = Consent.objects.filter(submission_key=submission_key, case=case).first()
        if earlier is not None:
            return earlier  # the same form posted again
    consent = Consent(
        case=case,
        submission_key=submission_key,
        purpose=purpose,
        scope=scope,
        given=given,
        method=method,
        witness=witness or "",
        recipient_agency=recipient_agency,
        recipient_kind=recipient_kind,
        given_on=given_on,
        expires_on=expires_on,
        by_representative=by_representative,
        representative=representative or "",
        representative_relation=representative_relation or "",
        child_view=child_view or "",
        recorded_by=actor,
        recorded_at=now(),
    )
    errors: dict[str, list[Any]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    extension = ""
    if signed_form:
        if method != ConsentMethod.SIGNED_FORM:
            refuse("signed_form", _("Only a consent on a signed form has a file to upload."))
        else:
            try:
                extension = signed_form_extension(signed_form)
            except ValidationError as error:
                for message in error.message_dict["signed_form"]:
                    refuse("signed_form", message)
        # Stored under a random name: an uploaded name may well be the person's.
        signed_form.name = uuid.uuid4().hex + extension
        consent.signed_form = signed_form  # type: ignore[assignment]
    if isinstance(given_on, datetime.date) and given_on > today():
        refuse("given_on", _("A consent cannot be dated in the future."))
    if recipient_agency is not None and recipient_agency.pk == case.owner_agency_id:
        refuse("recipient_agency", _("The agency that owns the case needs no consent to it."))
    _check_representation(case, consent, refuse)
    try:
        consent.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                if message not in errors.get(field, []):
                    refuse(field, message)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            consent.save()
            record(
                actor,
                "consent.record",
                consent,
                case_code=case.code,
                purpose=consent.purpose,
                scope=consent.scope,
                given=consent.given,
                method=consent.method,
                signed_form=bool(consent.signed_form),
                recipient_agency=consent.recipient_agency_id,
                recipient_kind=recipient_kind.code if recipient_kind is not None else "",
                given_on=consent.given_on.isoformat(),
                expires_on=consent.expires_on.isoformat() if consent.expires_on else "",
                by_representative=consent.by_representative,
            )
    except BaseException:
        _discard_stored_form(consent)
        raise
    return consent


def _check_representation(case: Case, consent: Consent, refuse: Callable[[str, str], None]) -> None:
    """A child's consent is given by a legal representative, with the child's own view."""
    day = consent.given_on
    if not isinstance(day, datetime.date):
        return  # the field error says what is wrong with the date
    representative = consent.representative.strip()
    relation = consent.representative_relation.strip()
    if is_child_on(case, day):
        if not consent.by_representative:
            refuse(
                "by_representative",
                _(
                    "The person was a child on that day: a legal representative gives or "
                    "refuses consent for them."
                ),
            )
        if not consent.child_view.strip():
            refuse(
                "child_view",
                _("Record the child's own view, or that the child could not express one and why."),
            )
    elif consent.child_view.strip() and _known_adult_on(case, day):
        refuse("child_view", _("The person was an adult on that day: there is no child's view."))
    if consent.by_representative:
        if not relation:
            refuse("representative_relation", _("Say how the representative is related to them."))
    elif representative or relation:
        refuse(
            "by_representative",
            _("Tick this when a representative gave the consent, or leave their details empty."),
        )


def _discard_stored_form(consent: Consent) -> None:
    """Remove a signed form written before its consent failed to be saved."""
    stored = consent.signed_form
    name = stored.name if stored else None
    if name and getattr(stored, "_committed", False) and stored.storage.exists(name):
        stored.storage.delete(name)


def share_recipients(agency_ids: Iterable[int]) -> list[User]:
    """Active members of the agencies whose role reaches the agency's cases."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__agency_id__in=list(agency_ids),
            memberships__ended_at__isnull=True,
            memberships__role__case_scope__in=[CaseScope.AGENCY, CaseScope.ASSIGNED],
        )
        .distinct()
        .order_by("pk")
    )


def withdraw_consent(actor: User, consent: Consent) -> int:
    """Withdraw `consent` now and end every share that rested on it; returns how many.

    The referrals keep their status: access through them ends because their share has
    ended (and the consent is no longer in force). The recipients are told that their
    access to the case ended, not why.
    """
    case = consent.case
    require_case_edit(actor, case)
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if not locked.given:
            raise ValidationError(_("This is a refusal: there is no consent to withdraw."))
        if locked.withdrawn_at is not None:
            raise ValidationError(_("This consent has already been withdrawn."))
        moment = now()
        locked.withdrawn_at = moment
        locked.withdrawn_by = actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        shares = list(
            shares_resting_on(locked)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", "to_agency_id")
        )
        referral_ids = [pk for pk, _agency in shares]
        shares_resting_on(locked).filter(pk__in=referral_ids).update(
            share_ended_at=moment, updated_at=moment
        )
        record(
            actor,
            "consent.withdraw",
            locked,
            case_code=case.code,
            purpose=locked.purpose,
            scope=locked.scope,
            shares_ended=len(referral_ids),
            referrals=referral_ids,
        )
        recipients = share_recipients({agency for _pk, agency in shares})
        if recipients:
            notify(recipients, "share_ended", case_code=case.code)
    consent.withdrawn_at, consent.withdrawn_by = locked.withdrawn_at, actor
    return len(referral_ids)
