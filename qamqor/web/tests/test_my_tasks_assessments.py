"""Assessments due and eligibility pending: when each task appears and when it goes."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from qamqor.accounts.models import Agency, User
from qamqor.assessments.models import Eligibility
from qamqor.cases.models import Case, Grounds
from qamqor.facilities.actions import admit

from .test_my_tasks_support import (
    NEED_ASSESSMENT,
    RISK_ASSESSMENT,
    TODAY,
    assessment,
    codes,
    days,
    eligibility,
    english,
    finish,
    frozen_today,
    revise,
    shelter,
    tasks_of,
)

__all__ = ["english", "frozen_today"]

pytestmark = pytest.mark.usefixtures("frozen_today", "english")


# ---- first needs assessment ------------------------------------------------------------


def test_a_case_never_placed_is_due_three_days_after_its_opening(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(5))
    [task] = tasks_of(alice, "assessment")
    assert task.case_code == case.code
    assert task.due_on == TODAY - days(2)
    assert "opening of the case" in task.detail
    assert task.url == reverse("assessments:page", args=[case.code])


def test_after_an_admission_the_days_count_from_the_admission(
    alice: User, agency: Agency, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(10))
    admit(alice, case, shelter(agency), "women", TODAY - days(1))
    [task] = tasks_of(alice, "assessment")
    assert task.due_on == TODAY + days(2)
    assert "admission" in task.detail


def test_the_standard_of_the_grounds_sets_the_days(
    alice: User, make_case: Callable[..., Case]
) -> None:
    trafficking = make_case(opened_on=TODAY - days(1), grounds=Grounds.TRAFFICKING)
    violence = make_case(opened_on=TODAY - days(1), grounds=Grounds.DOMESTIC_VIOLENCE)
    due = {task.case_code: task.due_on for task in tasks_of(alice, "assessment")}
    # Both shipped standards give 3 days; each case is matched to its own.
    assert due == {trafficking.code: TODAY + days(2), violence.code: TODAY + days(2)}


def test_overdue_cases_come_first(alice: User, make_case: Callable[..., Case]) -> None:
    recent = make_case(opened_on=TODAY)
    old = make_case(opened_on=TODAY - days(9))
    middle = make_case(opened_on=TODAY - days(3))
    assert codes(tasks_of(alice, "assessment")) == [old.code, middle.code, recent.code]


def test_a_completed_need_assessment_ends_the_task_and_other_instruments_do_not(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(2))
    assessment(alice, case, RISK_ASSESSMENT, complete=True)
    assert codes(tasks_of(alice, "assessment")) == [case.code]
    assessment(alice, case, NEED_ASSESSMENT, complete=True)
    assert tasks_of(alice, "assessment") == []


def test_a_draft_need_assessment_is_listed_beside_the_deadline_it_has_not_met(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(2))
    draft = assessment(alice, case, NEED_ASSESSMENT, complete=False)
    unfinished, deadline = tasks_of(alice, "assessment")  # the draft waits since today
    assert (deadline.case_code, deadline.due_on) == (case.code, TODAY + days(1))
    assert unfinished.url == reverse("assessments:detail", args=[case.code, draft.pk])
    assert "Need assessment" in unfinished.detail and "started today" in unfinished.detail
    finish(alice, draft)
    assert tasks_of(alice, "assessment") == []


def test_a_case_opened_before_any_standard_has_no_time_limit(
    alice: User, make_case: Callable[..., Case]
) -> None:
    make_case(opened_on=TODAY.replace(year=2023, month=6, day=30))
    assert tasks_of(alice, "assessment") == []


# ---- drafts left unfinished -----------------------------------------------------------


def test_an_unfinished_draft_is_listed_with_its_age_until_completed(
    alice: User, make_case: Callable[..., Case], frozen_today: Callable[..., Any]
) -> None:
    case = make_case(opened_on=TODAY - days(20))
    assessment(alice, case, NEED_ASSESSMENT, complete=True)
    frozen_today(TODAY - days(12))
    draft = assessment(alice, case, RISK_ASSESSMENT, complete=False)
    frozen_today(TODAY)
    [task] = tasks_of(alice, "assessment")
    assert task.due_on == TODAY - days(12)
    assert "Domestic-violence risk checklist" in task.detail and "12 days" in task.detail
    assert task.url == reverse("assessments:detail", args=[case.code, draft.pk])
    finish(alice, draft)
    assert tasks_of(alice, "assessment") == []


def test_a_draft_started_today_says_so(alice: User, make_case: Callable[..., Case]) -> None:
    case = make_case(opened_on=TODAY - days(20))
    assessment(alice, case, NEED_ASSESSMENT, complete=True)
    assessment(alice, case, RISK_ASSESSMENT, complete=False)
    [task] = tasks_of(alice, "assessment")
    assert task.due_on == TODAY and "started today" in task.detail


# ---- eligibility pending --------------------------------------------------------------


def test_a_case_without_a_decision_waits_since_its_opening(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(4))
    [task] = tasks_of(alice, "eligibility")
    assert (task.case_code, task.due_on) == (case.code, TODAY - days(4))
    assert task.detail == "No eligibility decision yet"
    assert task.url == reverse("assessments:page", args=[case.code]) + "#eligibility-h"


@pytest.mark.parametrize("decision", [Eligibility.ELIGIBLE, Eligibility.NOT_ELIGIBLE])
def test_a_decision_ends_the_wait(
    alice: User, make_case: Callable[..., Case], decision: str
) -> None:
    case = make_case(opened_on=TODAY - days(4))
    eligibility(alice, case, decision)
    assert tasks_of(alice, "eligibility") == []


def test_needs_more_information_waits_since_that_decision_until_revised(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(10))
    asked = eligibility(alice, case, Eligibility.NEEDS_INFORMATION, TODAY - days(3))
    [task] = tasks_of(alice, "eligibility")
    assert task.due_on == TODAY - days(3) and "more information" in task.detail
    revise(alice, asked, Eligibility.ELIGIBLE)
    assert tasks_of(alice, "eligibility") == []


def test_a_revision_asking_for_information_brings_the_task_back(
    alice: User, make_case: Callable[..., Case]
) -> None:
    case = make_case(opened_on=TODAY - days(10))
    first = eligibility(alice, case, Eligibility.ELIGIBLE, TODAY - days(5))
    assert tasks_of(alice, "eligibility") == []
    revise(alice, first, Eligibility.NEEDS_INFORMATION, TODAY - days(1))
    [task] = tasks_of(alice, "eligibility")
    assert task.due_on == TODAY - days(1)
