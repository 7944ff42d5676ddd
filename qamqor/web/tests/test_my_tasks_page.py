"""The my-tasks list on the home page: whose tasks a user sees, what it shows and never
shows, and a number of queries that does not grow with the cases."""

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.accounts.models import Agency, User
from qamqor.assessments.models import Eligibility
from qamqor.cases.actions import assign_worker, break_glass
from qamqor.cases.models import Case, Grounds, Status
from qamqor.conftest import make_user, signed_in
from qamqor.facilities.actions import admit
from qamqor.plans.actions import generate_plan
from qamqor.plans.queries import reviews_due, services_overdue
from qamqor.protection.models import ProtectionMeasure
from qamqor.protection.queries import expiring_within
from qamqor.web.worklist import (
    TASK_KINDS,
    Task,
    TaskKind,
    collect,
    from_query,
    my_tasks,
    task_cases,
)

from .test_my_tasks_support import (
    NEED_ASSESSMENT,
    TODAY,
    assessment,
    days,
    eligibility,
    english,
    frozen_today,
    police_order,
    shelter,
    total,
    trafficking_status,
)

__all__ = ["english", "frozen_today"]

pytestmark = pytest.mark.usefixtures("frozen_today", "english")

SURNAME, GIVEN_NAME = "Сәрсенбаева", "Әйгерім"  # the person of every make_case case


def task_codes(user: User) -> set[str]:
    worklist = my_tasks(user)
    assert worklist is not None
    return {task.case_code for group in worklist.groups for task in group.tasks}


def busy_case(
    actor: User, agency: Agency, make_case: Callable[..., Case], **kwargs: object
) -> Case:
    """A trafficking case with a task of every kind."""
    case = make_case(actor, opened_on=TODAY - days(170), grounds=Grounds.TRAFFICKING, **kwargs)
    admit(actor, case, shelter(agency, f"Shelter {case.pk}"), "women", TODAY - days(170))
    assessment(actor, case, "dv-risk", complete=False)
    trafficking_status(actor, case, decided_on=TODAY - days(25))
    police_order(actor, case, TODAY + days(3))
    return case


def late_plan_case(actor: User, make_case: Callable[..., Case]) -> Case:
    """A case whose service plan is overdue for review, its services overdue too."""
    case = make_case(actor, opened_on=TODAY - days(90))
    eligibility(actor, case, Eligibility.ELIGIBLE, decided_on=TODAY - days(60))
    generate_plan(actor, case, started_on=TODAY - days(60))
    return case


def test_a_case_worker_sees_the_tasks_of_her_cases_and_a_supervisor_the_agencys(
    alice: User, bob: User, carol: User, charlie: User, make_case: Callable[..., Case]
) -> None:
    hers = make_case()
    colleagues = make_case(bob)
    assert task_codes(alice) == {hers.code}
    assert task_codes(bob) == {colleagues.code}
    assert task_codes(carol) == {hers.code, colleagues.code}
    assert task_codes(charlie) == set()
    assign_worker(carol, colleagues, alice)
    assert task_codes(alice) == {hers.code, colleagues.code}


def test_users_who_act_on_no_case_get_no_task_list(
    dana: User, erin: User, gulnara: User, case: Case
) -> None:
    for user in (dana, erin, gulnara):
        assert my_tasks(user) is None
        page = signed_in(user).get(reverse("home")).content.decode()
        assert 'id="my-tasks"' not in page


def test_a_read_only_break_glass_case_gives_no_task(
    alice: User, case: Case, other_agency: Agency
) -> None:
    chief = make_user("chief", other_agency, role="supervisor")
    break_glass(chief, case, "A call from the police about this person tonight.")
    assert case.code not in task_codes(chief)


def test_closed_cases_have_no_tasks(alice: User, make_case: Callable[..., Case]) -> None:
    open_case, closed = make_case(), make_case()
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_on=TODAY)
    assert task_codes(alice) == {open_case.code}
    Case.objects.filter(pk=open_case.pk).update(status=Status.FOLLOW_UP)
    assert task_codes(alice) == {open_case.code}


