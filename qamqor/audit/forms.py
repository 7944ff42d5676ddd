import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.web.forms import DateInput

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    """Filters of the audit page and its CSV export. All optional; they travel in the
    query string, which is safe: the log holds no names, only usernames and case codes."""

    user = forms.CharField(label=_("user"), max_length=150, required=False)
    case_code = forms.CharField(label=_("case code"), max_length=20, required=False)
    action = forms.CharField(
        label=_("action"),
        max_length=60,
        required=False,
        help_text=_("An action, or the start of one: “auth” finds every sign-in event."),
    )
    date_from = forms.DateField(label=_("from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].widget.attrs["list"] = "audit-actions"

    def clean_case_code(self) -> str:
        return str(self.cleaned_data["case_code"]).strip().upper()

    def clean_action(self) -> str:
        return str(self.cleaned_data["action"]).strip().rstrip(".*")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:  # type: ignore[operator]
            self.add_error("date_to", _("The end comes before the start."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """The events matching the (valid) filters."""
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(actor_username=data["user"].strip())
        if data.get("case_code"):
            events = events.filter(case_code=data["case_code"])
        if data.get("action"):
            action = data["action"]
            events = events.filter(Q(action=action) | Q(action__startswith=f"{action}."))
        # Dates are days in Kazakhstan (the site's time zone), from midnight to midnight.
        if data.get("date_from"):
            events = events.filter(at__gte=_local_midnight(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            events = events.filter(at__lt=_local_midnight(next_day))
        return events

    def applied(self) -> dict[str, str]:
        """The filters in use, as text, for the record of an export."""
        return {name: str(value) for name, value in self.cleaned_data.items() if value}


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
