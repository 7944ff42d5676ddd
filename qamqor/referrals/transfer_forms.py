"""Forms of the case transfer pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import Agency, User
from qamqor.cases.models import Case


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        agency: Agency = obj
        return f"{agency.name} · {agency.region.name}"


class TransferProposalForm(forms.Form):
    to_agency = AgencyChoiceField(
        label=_("Agency to take the case over"),
        queryset=Agency.objects.none(),
        empty_label=_("Choose an agency"),
        error_messages={"required": _("Choose the agency to transfer the case to.")},
    )
    reason = forms.CharField(
        label=_("Why transfer the case"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The receiving agency's supervisors read this with a summary of the case, "
            "without the person's name or contacts."
        ),
        error_messages={"required": _("Say why the case should move to this agency.")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["to_agency"]  # type: ignore[assignment]
        field.queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(pk=case.owner_agency_id)
            .select_related("region")
            .order_by("region__name_ru", "name_ru")
        )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return user.display_name


class TransferAcceptForm(forms.Form):
    worker = WorkerChoiceField(
        label=_("Assign a worker of your agency (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["worker"]  # type: ignore[assignment]
        field.queryset = User.objects.filter(pk__in=[user.pk for user in workers]).order_by(
            "first_name", "last_name", "username"
        )


class TransferDeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Why your agency does not take the case"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why your agency does not take the case.")},
    )
