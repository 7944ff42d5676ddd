"""An agency's inbox of referrals and the referrals it sent, read for its members.

The inbox belongs to the agency, not to a person: every member whose role works on the
agency's own cases (case workers, supervisors) sees the referrals sent to it, so that
someone answers in time: the referrals the receiving side reaches (referrals.access
received_referrals), so a referral whose share ended with its consent leaves the inbox.
A regional coordinator's reach is read-only and de-identified across a region; answering
a referral is not theirs, so they have no inbox. Rows carry the case code and what the
referral asks, never who the person is: the list reads no person and decrypts none of
the referral's free text.
"""

import datetime
from enum import StrEnum

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qamqor.accounts.access import active_memberships
from qamqor.accounts.models import CaseScope, User
from qamqor.cases.access import visible_cases
from qamqor.services.models import Service, ServiceType

from .access import received_referrals, receiving_memberships
from .models import AWAITING, FINISHED, LIVE, Referral

# Finished referrals stay in the inbox this long after their last change.
RECENTLY_FINISHED = datetime.timedelta(days=30)
# Free text of a referral the lists never show, so never decrypt.
FREE_TEXT = ("message", "override_reason", "decline_reason", "outcome")


class InboxNotFound(Http404):
    def __init__(self) -> None:
        super().__init__("No such page.")


class Tab(StrEnum):
    NEW = "new"
    LIVE = "live"
    OVERDUE = "overdue"
    FINISHED = "finished"


TAB_LABELS = {
    Tab.NEW: _("New"),
    Tab.LIVE: _("Accepted and in progress"),
    Tab.OVERDUE: _("Overdue"),
    Tab.FINISHED: _("Finished recently"),
}
TAB_EMPTY = {
    Tab.NEW: _("No referral awaits an answer."),
    Tab.LIVE: _("No referral is accepted or in progress."),
    Tab.OVERDUE: _("No referral is overdue."),
    Tab.FINISHED: _("No referral finished in the last 30 days."),
}

# The statuses a tab holds, for its status filter.
TAB_STATUSES: dict[Tab, tuple[str, ...]] = {
    Tab.NEW: AWAITING,
    Tab.LIVE: LIVE,
    Tab.OVERDUE: AWAITING,
    Tab.FINISHED: FINISHED,
}


def inbox_agency_ids(user: User) -> list[int]:
    """Agencies whose inbox `user` reads: where their role works on the agency's cases."""
    return sorted({m.agency_id for m in receiving_memberships(user)})


def require_inbox(user: User) -> list[int]:
    """The user's inbox agencies; to anyone with none, the inbox pages do not exist."""
    agency_ids = inbox_agency_ids(user)
    if not agency_ids:
        raise InboxNotFound()
    return agency_ids


def awaiting_answer_count(user: User) -> int:
    """New and overdue referrals to the user's agencies: one count on the inbox index,
    none for a user without an inbox."""
    return received_referrals(user).filter(status__in=AWAITING).count()


def tab_condition(tab: Tab, moment: datetime.datetime) -> Q:
    """Which referrals a tab holds at `moment`. Overdue: not answered in time and not yet
    expired by the periodic task; once expired it is finished."""
    if tab is Tab.NEW:
        return Q(status__in=AWAITING, respond_by__gte=moment)
    if tab is Tab.OVERDUE:
        return Q(status__in=AWAITING, respond_by__lt=moment)
    if tab is Tab.LIVE:
        return Q(status__in=LIVE)
    return Q(status__in=FINISHED, updated_at__gte=moment - RECENTLY_FINISHED)


# Most pressing first: the nearest deadline, the latest change.
TAB_ORDER: dict[Tab, tuple[str, ...]] = {
    Tab.NEW: ("respond_by", "id"),
    Tab.OVERDUE: ("respond_by", "id"),
    Tab.LIVE: ("-sent_at", "-id"),
    Tab.FINISHED: ("-updated_at", "-id"),
}


def tab_counts(user: User, moment: datetime.datetime) -> dict[Tab, int]:
    """How many referrals each tab holds, in one query."""
    counts = received_referrals(user).aggregate(
        **{tab.value: Count("pk", filter=tab_condition(tab, moment)) for tab in Tab}
    )
    return {tab: counts[tab.value] for tab in Tab}


def inbox_rows(
    user: User,
    tab: Tab,
    moment: datetime.datetime,
    *,
    status: str = "",
    urgency_id: int | None = None,
) -> QuerySet[Referral]:
    """The referrals of a tab in their order (ids and sort keys: see page_of)."""
    rows = received_referrals(user).filter(tab_condition(tab, moment))
    if status:
        rows = rows.filter(status=status)
    if urgency_id is not None:
        rows = rows.filter(urgency_id=urgency_id)
    return rows.order_by(*TAB_ORDER[tab])


def sent_rows(
    user: User, agency_ids: list[int], *, status: str = "", urgency_id: int | None = None
) -> QuerySet[Referral]:
    """Referrals sent by the user's agencies about the cases the user reaches, latest first.

    A case worker follows the referrals of their own cases, a supervisor those of the
    whole agency, as they do the cases themselves.
    """
    reach = Q(case__in=visible_cases(user).values("pk"))
    agency_wide = [
        m.agency_id
        for m in active_memberships(user)
        if m.role.case_scope == CaseScope.AGENCY and m.agency_id in agency_ids
    ]
    if agency_wide:
        # The agency's own cases first, a check on the joined row: the full reach (with
        # its referral subqueries) is then built only if a case has changed owner.
        reach = Q(case__owner_agency_id__in=agency_wide) | reach
    rows = Referral.objects.filter(reach, from_agency_id__in=agency_ids)
    if status:
        rows = rows.filter(status=status)
    if urgency_id is not None:
        rows = rows.filter(urgency_id=urgency_id)
    return rows.order_by("-sent_at", "-id")


def page_of(
    rows: QuerySet[Referral], number: str | None, *, count: int | None = None
) -> Page[Referral]:
    """One page of `rows` with what its list shows, in a fixed number of queries.

    The page is chosen on the referrals alone and only its rows are then read with their
    case code, agencies, urgency and services: joining thousands of rows to sort them and
    keep 25 would cost more. `count`, when known already, spares counting again.
    """
    paginator = Paginator(rows, per_page=settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(number)
    page_rows: QuerySet[Referral] = page.object_list  # type: ignore[assignment]
    chosen = Referral.objects.filter(pk__in=page_rows.values("pk"))
    page.object_list = list(for_list(chosen).order_by(*rows.query.order_by))
    return page


def for_list(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """What a list row shows: the case code (not the case), the agencies, the urgency, the
    services asked for; never the referral's free text, which stays encrypted."""
    return (
        referrals.defer(*FREE_TEXT)
        .annotate(case_code=F("case__code"))
        .select_related("from_agency", "to_agency", "urgency")
        .prefetch_related(
            Prefetch(
                "service_types",
                queryset=ServiceType.objects.order_by("position", "code"),
                to_attr="service_type_list",
            ),
            Prefetch(
                "services",
                queryset=Service.objects.order_by("position", "code"),
                to_attr="service_list",
            ),
        )
    )
