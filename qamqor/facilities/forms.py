from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency, Region
from qamqor.web.forms import DateInput

from .actions import places_field
from .models import Facility, PlacementCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency only


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Facility) -> str:  # type: ignore[override]
        return f"{obj.name} · {obj.region}"


def _facility_field(label: "StrOrPromise") -> FacilityChoiceField:
    return FacilityChoiceField(
        label=label,
        queryset=Facility.objects.filter(is_active=True).select_related("region"),
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


class FacilityForm(forms.Form):
    """A facility's details and its places per category (one field per category).

    The agency is asked for only on creation and only when the manager has a choice.
    """

    code = forms.SlugField(
        label=_("code"),
        max_length=Facility._meta.get_field("code").max_length,
        help_text=Facility._meta.get_field("code").help_text,
    )
    name = forms.CharField(label=_("name"), max_length=Facility._meta.get_field("name").max_length)
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.all())
    address = forms.CharField(
        label=_("address"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Confidential: shown to those who manage the agency's facilities and, on a "
            "case's placement page, to those who see who a resident is."
        ),
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[Agency] | None = None,
        facility: Facility | None = None,
        categories: list[PlacementCategory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = categories
        if agencies is not None and len(agencies) > 1:
            self.fields = {
                "agency": forms.TypedChoiceField(
                    label=_("agency"),
                    choices=[(agency.pk, agency.name) for agency in agencies],
                    coerce=int,
                ),
                **self.fields,
            }
        self.agencies = {agency.pk: agency for agency in agencies or []}
        if facility is None and agencies:
            self.fields["region"].initial = agencies[0].region_id
        for category in categories:
            self.fields[places_field(category.code)] = forms.IntegerField(
                label=category.name, min_value=0, required=False, initial=0
            )

    def chosen_agency(self) -> Agency:
        if "agency" in self.cleaned_data:
            return self.agencies[self.cleaned_data["agency"]]
        return next(iter(self.agencies.values()))

    def places(self) -> dict[PlacementCategory, int]:
        return {
            category: self.cleaned_data.get(places_field(category.code)) or 0
            for category in self.categories
        }

    def place_fields(self) -> list[forms.BoundField]:
        return [self[places_field(category.code)] for category in self.categories]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("places_")]
