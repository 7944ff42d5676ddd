"""The inbox and the sent referrals read a fixed number of queries, whatever their size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.accounts.access import active_memberships
from qamqor.conftest import signed_in
from qamqor.referrals.inbox import awaiting_answer_count
from qamqor.referrals.models import ReferralStatus

from . import inbox_support
from .inbox_support import DAY, HOUR, MOMENT, make_referral

frozen_moment = inbox_support.frozen_moment
english = inbox_support.english
police_case = inbox_support.police_case

# Session, user, second factor, memberships, the menu's counts (unread notifications, the
# inbox, and for carol, who decides transfers, the proposals awaiting her), the urgency
# filter's choices and the urgency asked for; then the page's own: its count (unless the
# tab counts gave it), its rows, their service types, their services, and the tab counts
# (inbox) or the break-glass grants that visible_cases reads (sent referrals).
BUDGET = 14


def referrals_of_every_kind(case, agency, copies: int) -> None:
    for _ in range(copies):
        make_referral(case, agency, service_types=("social_legal",), services=("accommodation",))
        make_referral(case, agency, urgency="emergency", sent_at=MOMENT - 2 * HOUR)
        make_referral(case, agency, status=ReferralStatus.IN_PROGRESS, services=("meals",))
        make_referral(case, agency, status=ReferralStatus.COMPLETED, updated_at=MOMENT - DAY)


def queries(client, url: str, **query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_each_section_of_the_inbox_reads_the_same_queries_for_1_or_40_rows(
    carol, agency, police_case, django_assert_max_num_queries
):
    url = reverse("referrals:inbox")
    client = signed_in(carol)
    referrals_of_every_kind(police_case, agency, 1)
    few = {tab: queries(client, url, tab=tab) for tab in ("new", "live", "overdue", "finished")}
    referrals_of_every_kind(police_case, agency, 39)
    many = {tab: queries(client, url, tab=tab) for tab in ("new", "live", "overdue", "finished")}
    assert few == many
    with django_assert_max_num_queries(BUDGET):
        client.get(url, {"tab": "new", "urgency": "urgent", "page": "2"})


def test_the_sent_referrals_read_the_same_queries_for_1_or_40_rows(
    charlie, agency, police_case, django_assert_max_num_queries
):
    url = reverse("referrals:inbox_sent")
    client = signed_in(charlie)
    referrals_of_every_kind(police_case, agency, 1)
    few = queries(client, url)
    referrals_of_every_kind(police_case, agency, 39)
    assert queries(client, url) == few
    assert queries(client, url, status="sent", page="2") == few
    with django_assert_max_num_queries(BUDGET):
        client.get(url)


def test_the_menu_count_is_one_query(carol, agency, police_case, django_assert_num_queries):
    referrals_of_every_kind(police_case, agency, 5)
    active_memberships(carol)  # read once per request, before the menu
    with django_assert_num_queries(1):
        assert awaiting_answer_count(carol) == 10


def test_no_query_for_a_user_without_an_inbox(dana, django_assert_num_queries):
    active_memberships(dana)
    with django_assert_num_queries(0):
        assert awaiting_answer_count(dana) == 0
