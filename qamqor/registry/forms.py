from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from qamqor.accounts.models import Region
from qamqor.clock import today
from qamqor.web.forms import DateInput

from .models import IdentityDocument, Language, Person


class RegionChoiceField(forms.ModelChoiceField):
    """Regions posted by ISO code (KZ-75), so an unknown code is a plain field error."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            queryset=Region.objects.all(),
            to_field_name="iso_code",
            error_messages={"invalid_choice": _("Unknown region. Choose one from the list.")},
            **kwargs,  # type: ignore[arg-type]
        )

    def label_from_instance(self, obj: Region) -> str:  # type: ignore[override]
        return obj.name


class PersonForm(forms.ModelForm):
    region = RegionChoiceField(label=_("region of residence"))
    citizenship = forms.MultipleChoiceField(
        label=_("citizenship"),
        choices=countries,
        required=False,
        help_text=_("One or more; leave empty when not known."),
    )
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    iin = forms.CharField(
        label=_("IIN"),
        required=False,
        max_length=20,
        strip=True,
        help_text=_("12 digits; optional (foreign nationals often have none)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Person
        fields = [
            "surname", "given_name", "patronymic", "latin_surname", "latin_given_name",
            "other_names", "birth_day", "birth_month", "birth_year", "age_estimate", "sex",
            "gender", "citizenship", "stateless", "iin", "languages", "phone", "email",
            "other_contact", "region", "locality", "address", "disability", "disability_notes",
            "accompanying_children",
        ]  # fmt: skip
        widgets = {
            "other_names": forms.Textarea(attrs={"rows": 2}),
            "birth_day": forms.NumberInput(attrs={"min": 1, "max": 31}),
            "birth_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
            "birth_year": forms.NumberInput(attrs={"min": 1900}),
            "age_estimate": forms.NumberInput(attrs={"min": 0, "max": 120}),
            "accompanying_children": forms.NumberInput(attrs={"min": 0, "max": 20}),
        }
        help_texts = {
            "other_names": _("One per line: other spellings, former surnames, nicknames."),
            "surname": _("As the person writes it, in any script."),
            "age_estimate": _("Only when the date of birth is not known."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in ("surname", "given_name", "patronymic"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            self.initial["citizenship"] = [c.code for c in self.instance.citizenship]

    def clean_iin(self) -> str:
        return "".join(self.cleaned_data["iin"].split())

    def _post_clean(self) -> None:
        if self.cleaned_data.get("age_estimate") is not None and not self.instance.age_estimated_on:
            self.instance.age_estimated_on = today()
        super()._post_clean()  # type: ignore[misc]

    def changes(self) -> dict[str, object]:
        """The cleaned values of every field, for registry.actions.update_person."""
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["age_estimated_on"] = self.instance.age_estimated_on
        return values


class DocumentForm(forms.ModelForm):
    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "issuing_country", "expires_on", "is_held_by_person"]
        widgets = {"expires_on": DateInput()}


class OptionalDocumentForm(DocumentForm):
    """An identity document at intake: recorded only when its number is given."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("number") and not data.get("kind"):
            self.add_error("kind", _("Which document is this number from?"))
        return data

    def _post_clean(self) -> None:
        if self.is_given:
            super()._post_clean()  # type: ignore[misc]

    @property
    def is_given(self) -> bool:
        return bool(self.cleaned_data.get("number"))
