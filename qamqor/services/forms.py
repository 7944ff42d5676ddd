"""Forms of the standards pages, the catalogue names, agencies' offers and providers."""

from itertools import groupby
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency, Region
from qamqor.web.forms import DateInput

from .actions import StandardVersion
from .models import (
    CODE_LENGTH,
    ExtensionReason,
    RecipientCategory,
    Service,
    ServiceSetting,
    ServiceType,
    Standard,
    TimeLimit,
)

# An uploaded catalogue is read into memory: the shipped one is some 20 kB.
MAX_CATALOGUE_BYTES = 1024 * 1024
LIMIT_PREFIX = "limit_"


class NamedChoiceField(forms.ModelMultipleChoiceField):
    """Check boxes labelled with the entry's name in the interface language."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ServicesField(NamedChoiceField):
    """Concrete services, grouped under their service types."""

    def __init__(self, **kwargs: Any) -> None:
        queryset = Service.objects.select_related("service_type")
        super().__init__(queryset=queryset, **kwargs)
        self.choices = [
            (service_type.name, [(service.pk, service.name) for service in services])
            for service_type, services in groupby(queryset, key=lambda s: s.service_type)
        ]


class StandardVersionForm(forms.Form):
    """A new version of a standard, prefilled with the figures of the one it is based on."""

    category = forms.ModelChoiceField(
        label=_("recipient category"), queryset=RecipientCategory.objects.all()
    )
    code = forms.CharField(
        label=_("code of the new version"),
        max_length=CODE_LENGTH,
        help_text=_(
            "A new code that files and records will use, e.g. trafficking-2026: lower-case "
            "Latin letters, digits, '_' and '-'."
        ),
    )
    version = forms.CharField(
        label=_("version"),
        max_length=Standard._meta.get_field("version").max_length,
        help_text=_("The order and its date, e.g. Order No. 263 of 29 June 2023."),
    )
    effective_from = forms.DateField(
        label=_("in force from"),
        widget=DateInput(),
        help_text=_(
            "Plans started on or after this day follow the new version; the current version "
            "ends the day before, and plans started earlier keep it."
        ),
    )
    service_period_days = forms.IntegerField(label=_("service period (days)"), min_value=1)
    extension_days = forms.IntegerField(label=_("extension (days)"), min_value=0, initial=0)
    extension_reasons = NamedChoiceField(
        label=_("reasons allowing the extension"),
        queryset=ExtensionReason.objects.all(),
        required=False,
    )
    required_service_types = NamedChoiceField(
        label=_("required service types"), queryset=ServiceType.objects.all()
    )
    allowed_settings = NamedChoiceField(
        label=_("allowed settings"), queryset=ServiceSetting.objects.all()
    )
    source = forms.CharField(
        label=_("source (legal basis)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    verified = forms.BooleanField(label=_("figures checked against the order"), required=False)

    def __init__(self, *args: Any, based_on: Standard, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_from(based_on))
        super().__init__(*args, **kwargs)
        self.fields["required_services"] = ServicesField(
            label=_("required services"),
            required=False,
            help_text=_("Each must be of a required service type."),
        )
        self.limits = list(TimeLimit.objects.all())
        for limit in self.limits:
            self.fields[LIMIT_PREFIX + limit.code] = forms.IntegerField(
                label=limit.name,
                min_value=0,
                required=False,
                help_text=_("Days from %(event)s; empty where the limit does not apply.")
                % {"event": limit.get_counts_from_display()},  # type: ignore[attr-defined]
            )

    @staticmethod
    def initial_from(standard: Standard) -> dict[str, Any]:
        return {
            "category": standard.category_id,
            "service_period_days": standard.service_period_days,
            "extension_days": standard.extension_days,
            "extension_reasons": list(standard.extension_reasons.all()),
            "required_service_types": list(standard.required_service_types.all()),
            "required_services": list(standard.required_services.all()),
            "allowed_settings": list(standard.allowed_settings.all()),
            "source": standard.source,
            **{
                LIMIT_PREFIX + limit.time_limit.code: limit.days
                for limit in standard.limits.select_related("time_limit")
            },
        }

    def limit_fields(self) -> list[forms.BoundField]:
        return [self[LIMIT_PREFIX + limit.code] for limit in self.limits]

    def version_entered(self) -> StandardVersion:
        data = self.cleaned_data
        return StandardVersion(
            category=data["category"],
            code=data["code"].strip(),
            version=data["version"],
            effective_from=data["effective_from"],
            service_period_days=data["service_period_days"],
            extension_days=data["extension_days"],
            extension_reasons=list(data["extension_reasons"]),
            required_service_types=list(data["required_service_types"]),
            required_services=list(data["required_services"]),
            allowed_settings=list(data["allowed_settings"]),
            time_limits={
                limit: data[LIMIT_PREFIX + limit.code]
                for limit in self.limits
                if data.get(LIMIT_PREFIX + limit.code) is not None
            },
            source=data["source"],
            verified=data["verified"],
        )


class CatalogueUploadForm(forms.Form):
    file = forms.FileField(
        label=_("catalogue file (YAML)"),
        help_text=_("In the format of docs/standards.md, at most 1 MB."),
    )

    def clean_file(self) -> tuple[str, str]:
        """The file's name and its text."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CATALOGUE_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not text in UTF-8.")) from None
        return upload.name, text


class CatalogueConfirmForm(forms.Form):
    """The checked file, sent back with the button that imports it."""

    name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    text = forms.CharField(max_length=MAX_CATALOGUE_BYTES, strip=False, widget=forms.HiddenInput)


class CatalogueNamesForm(forms.Form):
    name_kk = forms.CharField(label=_("name in Kazakh"), max_length=200)
    name_ru = forms.CharField(label=_("name in Russian"), max_length=200)
    name_en = forms.CharField(label=_("name in English"), max_length=200)


class AgencyOffersForm(forms.Form):
    """Which (service, setting) pairs an agency provides; each box is one pair."""

    # Named in the post so that a save never lands on another agency than the one shown.
    agency = forms.IntegerField(widget=forms.HiddenInput)
    offers = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"agency": agency.pk})
        super().__init__(*args, **kwargs)
        self.shown_agency = agency
        self.services = list(Service.objects.select_related("service_type"))
        self.settings = list(ServiceSetting.objects.all())
        self.pairs = {
            offer_value(service, setting): (service, setting)
            for service in self.services
            for setting in self.settings
        }
        offers = cast(forms.MultipleChoiceField, self.fields["offers"])
        offers.choices = [(value, value) for value in self.pairs]

    def clean_agency(self) -> int:
        if self.cleaned_data["agency"] != self.shown_agency.pk:
            raise forms.ValidationError(_("This is not the agency shown."))
        return self.shown_agency.pk

    def offered(self) -> list[tuple[Service, ServiceSetting]]:
        return [self.pairs[value] for value in self.cleaned_data["offers"]]


def offer_value(service: Service, setting: ServiceSetting) -> str:
    return f"{service.pk}-{setting.pk}"


class ProvidersFilterForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("region"), queryset=Region.objects.all(), required=False
    )
    service_type = forms.ModelChoiceField(
        label=_("service type"), queryset=ServiceType.objects.all(), required=False
    )
    setting = forms.ModelChoiceField(
        label=_("setting"), queryset=ServiceSetting.objects.all(), required=False
    )
