"""Forms of the referral pages: sending a referral, declining, completing, and a delivery
recorded by the receiving agency."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency
from qamqor.plans.models import DeliveryOutcome, PlannedService
from qamqor.services.models import Service, ServiceType
from qamqor.web.forms import DateInput

from .models import DataScope, OverrideGround, ReferralPurpose, Urgency


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:  # type: ignore[override]
        return f"{obj.name} · {obj.region.name} · {obj.kind.name}"


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Service) -> str:  # type: ignore[override]
        return f"{obj.service_type.name}: {obj.name}"


class ReferralForm(forms.Form):
    """The send form; the override fields only for those who may refer without consent."""

    def __init__(self, *args: Any, owner: Agency, may_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"] = AgencyChoiceField(
            label=_("to agency"),
            queryset=Agency.objects.filter(is_active=True)
            .exclude(pk=owner.pk)
            .select_related("region", "kind")
            .order_by("region__name_ru", "name_ru"),
        )
        self.fields["purpose"] = forms.ChoiceField(
            label=_("purpose"), choices=[("", "—"), *ReferralPurpose.choices]
        )
        self.fields["service_types"] = forms.ModelMultipleChoiceField(
            label=_("service types"),
            queryset=ServiceType.objects.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("For a referral for services: the types asked for, or the services below."),
        )
        self.fields["services"] = ServiceChoiceField(
            label=_("services"),
            queryset=Service.objects.select_related("service_type"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
        )
        self.fields["urgency"] = forms.ModelChoiceField(
            label=_("urgency"), queryset=Urgency.objects.all(), empty_label=None
        )
        self.fields["scope"] = forms.ChoiceField(
            label=_("data shared"),
            choices=DataScope.choices,
            initial=DataScope.MINIMUM,
            widget=forms.RadioSelect,
            help_text=_(
                "No more than a consent in force allows. Without consent: the minimum, and "
                "only for protection in an emergency."
            ),
        )
        self.fields["message"] = forms.CharField(
            label=_("message"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "The agency reads it before it answers: write nothing about the person beyond "
                "the data shared."
            ),
        )
        if may_override:
            self.fields["override_ground"] = forms.ChoiceField(
                label=_("ground for referring without consent"),
                choices=[("", "—"), *OverrideGround.choices],
                required=False,
                help_text=_(
                    "Only when no consent covers the data shared. Recorded and flagged in the "
                    "audit log and on the case."
                ),
            )
            self.fields["override_reason"] = forms.CharField(
                label=_("why without consent"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("why declined"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CompleteForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class PlannedServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlannedService) -> str:  # type: ignore[override]
        return f"{obj.service.name} · {obj.provider.name} · {obj.due_on:%d.%m.%Y}"


class ReferralDeliveryForm(forms.Form):
    """A delivery the receiving agency gave, of a planned service the referral covers."""

    def __init__(self, *args: Any, planned: list[PlannedService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["planned_service"] = PlannedServiceChoice(
            label=_("planned service"),
            queryset=PlannedService.objects.filter(pk__in=[p.pk for p in planned]).select_related(
                "service", "provider"
            ),
            empty_label=None,
        )
        self.fields["delivered_on"] = forms.DateField(label=_("date"), widget=DateInput())
        self.fields["duration_minutes"] = forms.IntegerField(
            label=_("duration (minutes)"), min_value=1, required=False
        )
        self.fields["outcome"] = forms.ChoiceField(
            label=_("outcome"), choices=DeliveryOutcome.choices
        )
        self.fields["notes"] = forms.CharField(
            label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
