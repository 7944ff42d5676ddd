"""The auditor's pages: the audit log with filters, and its CSV export."""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from qamqor.accounts.models import User
from qamqor.accounts.reauth import require_recent_authentication

from .access import require_auditor
from .events import record_access
from .forms import AuditFilterForm
from .models import AuditEvent

EXPORT_ACTION = "audit.export"
CSV_COLUMNS = (
    "sequence", "time", "user", "action", "object_type", "object_id", "case_code",
    "address", "page", "read", "details", "hash",
)  # fmt: skip
# A spreadsheet runs a cell starting with one of these as a formula; usernames tried at
# sign-in and request paths are typed by strangers, so such cells are quoted.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@login_required
@require_GET
@vary_on_headers("HX-Request")
def event_list(request: HtmxHttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    require_auditor(user)
    form = AuditFilterForm(request.GET)
    events = form.filter(AuditEvent.objects.all()) if form.is_valid() else AuditEvent.objects.none()
    page = Paginator(events.order_by("-sequence"), per_page=settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {"form": form, "page": page}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "audit/_results.html", context)
    # Suggestions for the action filter, on full page loads only.
    context["actions"] = AuditEvent.objects.order_by("action").values_list("action", flat=True)
    context["actions"] = context["actions"].distinct()
    return render(request, "audit/list.html", context)


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    # Non-auditors get the 404 before being asked to re-authenticate, so that the
    # question does not tell them the page exists.
    require_auditor(request.user)  # type: ignore[arg-type]
    return _export_csv(request)


@require_recent_authentication
def _export_csv(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    export = record_access(request.user, EXPORT_ACTION, None, filters=form.applied())
    # Everything before the export's own event: the same file can be produced again from
    # the filters and the sequence on record.
    events = form.filter(AuditEvent.objects.filter(sequence__lt=export.sequence))
    rows = events.order_by("sequence").values_list(
        "sequence", "at", "actor_username", "action", "object_type", "object_id",
        "case_code", "ip_address", "path", "read", "details", "hash",
    )  # fmt: skip
    response = StreamingHttpResponse(
        _csv_lines(rows.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime(export.at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="qamqor-audit-{stamp}.csv"'
    return response


class _Line:
    """A file-like object whose write() returns the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    # The byte-order mark lets spreadsheet programs read Cyrillic and Kazakh letters.
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for sequence, at, *texts, read, details, hash_ in rows:
        yield writer.writerow(
            [
                sequence,
                _local_time(at),
                *(_cell(text) for text in texts),
                int(read),
                _cell(json.dumps(details, ensure_ascii=False, sort_keys=True)),
                hash_,
            ]
        )


def _local_time(at: datetime.datetime) -> str:
    return timezone.localtime(at).isoformat(timespec="seconds")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