def test_the_home_page_lists_tasks_by_kind_with_counts_and_links(
    alice: User, agency: Agency, make_case: Callable[..., Case]
) -> None:
    case = busy_case(alice, agency, make_case)
    planned = late_plan_case(alice, make_case)
    page = signed_in(alice).get(reverse("home")).content.decode()
    assert page.index("My tasks") < page.index("My open cases")
    assert reverse("plans:page", args=[planned.code]) in page
    for kind in TASK_KINDS:
        assert f'id="tasks-{kind.code}"' in page, kind.code
    # Two for the busy case (the need assessment and a draft), one for the planned case.
    assert 'Assessments due <span class="count">(3)</span>' in page
    assert reverse("protection:page", args=[case.code]) in page
    assert reverse("facilities:placement", args=[case.code]) in page
    assert "in 3 days" in page  # the order
    assert "Nothing due:" not in page


def test_the_list_shows_the_most_urgent_and_how_many_more(
    alice: User, make_case: Callable[..., Case]
) -> None:
    cases = [make_case(opened_on=TODAY - days(n)) for n in range(12)]
    eligibility(alice, cases[0], Eligibility.ELIGIBLE)
    worklist = my_tasks(alice, limit=5)
    assert worklist is not None
    group = next(group for group in worklist.groups if group.kind.code == "eligibility")
    assert group.total == 11 and group.more == 6
    assert [task.case_code for task in group.tasks] == [c.code for c in cases[11:6:-1]]
    page = signed_in(alice).get(reverse("home")).content.decode()
    assert "and 1 more" in page  # 11 pending, 10 shown


def test_a_user_with_nothing_due_is_told_so(alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case()
    assessment(alice, case, NEED_ASSESSMENT, complete=True)
    eligibility(alice, case, Eligibility.ELIGIBLE)
    assert total(my_tasks(alice)) == 0
    page = signed_in(alice).get(reverse("home")).content.decode()
    assert "Nothing is due in your open cases." in page


def test_tasks_never_show_who_the_person_is(
    alice: User, agency: Agency, make_case: Callable[..., Case]
) -> None:
    case = busy_case(alice, agency, make_case, iin="", surname=SURNAME, given_name=GIVEN_NAME)
    worklist = my_tasks(alice)
    assert worklist is not None
    for group in worklist.groups:
        for task in group.tasks:
            text = f"{task.case_code} {task.detail} {task.url}"
            assert SURNAME not in text and GIVEN_NAME not in text
            assert "Синтетическая" not in text  # the shelter's address
    page = signed_in(alice).get(reverse("home")).content.decode()
    section = page[page.index('id="my-tasks"') : page.index('id="my-open"')]
    assert case.code in section
    assert SURNAME not in section and GIVEN_NAME not in section
    assert "Синтетическая" not in section


def test_the_number_of_queries_does_not_grow_with_the_cases(
    carol: User, agency: Agency, make_case: Callable[..., Case], django_assert_max_num_queries
) -> None:
    busy_case(carol, agency, make_case)
    client = signed_in(carol)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    for _ in range(8):
        busy_case(carol, agency, make_case)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("home")).content.decode()
    assert 'Reflection periods ending <span class="count">(9)</span>' in page


def test_a_kind_from_another_apps_query_is_one_entry(
    alice: User, make_case: Callable[..., Case]
) -> None:
    """How the plan kinds join: from_query over a query `(cases, on) -> rows`."""

    def expiring(cases: QuerySet[Case], on: datetime.date) -> QuerySet[ProtectionMeasure]:
        return expiring_within(cases, on=on).annotate(case_code=F("case__code"))

    soon, later = make_case(), make_case()
    police_order(alice, soon, TODAY + days(2))
    police_order(alice, later, TODAY + days(20))
    kind = TaskKind(
        "order", "Orders", from_query(expiring, kind="order", date="ends_on",
                                      detail="Order ends", url="protection:page")
    )  # fmt: skip
    cases = task_cases(alice)
    assert cases is not None
    group = collect(kind, cases, TODAY)
    assert group.total == 1
    assert group.tasks == [
        Task("order", soon.code, TODAY + days(2), "Order ends",
             reverse("protection:page", args=[soon.code]))
    ]  # fmt: skip
    for query, date in ((reviews_due, "review_on"), (services_overdue, "due_on")):
        plans = TaskKind("plan", "Plans", from_query(query, kind="plan", date=date,
                                                     detail="Plan", url="plans:page"))  # fmt: skip
        assert collect(plans, cases, TODAY).total == 0  # the plan queries fit as they are
