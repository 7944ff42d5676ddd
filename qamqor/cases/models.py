"""Cases, their incidents and notes."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qamqor.clock import today
from qamqor.vault.fields import EncryptedCharField, EncryptedTextField


class Grounds(models.TextChoices):
    TRAFFICKING = "trafficking", _("Human trafficking")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    CRUEL_TREATMENT = "cruel_treatment", _("Other cruel treatment")


class Status(models.TextChoices):
    """HTCDS cas_Status values."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed, referred")


CLOSED_STATUSES = (Status.CLOSED, Status.CLOSED_REFERRED)


class ClosureOutcome(models.TextChoices):
    """Why a case ends; the reason in words goes with it (HTCDS cas_ReasonForCaseClosure)."""

    SERVICES_COMPLETED = "services_completed", _("Services completed, goals reached")
    DECLINED = "declined", _("The person declined further services")
    LOST_CONTACT = "lost_contact", _("Contact with the person was lost")
    MOVED_AWAY = "moved_away", _("The person moved away or returned home")
    REFERRED = "referred", _("Referred on to another agency")
    NOT_ELIGIBLE = "not_eligible", _("Not a victim or not eligible")
    DIED = "died", _("The person died")
    OTHER = "other", _("Other")


# A case closed on referral is HTCDS "ClosedReferred"; every other outcome is "Closed".
CLOSING_STATUS = {ClosureOutcome.REFERRED: Status.CLOSED_REFERRED}


class Case(models.Model):
    code = models.CharField(_("case code"), max_length=20, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="cases")
    grounds = models.CharField(_("grounds"), max_length=20, choices=Grounds.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = EncryptedTextField(_("reason for closure"), blank=True)
    closure_outcome = models.CharField(
        _("outcome"), max_length=20, choices=ClosureOutcome.choices, blank=True
    )
    owner_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("owning agency"),
        on_delete=models.PROTECT,
        related_name="owned_cases",
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseAssignment",
        through_fields=("case", "user"),
        related_name="assigned_cases",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Set by the intake form, so that a form posted twice opens one case.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("case")
        indexes = [
            models.Index(fields=["owner_agency", "status", "-opened_on"]),
            models.Index(fields=["owner_agency", "-opened_on", "-id"]),
            models.Index(fields=["-opened_on", "-id"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def age_band(self) -> str:
        """The person's age band today: what lists show instead of a date of birth."""
        return self.person.age_band(today())

    def clean(self) -> None:
        if self.opened_on and self.opened_on > today():
            raise ValidationError({"opened_on": _("A case cannot be opened in the future.")})
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("A case cannot close before it opened.")})


class ClosureDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ClosureRequest(models.Model):
    """A request to close a case, approved or refused by a supervisor of the owning agency.

    A case closes only through an approved request (cases.actions.approve_closure); the
    request keeps who asked, who decided and why, so the history stays with the case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    outcome = models.CharField(_("outcome"), max_length=20, choices=ClosureOutcome.choices)
    reason = EncryptedTextField(_("reason for closure"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=ClosureDecision.choices,
        default=ClosureDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = EncryptedTextField(_("why the closure was refused"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(decision="pending"),
                name="one_pending_closure_request_per_case",
            )
        ]


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_assignment")]


class CaseCounter(models.Model):
    """The last sequence number of case codes per region and year."""

    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_counter_per_region_year")
        ]


class ViolenceForm(models.TextChoices):
    """The four forms of domestic violence (Law No. 214-IV)."""

    PHYSICAL = "physical", _("Physical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    SEXUAL = "sexual", _("Sexual")
    ECONOMIC = "economic", _("Economic")


class ExploitationType(models.TextChoices):
    """HTCDS vic_TypeOfExploitation values."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military (non-state actors)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Spouse or partner")
    FORMER_SPOUSE = "former_spouse", _("Former spouse or partner")
    PARENT = "parent", _("Parent or step-parent")
    CHILD = "child", _("Son or daughter")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    IN_LAW = "in_law", _("In-law")
    ACQUAINTANCE = "acquaintance", _("Acquaintance")
    EMPLOYER = "employer", _("Employer")
    STRANGER = "stranger", _("Stranger")
    UNKNOWN = "unknown", _("Unknown")


class Incident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField(_("date"))
    date_is_approximate = models.BooleanField(_("the date is approximate"), default=False)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    locality = EncryptedCharField(_("locality"), max_length=150, blank=True)
    forms_of_violence = models.JSONField(_("forms of violence"), default=list, blank=True)
    exploitation_types = models.JSONField(_("types of exploitation"), default=list, blank=True)
    relationship = models.CharField(
        _("relationship to the perpetrator"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.UNKNOWN,
    )
    perpetrator_description = EncryptedTextField(_("perpetrator"), blank=True)
    narrative = EncryptedTextField(_("what happened"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("incident")

    def violence_labels(self) -> list[str]:
        return [str(ViolenceForm(v).label) for v in self.forms_of_violence]

    def exploitation_labels(self) -> list[str]:
        return [str(ExploitationType(v).label) for v in self.exploitation_types]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.occurred_on and self.occurred_on > today():
            errors["occurred_on"] = _("An incident cannot be dated in the future.")
        elif self.case_id and self.case.closed_on and self.occurred_on > self.case.closed_on:
            errors["occurred_on"] = _(
                "The case was closed on %(date)s; an incident after that belongs to a new "
                "case or a reopened one."
            ) % {"date": self.case.closed_on.strftime("%d.%m.%Y")}
        unknown_forms = set(self.forms_of_violence) - set(ViolenceForm.values)
        if unknown_forms:
            errors["forms_of_violence"] = _("Unknown form of violence: %(values)s.") % {
                "values": ", ".join(sorted(unknown_forms))
            }
        unknown_types = set(self.exploitation_types) - set(ExploitationType.values)
        if unknown_types:
            errors["exploitation_types"] = _("Unknown type of exploitation: %(values)s.") % {
                "values": ", ".join(sorted(unknown_types))
            }
        if errors:
            raise ValidationError(errors)


class CaseNote(models.Model):
    """A note is never edited: a correction is a new note pointing at the one it corrects."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    text = EncryptedTextField(_("note"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case note")
