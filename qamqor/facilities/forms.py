from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Region
from qamqor.web.forms import DateInput

from .models import Facility, PlacementCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency only


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Facility) -> str:  # type: ignore[override]
        return f"{obj.name} · {obj.agency.region}"


def _facility_field(label: "StrOrPromise") -> FacilityChoiceField:
    return FacilityChoiceField(
        label=label,
        queryset=Facility.objects.filter(is_active=True).select_related("agency__region"),
    )


def _category_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("category"), queryset=PlacementCategory.objects.all())


class AdmitForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["facility"] = _facility_field(_("facility"))
        self.fields["category"] = _category_field()
        self.fields["admitted_on"] = forms.DateField(label=_("admitted on"), widget=DateInput())
        self.fields["notes"] = forms.CharField(
            label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(label=_("discharged on"), widget=DateInput())
    reason = forms.CharField(
        label=_("reason for discharge"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_facility"] = _facility_field(_("to facility"))
        self.fields["category"] = _category_field()
        self.fields["on"] = forms.DateField(label=_("transferred on"), widget=DateInput())
        self.fields["reason"] = forms.CharField(
            label=_("reason for transfer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )


class FindPlaceForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("region"), queryset=Region.objects.all(), required=False
    )
    category = forms.ModelChoiceField(
        label=_("category"), queryset=PlacementCategory.objects.all(), required=False
    )
