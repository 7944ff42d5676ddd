"""Consent, referrals between agencies and case transfers: the national referral mechanism.

A referral shares one case, never a copy of it: the receiving agency reaches the case
through the referral for as long as the referral is live and the consent it rests on is
in force, and sees no more than the referral's data scope (cases/access.py). Withdrawing
the consent ends every share that rested on it at once. docs/referrals.md has the rules.
"""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qamqor.translated import TranslatedName
from qamqor.vault.fields import EncryptedCharField, EncryptedTextField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency only


class DataScope(models.TextChoices):
    """How much of a case a consent allows to share, from least to most."""

    MINIMUM = "minimum", _("Minimum: case code, age band, sex and needs")
    IDENTITY = "identity", _("Identity: who the person is and how to reach them")
    FULL = "full", _("The full case file")


SCOPE_RANK = {DataScope.MINIMUM: 0, DataScope.IDENTITY: 1, DataScope.FULL: 2}


def scope_covers(granted: str, asked: str) -> bool:
    """Whether a consent of scope `granted` allows sharing `asked`."""
    return SCOPE_RANK[DataScope(granted)] >= SCOPE_RANK[DataScope(asked)]


class ConsentPurpose(models.TextChoices):
    PROCESSING = "processing", _("Processing of personal data")
    REFERRAL = "referral", _("Referral to an agency")
    PROCEEDINGS = "proceedings", _("Sharing with police and prosecutor for proceedings")
    STATISTICS = "statistics", _("Inclusion in statistics")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form, uploaded")
    VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness named")


