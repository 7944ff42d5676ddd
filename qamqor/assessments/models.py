"""Screening and assessment instruments as versioned data, and their results.

An instrument version is never changed once loaded: results point at the version they
were answered with, so a new wording or new thresholds arrive as a new version.
Free text that can identify a person (evidence, grounds, reasons) is encrypted.
"""

import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qamqor.clock import today
from qamqor.translated import TranslatedName
from qamqor.vault.fields import EncryptedTextField

from .scoring import reflection_period_end


class InstrumentKind(models.TextChoices):
    TRAFFICKING = "trafficking_identification", _("Trafficking identification")
    DOMESTIC_VIOLENCE_RISK = "domestic_violence_risk", _("Domestic-violence risk")
    ELIGIBILITY = "eligibility", _("Eligibility for special social services")


class AnswerType(models.TextChoices):
    YES_NO_UNKNOWN = "yes_no_unknown", _("Yes / no / not known")
    CHECKLIST = "checklist", _("Checklist item with evidence")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class Instrument(TranslatedName):
    """One version of an instrument. `rules` holds its thresholds and periods (see
    data/instruments.yaml); `groups` names its item groups in the three languages."""

    code = models.SlugField(max_length=60)
    version = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=40, choices=InstrumentKind.choices)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    rules = models.JSONField(default=dict, blank=True)
    groups = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_instrument_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    def group_name(self, group: str) -> str:
        names = self.groups.get(group, {})
        return names.get((get_language() or "ru")[:2]) or names.get("ru") or group


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField()
    group = models.SlugField(max_length=60, blank=True)
    answer_type = models.CharField(max_length=20, choices=AnswerType.choices)
    text_kk = models.TextField("text (Kazakh)")
    text_ru = models.TextField("text (Russian)")
    text_en = models.TextField("text (English)")

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="one_item_code_per_version")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        language = (get_language() or "ru")[:2]
        return getattr(self, f"text_{language}", "") or self.text_ru

    @property
    def takes_evidence(self) -> bool:
        return self.answer_type == AnswerType.CHECKLIST


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")
    SUPERSEDED = "superseded", _("Superseded")


class RiskLevel(models.TextChoices):
    """In rising order: judgement and escalation may move a level up this list only."""

    STANDARD = "standard", _("Standard")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Assessment(models.Model):
    """One filling of one instrument version for a case.

    A draft has no score. Completing fixes the answers and the score; a completed
    assessment is replaced only by a new one that supersedes it.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    # Item code -> "yes" / "no" / "unknown".
    answers = models.JSONField(default=dict, blank=True)
    # Item code -> free-text evidence, as one encrypted JSON document.
    evidence_text = EncryptedTextField(blank=True)
    assessed_on = models.DateField(_("assessment date"))
    judgement_level = models.CharField(
        _("professional judgement"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    judgement_reason = EncryptedTextField(_("reason for the judgement"), blank=True)
    # The score, set on completion only.
    yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    count_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    incidents_in_window = models.PositiveSmallIntegerField(null=True, blank=True)
    escalated = models.BooleanField(default=False)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    conference_proposed = models.BooleanField(_("multi-agency conference proposed"), default=False)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("assessment")

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.instrument.version} ({self.status})"

    @property
    def evidence(self) -> dict[str, str]:
        return json.loads(self.evidence_text) if self.evidence_text else {}

    def set_evidence(self, evidence: dict[str, str]) -> None:
        kept = {code: text.strip() for code, text in evidence.items() if text and text.strip()}
        self.evidence_text = json.dumps(kept, ensure_ascii=False, sort_keys=True) if kept else ""


class TraffickingStatus(models.TextChoices):
    """HTCDS vic_TraffickingStatus."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class DecisionMakingOrg(models.TextChoices):
    """HTCDS vic_TraffickingStatusDecisionMakingOrg."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    NON_POLICE_GOVERNMENTAL = (
        "NonPoliceGovernmentalOrganization",
        _("Non-police governmental organisation"),
    )
    OTHER = "Other", _("Other")


class TraffickingDecision(models.Model):
    """A trafficking status decision. A later decision supersedes the earlier one.

    A "possible victim" decision starts a recovery and reflection period whose length is
    the identification instrument's data at the time of the decision.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="trafficking_decisions"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("trafficking status"), max_length=40, choices=TraffickingStatus)
    deciding_org_type = models.CharField(
        _("deciding organisation"), max_length=40, choices=DecisionMakingOrg
    )
    decided_on = models.DateField(_("date of the decision"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grounds = EncryptedTextField(_("grounds"))
    reflection_days = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-decided_on", "-id"]

    @property
    def reflection_period_end(self) -> datetime.date | None:
        if self.reflection_days is None:
            return None
        return reflection_period_end(self.decided_on, self.reflection_days)

    def clean(self) -> None:
        _refuse_future(self.decided_on)


class Eligibility(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NEEDS_INFORMATION = "needs_information", _("Needs more information")


class EligibilityDecision(models.Model):
    """An eligibility decision; an appeal or revision is a new decision superseding it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="eligibility_decisions"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Eligibility)
    deciding_body = models.CharField(_("deciding body"), max_length=200)
    decided_on = models.DateField(_("date of the decision"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reasons = EncryptedTextField(_("reasons"))
    on_appeal = models.BooleanField(_("decided on appeal"), default=False)
    recorded_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-decided_on", "-id"]

    def clean(self) -> None:
        _refuse_future(self.decided_on)

    def history(self) -> list["EligibilityDecision"]:
        """This decision and every one it revised, newest first."""
        chain: list[EligibilityDecision] = [self]
        while chain[-1].supersedes_id is not None:
            previous = chain[-1].supersedes
            assert previous is not None
            chain.append(previous)
        return chain


def _refuse_future(decided_on: datetime.date | None) -> None:
    if decided_on and decided_on > today():
        raise ValidationError({"decided_on": _("A decision cannot be dated in the future.")})


def instrument_in_force(code: str, on: datetime.date | None = None) -> Instrument:
    """The newest version of instrument `code` in force on a day (today by default)."""
    day = on or today()
    found = (
        Instrument.objects.filter(code=code, effective_from__lte=day)
        .filter(models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=day))
        .order_by("-version")
        .first()
    )
    if found is None:
        raise Instrument.DoesNotExist(f"no version of {code} is in force on {day}")
    return found
