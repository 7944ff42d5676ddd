"""Individual service plans: goals, planned services, extensions and the delivery log.

A plan is generated from the case's eligibility decision and the standard in force on the
day it starts, and keeps that standard for its whole life (services.standards). Whether a
service is due, overdue or delivered is never stored: queries.py computes it from the
planned services and the deliveries, so it cannot drift. docs/plans.md describes the
model and its rules.
"""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qamqor.clock import today

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency only
from qamqor.vault.fields import EncryptedTextField


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
    CLOSED = "closed", _("Closed")


# A plan is open until its closure is approved: one awaiting approval is still followed.
OPEN_STATUSES = (PlanStatus.ACTIVE, PlanStatus.CLOSURE_REQUESTED)


class PlanOutcome(models.TextChoices):
    """Why a plan ends; the reason in words goes with it (HTCDS cas_ReasonForCaseClosure)."""

    GOALS_ACHIEVED = "goals_achieved", _("Goals achieved")
    SERVICES_COMPLETED = "services_completed", _("Services completed")
    DECLINED = "declined", _("The person declined further services")
    MOVED_OR_LOST_CONTACT = "moved_or_lost_contact", _("Moved away or contact lost")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    DIED = "died", _("The person died")
    OTHER = "other", _("Other")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    AS_NEEDED = "as_needed", _("As needed")


class DeliveryOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    PARTLY_DELIVERED = "partly_delivered", _("Partly delivered")
    REFUSED = "refused", _("Refused by the person")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")


# Outcomes that count as the service given (for "delivered" and "overdue").
COUNTING_OUTCOMES = (DeliveryOutcome.DELIVERED, DeliveryOutcome.PARTLY_DELIVERED)


def _not_before_start(
    day: datetime.date | None,
    started_on: datetime.date | None,
    field: str,
    message: "StrOrPromise",
) -> dict[str, str]:
    if day and started_on and day < started_on:
        return {field: message % {"date": started_on.strftime("%d.%m.%Y")}}
    return {}


def _not_in_future(day: datetime.date | None, field: str) -> dict[str, str]:
    if day and day > today():
        return {field: str(_("This date is in the future."))}
    return {}


