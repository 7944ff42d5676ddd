"""The catalogue of special social services and the standards that govern them.

Everything here is reference data (DESIGN.md rule 4): the rows come from the versioned
file data/standards.yaml, loaded by a migration and by `qamqor standards import`
(catalogue.py), never from constants in code. docs/standards.md describes the model.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qamqor.translated import TranslatedName

CODE_LENGTH = 40


class ServiceType(TranslatedName):
    """One of the eight types of special social services of the Social Code."""

    code = models.SlugField(max_length=CODE_LENGTH, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")


class ServiceSetting(TranslatedName):
    """Where services are given: inpatient, semi-inpatient, home-based, temporary stay."""

    code = models.SlugField(_("code"), max_length=CODE_LENGTH, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service setting")
        verbose_name_plural = _("service settings")


class Service(TranslatedName):
    """A concrete service under a type, e.g. representation in court (social-legal)."""

    code = models.SlugField(_("code"), max_length=CODE_LENGTH, unique=True)
    service_type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("service type"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["service_type__position", "position", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")


class RecipientCategory(TranslatedName):
    """Whom a standard is for: a victim of trafficking, of domestic violence, a child..."""

    code = models.SlugField(_("code"), max_length=CODE_LENGTH, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("recipient category")
        verbose_name_plural = _("recipient categories")


class ExtensionReason(TranslatedName):
    """A ground on which a service period may be extended (criminal proceedings...)."""

    code = models.SlugField(_("code"), max_length=CODE_LENGTH, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("extension reason")
        verbose_name_plural = _("extension reasons")


class CountsFrom(models.TextChoices):
    """The events a time limit can run from: the ones the case file records."""

    ADMISSION = "admission", _("admission")
    ELIGIBILITY_DECISION = "eligibility_decision", _("eligibility decision")
    PLAN_START = "plan_start", _("start of the individual service plan")


class TimeLimit(TranslatedName):
    """Something that must be done within a number of days; each standard sets the days."""

    code = models.SlugField(_("code"), max_length=CODE_LENGTH, unique=True)
    counts_from = models.CharField(
        _("counts from"), max_length=CODE_LENGTH, choices=CountsFrom.choices
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")


class Standard(models.Model):
    """One version of the standard for a recipient category, in force for a span of dates.

    A plan takes the standard in force on the day it starts (`standard_for`) and keeps it:
    a regulation change is a new row with its own effective_from, never an edit of the
    row that earlier plans point to.
    """

    code = models.SlugField(_("code"), max_length=CODE_LENGTH, unique=True)
    category = models.ForeignKey(
        RecipientCategory,
        on_delete=models.PROTECT,
        related_name="standards",
        verbose_name=_("recipient category"),
    )
    version = models.CharField(_("version"), max_length=100)
    effective_from = models.DateField(_("in force from"))
    # The last day in force (inclusive); empty while no later version has been entered.
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    service_period_days = models.PositiveIntegerField(_("service period (days)"))
    # Days added to the period on one of the extension reasons (180 + 90 = up to 270).
    extension_days = models.PositiveIntegerField(_("extension (days)"), default=0)
    extension_reasons = models.ManyToManyField(
        ExtensionReason, blank=True, related_name="standards", verbose_name=_("extension reasons")
    )
    required_service_types = models.ManyToManyField(
        ServiceType, related_name="standards", verbose_name=_("required service types")
    )
    required_services = models.ManyToManyField(
        Service, blank=True, related_name="standards", verbose_name=_("required services")
    )
    allowed_settings = models.ManyToManyField(
        ServiceSetting, related_name="standards", verbose_name=_("allowed settings")
    )
    time_limits = models.ManyToManyField(
        TimeLimit,
        through="StandardTimeLimit",
        related_name="standards",
        verbose_name=_("time limits"),
    )
    source = models.TextField(_("source (legal basis)"))
    # False until someone has checked the figures against the text of the order.
    verified = models.BooleanField(_("checked against the order"), default=False)

    class Meta:
        ordering = ["category__position", "effective_from"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="standard_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(service_period_days__gt=0), name="standard_period_positive"
            ),
            # Overlapping spans are refused by the importer; this catches the plainest
            # overlap (two versions starting the same day) in the database itself.
            models.UniqueConstraint(
                fields=["category", "effective_from"], name="one_standard_per_category_and_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"

    @property
    def max_period_days(self) -> int:
        return self.service_period_days + self.extension_days


class StandardTimeLimit(models.Model):
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="limits")
    time_limit = models.ForeignKey(TimeLimit, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveIntegerField(_("days"))

    class Meta:
        ordering = ["time_limit__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "time_limit"], name="one_limit_per_standard"
            )
        ]
        verbose_name = _("time limit of a standard")
        verbose_name_plural = _("time limits of standards")


class AgencyOffer(models.Model):
    """An agency's declaration that it provides a concrete service in a setting."""

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.CASCADE,
        related_name="service_offers",
        verbose_name=_("agency"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="offers", verbose_name=_("service")
    )
    setting = models.ForeignKey(
        ServiceSetting, on_delete=models.PROTECT, related_name="offers", verbose_name=_("setting")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "service", "setting"], name="one_offer_per_service_and_setting"
            )
        ]
        verbose_name = _("service offered by an agency")
        verbose_name_plural = _("services offered by agencies")

    def __str__(self) -> str:
        return f"{self.agency} · {self.service} · {self.setting}"
