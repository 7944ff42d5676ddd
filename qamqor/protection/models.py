"""Protective orders, court special requirements, their breaches, and safety plans.

Whether a measure is in force is computed from its dates and the one clock
(`qamqor.clock.today`), never stored, so it cannot drift. How long each kind of measure
may last is data (`DurationLimit`), as are the conditions a measure may impose
(`ProtectionCondition`): both are loaded by migrations and can change with the law.
"""

import calendar
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qamqor.clock import today
from qamqor.translated import TranslatedName
from qamqor.vault.fields import EncryptedCharField, EncryptedTextField


class MeasureKind(models.TextChoices):
    """The two protection measures of Law No. 214-IV on prevention of domestic violence."""

    POLICE_ORDER = "police_order", _("Police protective order")
    COURT_REQUIREMENTS = "court_requirements", _("Court special requirements")


class LengthUnit(models.TextChoices):
    DAYS = "days", _("days")
    MONTHS = "months", _("months")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class DurationLimit(models.Model):
    """How long a kind of measure may last, from a date on (effective-dated data).

    Lengths count the days in force, the first and the last included: a 30-day police
    order starting on 1 March is in force until 30 March. Months are calendar months, so
    "3 months to 1 year" holds across short months and leap years alike.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=MeasureKind.choices)
    effective_from = models.DateField(_("effective from"))
    unit = models.CharField(_("unit"), max_length=10, choices=LengthUnit.choices)
    minimum = models.PositiveSmallIntegerField(_("shortest"))
    maximum = models.PositiveSmallIntegerField(_("longest"))
    # How far after its issue a measure may start: later than this is a typing error.
    start_within_days = models.PositiveSmallIntegerField(_("starts within (days of issue)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="one_limit_per_date")
        ]

    @classmethod
    def applying(cls, kind: str, on: datetime.date) -> "DurationLimit | None":
        return (
            cls.objects.filter(kind=kind, effective_from__lte=on)
            .order_by("-effective_from")
            .first()
        )

    def last_day(self, starts_on: datetime.date, length: int) -> datetime.date:
        """The last day in force of a measure of `length` units starting on `starts_on`."""
        if self.unit == LengthUnit.MONTHS:
            return add_months(starts_on, length) - datetime.timedelta(days=1)
        return starts_on + datetime.timedelta(days=length - 1)

    def describe(self) -> str:
        unit = self.get_unit_display()
        if self.minimum == self.maximum or self.minimum <= 1:
            return _("at most %(max)d %(unit)s") % {"max": self.maximum, "unit": unit}
        return _("%(min)d to %(max)d %(unit)s") % {
            "min": self.minimum,
            "max": self.maximum,
            "unit": unit,
        }


class ProtectionCondition(TranslatedName):
    """A condition a measure may impose (no contact, no firearms, report to police...)."""

    code = models.CharField(max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    # A condition with a frequency (reporting to police N times a month) asks for N.
    frequency_min = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency_max = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "code"]

    @property
    def asks_frequency(self) -> bool:
        return self.frequency_max is not None


class MeasureStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    NOT_YET = "not_yet", _("Not yet in force")


class ProtectionMeasure(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="protection")
    kind = models.CharField(_("kind"), max_length=30, choices=MeasureKind.choices)
    issuer_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("issuing agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issuer = EncryptedCharField(
        _("issued by"), max_length=200, blank=True, help_text=_("The police unit or court.")
    )
    number = EncryptedCharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"))
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), help_text=_("The last day in force."))
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    reports_per_month = models.PositiveSmallIntegerField(
        _("reports to police per month"), null=True, blank=True
    )
    other_conditions = EncryptedTextField(_("other conditions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("protection measure")
        indexes = [models.Index(fields=["ends_on", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"

    def status_on(self, day: datetime.date) -> str:
        if day < self.starts_on:
            return MeasureStatus.NOT_YET
        if day > self.ends_on:
            return MeasureStatus.EXPIRED
        return MeasureStatus.IN_FORCE

    @property
    def status(self) -> str:
        return self.status_on(today())

    def get_status_display(self) -> str:
        return str(MeasureStatus(self.status).label)

    @property
    def days_left(self) -> int:
        """Days after today that the measure stays in force (0: today is its last day)."""
        return (self.ends_on - today()).days

    def condition_labels(self) -> list[str]:
        names = {
            c.code: c.name for c in ProtectionCondition.objects.filter(code__in=self.conditions)
        }
        return [names.get(code, code) for code in self.conditions]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.issued_on and self.issued_on > today():
            errors["issued_on"] = _("A measure cannot be issued in the future.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A measure cannot end before it starts.")
        if self.issued_on and self.starts_on and self.starts_on < self.issued_on:
            errors["starts_on"] = _("A measure cannot be in force before it was issued.")
        if not errors and self.kind and self.issued_on and self.starts_on and self.ends_on:
            self._check_length(errors)
        self._check_conditions(errors)
        if errors:
            raise ValidationError(errors)

    def _check_length(self, errors: dict[str, Any]) -> None:
        limit = DurationLimit.applying(self.kind, self.issued_on)
        if limit is None:
            errors["kind"] = _("No duration is set for this kind of measure on that date.")
            return
        latest_start = self.issued_on + datetime.timedelta(days=limit.start_within_days)
        if self.starts_on > latest_start:
            errors["starts_on"] = _(
                "A %(kind)s starts within %(days)d days of its issue; check the dates."
            ) % {"kind": self.get_kind_display(), "days": limit.start_within_days}
        elif self.ends_on > limit.last_day(self.starts_on, limit.maximum):
            errors["ends_on"] = _("A %(kind)s lasts %(allowed)s; this one is longer.") % {
                "kind": self.get_kind_display(),
                "allowed": limit.describe(),
            }
        elif self.ends_on < limit.last_day(self.starts_on, limit.minimum):
            errors["ends_on"] = _("A %(kind)s lasts %(allowed)s; this one is shorter.") % {
                "kind": self.get_kind_display(),
                "allowed": limit.describe(),
            }

    def _check_conditions(self, errors: dict[str, Any]) -> None:
        if not isinstance(self.conditions, list):
            errors["conditions"] = _("Conditions are a list of codes.")
            return
        known = {c.code: c for c in ProtectionCondition.objects.filter(code__in=self.conditions)}
        unknown = sorted(set(self.conditions) - set(known))
        if unknown:
            errors["conditions"] = _("Unknown condition: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
            return
        with_frequency = [c for c in known.values() if c.asks_frequency]
        if not with_frequency:
            if self.reports_per_month is not None:
                errors["reports_per_month"] = _(
                    "Reports to police are counted only when the measure requires them."
                )
            return
        condition = with_frequency[0]
        low, high = condition.frequency_min or 1, condition.frequency_max or 1
        if self.reports_per_month is None or not low <= self.reports_per_month <= high:
            errors["reports_per_month"] = _(
                "Say how many times a month the person must report: %(low)d to %(high)d."
            ) % {"low": low, "high": high}


class Breach(models.Model):
    measure = models.ForeignKey(
        ProtectionMeasure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="breaches",
    )
    occurred_on = models.DateField(_("date of the breach"))
    description = EncryptedTextField(_("what happened"), blank=True)
    reported_to_police = models.BooleanField(_("reported to the police"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("breach")

    def clean(self) -> None:
        if not self.occurred_on:
            return
        if self.occurred_on > today():
            raise ValidationError({"occurred_on": _("A breach cannot be dated in the future.")})
        if self.measure_id and not (
            self.measure.starts_on <= self.occurred_on <= self.measure.ends_on
        ):
            raise ValidationError({"occurred_on": _("The measure was not in force on that date.")})


class SafetyPlan(models.Model):
    """One version of a case's safety plan. A change is a new version, never an edit."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="safety_plans")
    version = models.PositiveIntegerField()
    safe_contacts = EncryptedTextField(
        _("safe contacts"), blank=True, help_text=_("People and numbers to call in danger.")
    )
    code_word = EncryptedCharField(
        _("code word"), max_length=100, blank=True, help_text=_("A word that means: call for help.")
    )
    places_to_go = EncryptedTextField(_("places to go"), blank=True)
    documents_ready = EncryptedTextField(
        _("documents to keep ready"),
        blank=True,
        help_text=_("Identity papers, children's documents, medical records, money."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("safety plan")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="one_safety_plan_version")
        ]

    TEXT_FIELDS = ("safe_contacts", "code_word", "places_to_go", "documents_ready")

    def clean(self) -> None:
        if not any(str(getattr(self, name) or "").strip() for name in self.TEXT_FIELDS):
            raise ValidationError(_("A safety plan needs at least one of its parts filled in."))