class ServicePlan(models.Model):
    """The individual service plan of a case under one standard, from start to closure."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="service_plans")
    category = models.ForeignKey(
        "services.RecipientCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient category"),
    )
    # The standard in force on started_on, kept when a later version comes into force.
    standard = models.ForeignKey(
        "services.Standard",
        on_delete=models.PROTECT,
        related_name="service_plans",
        verbose_name=_("standard"),
    )
    # RESTRICT, not PROTECT: the decision cannot go while the plan stays, yet deleting the
    # whole case deletes both.
    eligibility_decision = models.ForeignKey(
        "assessments.EligibilityDecision",
        on_delete=models.RESTRICT,
        related_name="service_plans",
        verbose_name=_("eligibility decision"),
    )
    started_on = models.DateField(_("started on"))
    review_on = models.DateField(_("review date"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    # Closure: requested by a case editor, decided by an approver of the owning agency.
    outcome = models.CharField(_("outcome"), max_length=30, choices=PlanOutcome.choices, blank=True)
    closure_reason = EncryptedTextField(_("reason for closure"), blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_decided_at = models.DateTimeField(null=True, blank=True)
    # HTCDS spl_ActualEndDate: the day the closure was approved.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Why the last request was refused; cleared by the next request.
    refusal_reason = EncryptedTextField(_("why the closure was refused"), blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("individual service plan")
        verbose_name_plural = _("individual service plans")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=~Q(status=PlanStatus.CLOSED),
                name="one_open_plan_per_case",
                violation_error_message=_("This case already has an open service plan."),
            ),
            models.CheckConstraint(
                condition=Q(review_on__gte=F("started_on")), name="plan_review_after_start"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("started_on")),
                name="plan_closed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.status != PlanStatus.CLOSED

    def clean(self) -> None:
        errors = {
            **_not_in_future(self.started_on, "started_on"),
            **_not_before_start(
                self.review_on,
                self.started_on,
                "review_on",
                _("The review cannot come before the plan starts (%(date)s)."),
            ),
            **_not_before_start(
                self.closed_on,
                self.started_on,
                "closed_on",
                _("A plan cannot close before it starts (%(date)s)."),
            ),
        }
        if errors:
            raise ValidationError(errors)


class Goal(models.Model):
    """A goal agreed with the person, in their own words."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="goals")
    text = EncryptedTextField(_("goal, in the person's own words"))
    agreed_on = models.DateField(_("agreed on"))
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["agreed_on", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def clean(self) -> None:
        errors = {
            **_not_in_future(self.agreed_on, "agreed_on"),
            **_not_before_start(
                self.agreed_on,
                self.plan.started_on if self.plan_id else None,
                "agreed_on",
                _("A goal cannot be agreed before the plan starts (%(date)s)."),
            ),
        }
        if errors:
            raise ValidationError(errors)


class PlannedService(models.Model):
    """A concrete service the plan promises: who gives it, where, how often, by when."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    provider = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="planned_services",
        verbose_name=_("provider"),
    )
    setting = models.ForeignKey(
        "services.ServiceSetting",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("setting"),
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    due_on = models.DateField(_("due by"))
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["service__service_type__position", "service__position", "id"]
        indexes = [models.Index(fields=["due_on", "plan"])]
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")

    def __str__(self) -> str:
        return str(self.service)

    def clean(self) -> None:
        if not self.plan_id:
            return
        errors = _not_before_start(
            self.due_on,
            self.plan.started_on,
            "due_on",
            _("A service cannot be due before the plan starts (%(date)s)."),
        )
        if (
            self.setting_id
            and not self.plan.standard.allowed_settings.filter(pk=self.setting_id).exists()
        ):
            errors["setting"] = str(_("The plan's standard does not provide for this setting."))
        if errors:
            raise ValidationError(errors)


class PlanExtension(models.Model):
    """Days added to the service period on one of the standard's extension reasons."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="extensions")
    reason = models.ForeignKey(
        "services.ExtensionReason",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reason"),
    )
    days = models.PositiveIntegerField(_("days"))
    granted_on = models.DateField(_("granted on"))
    note = EncryptedTextField(_("note"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["granted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="plan_extension_days_positive")
        ]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def clean(self) -> None:
        errors = {
            **_not_in_future(self.granted_on, "granted_on"),
            **_not_before_start(
                self.granted_on,
                self.plan.started_on if self.plan_id else None,
                "granted_on",
                _("An extension cannot be granted before the plan starts (%(date)s)."),
            ),
        }
        if self.days is not None and self.days <= 0:
            errors["days"] = str(_("Give a number of days greater than zero."))
        if errors:
            raise ValidationError(errors)


class Delivery(models.Model):
    """One service given (or offered) to the person: the delivery log of the plan."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="deliveries")
    # Empty for a service given outside the plan's list. RESTRICT: a planned service with
    # deliveries stays, yet deleting the whole plan deletes both.
    planned_service = models.ForeignKey(
        PlannedService,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="deliveries",
        verbose_name=_("planned service"),
    )
    provider = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("provider"),
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    delivered_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=DeliveryOutcome.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["planned_service", "outcome", "delivered_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0),
                name="delivery_duration_positive",
            )
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def clean(self) -> None:
        errors = {
            **_not_in_future(self.delivered_on, "delivered_on"),
            **_not_before_start(
                self.delivered_on,
                self.plan.started_on if self.plan_id else None,
                "delivered_on",
                _("A delivery cannot come before the plan starts (%(date)s)."),
            ),
        }
        if self.duration_minutes is not None and self.duration_minutes <= 0:
            errors["duration_minutes"] = str(_("Give a duration greater than zero."))
        planned = self.planned_service
        if planned is not None:
            if planned.plan_id != self.plan_id:
                errors["planned_service"] = str(_("This service is not in this plan."))
            elif self.service_id and planned.service_id != self.service_id:
                errors["service"] = str(_("The service differs from the planned service."))
        if errors:
            raise ValidationError(errors)
