"""The compliance list: the open plans of the cases a user reaches, with case codes and
counts only, in a number of queries that does not grow with the number of plans."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.conftest import make_user, signed_in
from qamqor.plans.actions import generate_plan, record_delivery, remove_planned_service
from qamqor.plans.models import PlannedService

from .conftest import TODAY, days, decide

SURNAME = "Жанузакова"


def listing(user, **params):
    response = signed_in(user).get(reverse("plans:compliance"), params)
    return response.status_code, response.content.decode()


def new_plan(alice, open_case, ago=0, **person):
    case = open_case(surname=SURNAME, **person)
    decide(alice, case)
    return generate_plan(alice, case, started_on=TODAY - days(ago))


def test_each_sees_the_plans_of_the_cases_they_reach(
    alice, bob, carol, charlie, gulnara, open_case
):
    plan = new_plan(alice, open_case)
    for user, sees in (
        (alice, True),
        (carol, True),
        (gulnara, True),
        (bob, False),
        (charlie, False),
    ):
        status, body = listing(user)
        assert status == 200, user.username
        assert (plan.case.code in body) == sees, user.username
        assert SURNAME not in body


def test_roles_that_reach_no_case_are_told_it_does_not_exist(dana, erin, agency):
    asel = make_user("asel", agency, role="agency_admin")
    for user in (dana, erin, asel):
        assert listing(user)[0] == 404, user.username


def test_totals_and_flags(alice, carol, open_case):
    late = new_plan(alice, open_case, ago=40)
    fresh = new_plan(alice, open_case)
    record_delivery(
        alice,
        late,
        planned_service=late.services.first(),
        delivered_on=TODAY,
        outcome="delivered",
    )
    remove_planned_service(
        alice, PlannedService.objects.get(plan=fresh, service__code="legal_consultation")
    )
    status, body = listing(carol)
    assert 'id="total-plans">2<' in body
    assert 'id="total-delivered">1<' in body
    assert 'id="total-overdue">4 ' in body
    assert 'id="total-due">4<' in body
    assert 'id="total-flagged">1<' in body
    _, overdue_only = listing(carol, show="overdue")
    assert late.case.code in overdue_only and fresh.case.code not in overdue_only
    _, flagged_only = listing(carol, show="flagged")
    assert fresh.case.code in flagged_only and late.case.code not in flagged_only
    _, reviews = listing(carol, show="review")
    assert late.case.code in reviews and fresh.case.code not in reviews  # late review only
    assert listing(carol, show="nonsense")[0] == 200


def test_the_page_takes_the_same_queries_for_one_plan_or_many(alice, carol, open_case):
    client = signed_in(carol)
    url = reverse("plans:compliance")
    client.get(url)  # the session's first request settles what it caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    new_plan(alice, open_case)
    one = queries()
    for n in range(8):
        new_plan(alice, open_case, ago=5 * n)
    assert queries() == one
