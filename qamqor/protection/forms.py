from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency
from qamqor.web.forms import DateInput

from .models import Breach, ProtectionCondition, ProtectionMeasure, SafetyPlan


class MeasureForm(forms.ModelForm):
    conditions = forms.MultipleChoiceField(
        label=_("conditions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProtectionMeasure
        fields = [
            "kind", "issuer_agency", "issuer", "number", "issued_on", "starts_on", "ends_on",
            "conditions", "reports_per_month", "other_conditions",
        ]  # fmt: skip
        widgets = {
            "issued_on": DateInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "other_conditions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        conditions = self.fields["conditions"]
        assert isinstance(conditions, forms.MultipleChoiceField)
        conditions.choices = [(c.code, c.name) for c in ProtectionCondition.objects.all()]
        issuer_agency = self.fields["issuer_agency"]
        assert isinstance(issuer_agency, forms.ModelChoiceField)
        issuer_agency.queryset = Agency.objects.filter(is_active=True).select_related("kind")


class BreachForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = ["measure", "occurred_on", "reported_to_police", "description"]
        widgets = {"occurred_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: object, measures: QuerySet[ProtectionMeasure], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        measure = self.fields["measure"]
        assert isinstance(measure, forms.ModelChoiceField)
        measure.queryset = measures


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlan
        fields = list(SafetyPlan.TEXT_FIELDS)
        widgets = {
            "safe_contacts": forms.Textarea(attrs={"rows": 3}),
            "places_to_go": forms.Textarea(attrs={"rows": 3}),
            "documents_ready": forms.Textarea(attrs={"rows": 3}),
        }