class Consent(models.Model):
    """What the person (or, for a child, their legal representative) agreed to, or refused.

    A refusal is recorded too: it is as much a part of the file as an agreement. A consent
    is never edited; it is withdrawn, and a new one recorded.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    scope = models.CharField(_("data it covers"), max_length=10, choices=DataScope.choices)
    given = models.BooleanField(_("given"), help_text=_("Unticked: the person refused."))
    method = models.CharField(_("how it was obtained"), max_length=20, choices=ConsentMethod)
    # Stored encrypted by the default storage (vault.storage.EncryptedFileSystemStorage).
    signed_form = models.FileField(_("signed form"), upload_to="consents/%Y/", blank=True)
    witness = EncryptedCharField(_("witness"), max_length=200, blank=True)
    # For a referral: the named agency, or any agency of a kind (e.g. any crisis centre).
    recipient_agency = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agency it names"),
    )
    recipient_kind = models.ForeignKey(
        "accounts.AgencyKind",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kind of agency it names"),
    )
    given_on = models.DateField(_("date"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    by_representative = models.BooleanField(_("given by a legal representative"), default=False)
    representative = EncryptedCharField(_("legal representative"), max_length=200, blank=True)
    representative_relation = EncryptedCharField(
        _("representative's relation to the child"), max_length=100, blank=True
    )
    child_view = EncryptedTextField(_("the child's own view"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set by the consent form, so that a form posted twice records one consent.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["case", "purpose"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_expires_after_it_is_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.get_scope_display()}"

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.given
            and self.withdrawn_at is None
            and self.given_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )

    def names_agency(self, agency: "models.Model") -> bool:
        """Whether this referral consent covers `agency` (named, or of the kind named)."""
        if self.recipient_agency_id is not None:
            return self.recipient_agency_id == agency.pk
        if self.recipient_kind_id is not None:
            return self.recipient_kind_id == agency.kind_id  # type: ignore[attr-defined]
        return True  # a referral consent naming no one covers any agency

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.recipient_agency_id and self.recipient_kind_id:
            errors["recipient_kind"] = _("Name an agency or a kind of agency, not both.")
        if (self.recipient_agency_id or self.recipient_kind_id) and (
            self.purpose != ConsentPurpose.REFERRAL
        ):
            errors["recipient_agency"] = _("Only a consent to a referral names a recipient.")
        if self.method == ConsentMethod.VERBAL_WITNESSED and not self.witness.strip():
            errors["witness"] = _("Name the witness of a verbal consent.")
        if self.method == ConsentMethod.SIGNED_FORM and not self.signed_form:
            errors["signed_form"] = _("Upload the signed form.")
        if self.by_representative and not self.representative.strip():
            errors["representative"] = _("Name the legal representative.")
        if self.expires_on and self.given_on and self.expires_on < self.given_on:
            errors["expires_on"] = _("A consent cannot expire before it was given.")
        if errors:
            raise ValidationError(errors)


class Urgency(TranslatedName):
    """How soon a referral must be answered (data: migration 0002, editable rows)."""

    code = models.SlugField(max_length=20, unique=True)
    response_minutes = models.PositiveIntegerField(_("response period (minutes)"))
    # Share of the response period after which the recipient's supervisors are alerted.
    escalate_at_percent = models.PositiveSmallIntegerField(
        _("alert after this share of the period (percent)")
    )
    # The one case where a referral shares data without a consent in force: the minimum,
    # for protection, at an urgency marked as an emergency (migration 0003).
    emergency = models.BooleanField(
        _("emergency"),
        default=False,
        help_text=_("A protection referral this urgent may share the minimum without consent."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response_minutes__gt=0), name="urgency_period_positive"
            ),
            models.CheckConstraint(
                condition=Q(escalate_at_percent__gt=0, escalate_at_percent__lt=100),
                name="urgency_escalation_within_period",
            ),
        ]

    @property
    def response_period(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.response_minutes)


class ReferralPurpose(models.TextChoices):
    SERVICES = "services", _("Special social services")
    IDENTIFICATION = "identification", _("Identification as a victim")
    PROTECTION = "protection", _("Protection")
    PROCEEDINGS = "proceedings", _("Legal proceedings")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# Waiting for the recipient's answer.
AWAITING = (ReferralStatus.SENT,)
# The recipient works on the case through the referral.
LIVE = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
FINISHED = (
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
    ReferralStatus.REVOKED,
    ReferralStatus.EXPIRED,
)


class OverrideGround(models.TextChoices):
    """The only grounds on which identity is referred without consent."""

    CHILD_BEST_INTERESTS = "child_best_interests", _("The best interests of a child")
    THREAT_TO_LIFE = "threat_to_life", _("An immediate threat to life")


class Referral(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to agency"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    purpose = models.CharField(_("purpose"), max_length=20, choices=ReferralPurpose.choices)
    service_types = models.ManyToManyField(
        "services.ServiceType", blank=True, related_name="+", verbose_name=_("service types")
    )
    services = models.ManyToManyField(
        "services.Service", blank=True, related_name="referrals", verbose_name=_("services")
    )
    urgency = models.ForeignKey(
        Urgency, on_delete=models.PROTECT, related_name="+", verbose_name=_("urgency")
    )
    message = EncryptedTextField(_("message"), blank=True)
    scope = models.CharField(_("data shared"), max_length=10, choices=DataScope.choices)
    consent = models.ForeignKey(
        Consent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("consent"),
    )
    override_ground = models.CharField(
        _("ground for referring without consent"),
        max_length=30,
        choices=OverrideGround.choices,
        blank=True,
    )
    override_reason = EncryptedTextField(_("why without consent"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    respond_by = models.DateTimeField(_("answer due by"))
    escalated_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("why declined"), blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    # When the consent it rested on was withdrawn: the recipient's access ended then.
    share_ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_agency", "status", "respond_by"]),
            models.Index(fields=["from_agency", "-sent_at"]),
            models.Index(fields=["status", "respond_by"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")),
                name="referral_to_another_agency",
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=False)
                | Q(scope=DataScope.MINIMUM)
                | ~Q(override_ground=""),
                name="referral_beyond_minimum_needs_consent_or_override",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_agency_id} ({self.status})"

    @property
    def is_override(self) -> bool:
        return bool(self.override_ground)


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseTransfer(models.Model):
    """The owner proposes to hand the case to another agency; on acceptance it moves."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="transfers_received",
        verbose_name=_("to agency"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    reason = EncryptedTextField(_("why transfer the case"))
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("why declined"), blank=True)
    # Set on acceptance from the consents in force: whether the former owner keeps a
    # de-identified summary of the case.
    former_owner_keeps_summary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="proposed"),
                name="one_proposed_transfer_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")),
                name="transfer_to_another_agency",
            ),
        ]
