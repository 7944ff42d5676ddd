"""The agency's inbox of referrals, the referrals it sent, and the referral directory.

Lists only: case codes, what is asked, by and of whom, and when; never who the person is.
Each page answers in a fixed number of queries whatever the number of referrals.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from qamqor import clock
from qamqor.accounts.models import User
from qamqor.cases.access import access_case_to_change
from qamqor.services.access import require_provider_reader

from .directory import directory_agencies, directory_entries
from .inbox import (
    TAB_EMPTY,
    TAB_LABELS,
    Tab,
    inbox_rows,
    page_of,
    require_inbox,
    sent_rows,
    tab_counts,
)
from .inbox_forms import DirectoryFilterForm, InboxFilterForm, SentFilterForm


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _tab(value: str | None) -> Tab:
    try:
        return Tab(value or Tab.NEW)
    except ValueError:
        return Tab.NEW


def _filters(form: InboxFilterForm | SentFilterForm) -> dict[str, Any]:
    """The status and urgency asked for; a bad value is shown on its field and ignored."""
    if not form.is_bound or not form.is_valid():
        return {}
    urgency = form.cleaned_data.get("urgency")
    return {
        "status": form.cleaned_data.get("status") or "",
        "urgency_id": urgency.pk if urgency is not None else None,
    }


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals to the user's agencies: new (with the time left to answer), accepted or
    in progress, overdue, and recently finished."""
    agency_ids = require_inbox(_user(request))
    moment = clock.now()
    tab = _tab(request.GET.get("tab"))
    form = InboxFilterForm(request.GET or None, tab=tab)
    filters = _filters(form)
    counts = tab_counts(_user(request), moment)
    rows = inbox_rows(_user(request), tab, moment, **filters)
    # Without a filter the tab's count is the page's: counted with the tabs already.
    page = page_of(
        rows, request.GET.get("page"), count=None if any(filters.values()) else counts[tab]
    )
    context = {
        "form": form,
        "tab": tab,
        "tabs": [(t.value, TAB_LABELS[t], counts[t]) for t in Tab],
        "empty_text": TAB_EMPTY[tab],
        "page": page,
        "now": moment,
        "several_agencies": len(agency_ids) > 1,
    }
    return render(request, "referrals/inbox.html", context)


@login_required
@require_GET
def inbox_sent(request: HttpRequest) -> HttpResponse:
    """Referrals sent by the user's agencies about the cases they reach, with their state
    and how long the answer took."""
    user = _user(request)
    agency_ids = require_inbox(user)
    form = SentFilterForm(request.GET or None)
    page = page_of(sent_rows(user, agency_ids, **_filters(form)), request.GET.get("page"))
    context = {"form": form, "page": page, "now": clock.now()}
    return render(request, "referrals/inbox_sent.html", context)


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Where to refer: for those who open cases, as are the providers and free places."""
    user = _user(request)
    require_provider_reader(user)
    # Opened from a case's send form (?case=CODE): each agency links back to the form with
    # it chosen. Only for a case the user may refer (404 or 403 as for the case itself).
    code = request.GET.get("case", "").strip()
    for_case = access_case_to_change(user, code)[0] if code else None
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    agencies = directory_agencies(filters)
    page = Paginator(agencies, per_page=settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "entries": directory_entries(list(page.object_list)),
        "for_case": for_case,
    }
    return render(request, "referrals/directory.html", context)
