"""Forms of the plan page. Choices are limited to what the plan allows (its services,
goals, the standard's settings and extension reasons); the actions check again."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency
from qamqor.services.models import ExtensionReason, RecipientCategory, Service, ServiceSetting
from qamqor.web.forms import DateInput

from .models import (
    DeliveryOutcome,
    Frequency,
    Goal,
    GoalStatus,
    PlannedService,
    PlanOutcome,
    ServicePlan,
)


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:  # type: ignore[override]
        return f"{obj.service_type.name} · {obj.name}"


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:  # type: ignore[override]
        return f"{obj.name} · {obj.region.name}"


class PlannedServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlannedService) -> str:  # type: ignore[override]
        return f"{obj.service.name} · {obj.provider.name}"


def _services() -> ServiceChoiceField:
    return ServiceChoiceField(
        label=_("service"), queryset=Service.objects.select_related("service_type")
    )


def _providers(required: bool = True) -> AgencyChoiceField:
    return AgencyChoiceField(
        label=_("provider"),
        queryset=Agency.objects.filter(is_active=True).select_related("region"),
        required=required,
    )


def _settings(plan: ServicePlan) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("setting"),
        queryset=ServiceSetting.objects.filter(standards=plan.standard_id),
    )


def _notes(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GenerateForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("recipient category"),
        queryset=RecipientCategory.objects.all(),
        help_text=_("The standard of this category in force on the start date applies."),
    )
    started_on = forms.DateField(label=_("plan starts on"), widget=DateInput())


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("goal, in the person's own words"), widget=forms.Textarea(attrs={"rows": 2})
    )
    agreed_on = forms.DateField(label=_("agreed on"), widget=DateInput())


class GoalUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("goal, in the person's own words"), widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("status"), choices=GoalStatus.choices)

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"goal-{goal.pk}")
        kwargs.setdefault("initial", {"text": goal.text, "status": goal.status})
        super().__init__(*args, **kwargs)
        self.goal = goal


class PlannedServiceForm(forms.Form):
    def __init__(self, *args: Any, plan: ServicePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"] = _services()
        self.fields["provider"] = _providers()
        self.fields["setting"] = _settings(plan)
        self.fields["frequency"] = forms.ChoiceField(
            label=_("frequency"), choices=Frequency.choices
        )
        self.fields["due_on"] = forms.DateField(label=_("due by"), widget=DateInput())
        self.fields["notes"] = _notes()


class PlannedServiceChangeForm(forms.Form):
    """The service stays; who gives it, where, how often and by when may change."""

    def __init__(self, *args: Any, planned: PlannedService, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"service-{planned.pk}")
        kwargs.setdefault(
            "initial",
            {
                "provider": planned.provider_id,
                "setting": planned.setting_id,
                "frequency": planned.frequency,
                "due_on": planned.due_on,
                "notes": planned.notes,
            },
        )
        super().__init__(*args, **kwargs)
        self.planned = planned
        self.fields["provider"] = _providers()
        self.fields["setting"] = _settings(planned.plan)
        self.fields["frequency"] = forms.ChoiceField(
            label=_("frequency"), choices=Frequency.choices
        )
        self.fields["due_on"] = forms.DateField(label=_("due by"), widget=DateInput())
        self.fields["notes"] = _notes()


class ReviewForm(forms.Form):
    review_on = forms.DateField(label=_("next review on"), widget=DateInput())


class ExtensionForm(forms.Form):
    def __init__(self, *args: Any, plan: ServicePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.ModelChoiceField(
            label=_("reason"),
            queryset=ExtensionReason.objects.filter(standards=plan.standard_id),
        )
        self.fields["days"] = forms.IntegerField(label=_("days"), min_value=1)
        self.fields["granted_on"] = forms.DateField(label=_("granted on"), widget=DateInput())
        self.fields["note"] = _notes(_("note"))


class DeliveryForm(forms.Form):
    def __init__(self, *args: Any, plan: ServicePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned_service"] = PlannedServiceChoiceField(
            label=_("planned service"),
            queryset=PlannedService.objects.filter(plan=plan).select_related("service", "provider"),
            required=False,
            empty_label=_("— a service outside the plan —"),
        )
        self.fields["service"] = _services()
        self.fields["service"].required = False
        self.fields["service"].help_text = _("Only for a service outside the plan.")
        self.fields["provider"] = _providers(required=False)
        self.fields["provider"].help_text = _("Leave empty for the provider named in the plan.")
        self.fields["delivered_on"] = forms.DateField(label=_("date"), widget=DateInput())
        self.fields["duration_minutes"] = forms.IntegerField(
            label=_("duration (minutes)"), min_value=1, required=False
        )
        self.fields["outcome"] = forms.ChoiceField(
            label=_("outcome"), choices=DeliveryOutcome.choices
        )
        self.fields["notes"] = _notes()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("planned_service") and not data.get("service"):
            self.add_error("service", _("Choose the planned service or the service given."))
        return data


class ClosureRequestForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=[("", "—"), *PlanOutcome.choices])
    reason = forms.CharField(
        label=_("reason for closure"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded as the reason for case closure (HTCDS)."),
    )


class RefusalForm(forms.Form):
    refusal_reason = forms.CharField(
        label=_("why the plan stays open"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ComplianceFilterForm(forms.Form):
    SHOW_CHOICES = [
        ("", _("every open plan")),
        ("overdue", _("with overdue services")),
        ("flagged", _("missing a required service type")),
        ("review", _("review due within 7 days")),
    ]
    show = forms.ChoiceField(label=_("show"), choices=SHOW_CHOICES, required=False)
