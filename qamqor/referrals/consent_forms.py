from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency
from qamqor.cases.models import Case
from qamqor.web.forms import DateInput

from .consent_actions import SIGNED_FORM_CONTENT_TYPES
from .models import Consent, ConsentMethod, DataScope

AGREED, REFUSED = "agreed", "refused"


def _agency_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.region.name})"


class ConsentForm(forms.ModelForm):
    """Reads what was typed; record_consent validates the consent as a whole (the model's
    rules, the child's, the file's), so that every problem shows at once."""

    given = forms.TypedChoiceField(
        label=_("answer"),
        choices=[(AGREED, _("Agreed")), (REFUSED, _("Refused"))],
        coerce=lambda answer: answer == AGREED,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Consent
        fields = [
            "purpose", "scope", "given", "method", "signed_form", "witness",
            "recipient_agency", "recipient_kind", "given_on", "expires_on",
            "by_representative", "representative", "representative_relation", "child_view",
        ]  # fmt: skip
        widgets = {
            "scope": forms.RadioSelect,
            "method": forms.RadioSelect,
            "signed_form": forms.FileInput(
                attrs={"accept": ",".join([*SIGNED_FORM_CONTENT_TYPES, ".jpeg"])}
            ),
            "given_on": DateInput(),
            "expires_on": DateInput(),
            "child_view": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "signed_form": _("A scan or photograph: PDF, JPEG or PNG, up to 10 MB."),
            "witness": _("For a verbal consent: who heard it, with their position."),
            "recipient_agency": _("For a referral: the agency it names, or leave empty."),
            "recipient_kind": _("For a referral: any agency of this kind, or leave empty."),
            "expires_on": _("Leave empty if the consent does not expire."),
            "representative_relation": _("For example: mother, guardian, guardianship body."),
            "child_view": _(
                "For a child: what the child said about it, in their words; if the child "
                "could not express a view, say so and why."
            ),
        }

    def __init__(self, *args: object, case: Case, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        agency = self.fields["recipient_agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(pk=case.owner_agency_id)
            .select_related("kind", "region")
        )
        # Radio buttons offer the choices themselves, without the empty one of a select.
        for name, choices in (("scope", DataScope.choices), ("method", ConsentMethod.choices)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        agency.label_from_instance = _agency_label  # type: ignore[assignment,method-assign]

    def _post_clean(self) -> None:
        """Left to the action (see the class docstring)."""
