from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency
from qamqor.registry.forms import RegionChoiceField
from qamqor.web.forms import DateInput

from .models import (
    CLOSED_STATUSES,
    Case,
    ClosureOutcome,
    ExploitationType,
    Grounds,
    Incident,
    Status,
    ViolenceForm,
)
from .search import CASE_CODE


class CaseForm(forms.ModelForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("owning agency"))

    class Meta:
        model = Case
        fields = ["grounds", "opened_on"]
        widgets = {"opened_on": DateInput()}
        help_texts = {"opened_on": _("Leave empty for today.")}

    def __init__(self, *args: object, agencies: list[Agency], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["opened_on"].required = False
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            agency_field.initial = agencies[0].pk
            agency_field.widget = forms.HiddenInput()


class IncidentForm(forms.ModelForm):
    region = RegionChoiceField(label=_("region"))
    forms_of_violence = forms.MultipleChoiceField(
        label=_("forms of violence"),
        choices=ViolenceForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For domestic violence."),
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("types of exploitation"),
        choices=ExploitationType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For trafficking."),
    )

    class Meta:
        model = Incident
        fields = [
            "occurred_on", "date_is_approximate", "region", "locality", "forms_of_violence",
            "exploitation_types", "relationship", "perpetrator_description", "narrative",
        ]  # fmt: skip
        widgets = {
            "occurred_on": DateInput(),
            "perpetrator_description": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 5}),
        }


class OptionalIncidentForm(IncidentForm):
    """The first incident at intake: recorded only when its date is given."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["occurred_on"].required = False

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        described = any(
            data.get(name)
            for name in (
                "locality", "forms_of_violence", "exploitation_types",
                "perpetrator_description", "narrative",
            )
        )  # fmt: skip
        if described and not data.get("occurred_on"):
            self.add_error("occurred_on", _("Give the date of the incident (approximate is fine)."))
        return data

    def _post_clean(self) -> None:
        if self.cleaned_data.get("occurred_on"):
            super()._post_clean()  # type: ignore[misc]

    @property
    def is_given(self) -> bool:
        return bool(self.cleaned_data.get("occurred_on"))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), strip=True)
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput())


class StatusForm(forms.Form):
    """Between the open statuses, or back to one of them to reopen a closed case."""

    status = forms.ChoiceField(
        label=_("new status"),
        choices=[(value, label) for value, label in Status.choices if value not in CLOSED_STATUSES],
    )


class ClosureRequestForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=[("", "—"), *ClosureOutcome.choices])
    reason = forms.CharField(
        label=_("reason for closure"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was achieved or why the work ends; the supervisor reads it."),
    )


class ClosureRefusalForm(forms.Form):
    refusal_reason = forms.CharField(
        label=_("why the case stays open"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseSearchForm(forms.Form):
    SORTS = {
        "-opened": ("-opened_on", "-id"),
        "opened": ("opened_on", "id"),
        "-updated": ("-updated_at", "-id"),
        "code": ("code",),
    }
    q = forms.CharField(label=_("search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("any status")), *Status.choices]
    )
    grounds = forms.ChoiceField(
        label=_("grounds"), required=False, choices=[("", _("any grounds")), *Grounds.choices]
    )
    region = RegionChoiceField(label=_("region"), empty_label=_("any region"))
    mine = forms.BooleanField(label=_("assigned to me"), required=False)
    sort = forms.ChoiceField(
        label=_("sort by"),
        required=False,
        choices=[
            ("-opened", _("newest first")),
            ("opened", _("oldest first")),
            ("-updated", _("recently changed")),
            ("code", _("case code")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput())


class BreakGlassForm(forms.Form):
    code = forms.CharField(
        label=_("case code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ALA-2026-000123"}),
    )
    reason = forms.CharField(
        label=_("why you need this case now"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Read by the owning agency's supervisors and by auditors."),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not CASE_CODE.match(code):
            raise forms.ValidationError(_("A case code looks like ALA-2026-000123."))
        prefix, year, number = code.split("-")
        return f"{prefix}-{year}-{int(number):06d}"
