"""Filters of the inbox, the sent referrals and the referral directory."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.models import AgencyKind
from qamqor.facilities.models import PlacementCategory
from qamqor.services.forms import ProvidersFilterForm
from qamqor.services.models import Service

from .inbox import TAB_STATUSES, Tab
from .models import ReferralStatus, Urgency


def _urgency_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("urgency"),
        queryset=Urgency.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("any urgency"),
    )


def _status_field(statuses: tuple[str, ...]) -> forms.ChoiceField:
    choices = [("", _("any status"))] + [(s, ReferralStatus(s).label) for s in statuses]
    return forms.ChoiceField(label=_("status"), choices=choices, required=False)


class InboxFilterForm(forms.Form):
    """Urgency, and the status where a tab holds more than one."""

    tab = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, tab: Tab, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tab"].initial = tab.value
        statuses = TAB_STATUSES[tab]
        if len(statuses) > 1:
            self.fields["status"] = _status_field(statuses)
        self.fields["urgency"] = _urgency_field()


class SentFilterForm(forms.Form):
    status = _status_field(tuple(ReferralStatus.values))
    urgency = _urgency_field()


class DirectoryFilterForm(ProvidersFilterForm):
    """The providers' filters (region, service type, setting) with the agency's kind, one
    service, and free places of a category."""

    kind = forms.ModelChoiceField(
        label=_("kind of agency"), queryset=AgencyKind.objects.all(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("service"),
        queryset=Service.objects.all(),
        required=False,
    )
    free_for = forms.ModelChoiceField(
        label=_("with free places for"),
        queryset=PlacementCategory.objects.all(),
        required=False,
    )
    field_order = ["region", "kind", "service_type", "service", "setting", "free_for"]
