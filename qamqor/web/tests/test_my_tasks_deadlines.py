"""Orders expiring, stays nearing their limit, reflection periods ending: each task
appears on the right day and goes when its cause goes."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from qamqor.accounts.models import Agency, User
from qamqor.assessments.models import TraffickingStatus
from qamqor.cases.models import Case, Grounds
from qamqor.facilities.actions import admit, discharge, transfer
from qamqor.facilities.queries import length_of_stay

from .test_my_tasks_support import (
    TODAY,
    codes,
    days,
    english,
    frozen_today,
    police_order,
    shelter,
    tasks_of,
    trafficking_status,
)

__all__ = ["english", "frozen_today"]

pytestmark = pytest.mark.usefixtures("frozen_today", "english")

STANDARD_PERIOD = 180  # days, both shipped standards


# ---- protective orders ----------------------------------------------------------------


def test_an_order_ending_in_seven_days_shows_and_in_eight_does_not(
    alice: User, make_case: Callable[..., Case]
) -> None:
    seven, eight = make_case(), make_case()
    police_order(alice, seven, TODAY + days(7))
    police_order(alice, eight, TODAY + days(8))
    [task] = tasks_of(alice, "order")
    assert (task.case_code, task.due_on) == (seven.code, TODAY + days(7))
    assert task.detail == "Police protective order: last day in force"
    assert task.url == reverse("protection:page", args=[seven.code])


def test_the_order_appears_a_day_later_and_goes_after_its_last_day(
    alice: User, make_case: Callable[..., Case], frozen_today: Callable[..., Any]
) -> None:
    case = make_case()
    police_order(alice, case, TODAY + days(8))
    assert tasks_of(alice, "order") == []
    frozen_today(TODAY + days(1))
    assert codes(tasks_of(alice, "order")) == [case.code]
    frozen_today(TODAY + days(8))
    assert codes(tasks_of(alice, "order")) == [case.code]  # its last day
    frozen_today(TODAY + days(9))
    assert tasks_of(alice, "order") == []


def test_orders_ending_sooner_come_first(alice: User, make_case: Callable[..., Case]) -> None:
    later, sooner = make_case(), make_case()
    police_order(alice, later, TODAY + days(6))
    police_order(alice, sooner, TODAY)
    assert codes(tasks_of(alice, "order")) == [sooner.code, later.code]


# ---- stays ----------------------------------------------------------------------------


@pytest.fixture
def placed(
    alice: User, agency: Agency, make_case: Callable[..., Case], frozen_today: Callable[..., Any]
) -> Case:
    """A case whose person was admitted on TODAY (the clock then moves on)."""
    case = make_case(opened_on=TODAY)
    admit(alice, case, shelter(agency), "women", TODAY)
    return case


def test_a_stay_shows_with_fourteen_days_left_and_not_with_fifteen(
    alice: User, placed: Case, frozen_today: Callable[..., Any]
) -> None:
    frozen_today(TODAY + days(STANDARD_PERIOD - 15))
    assert tasks_of(alice, "stay") == []
    frozen_today(TODAY + days(STANDARD_PERIOD - 14))
    [task] = tasks_of(alice, "stay")
    assert task.case_code == placed.code
    assert task.due_on == TODAY + days(STANDARD_PERIOD)
    assert task.detail == "Stay of 166 days out of the standard's 180 days"
    assert task.url == reverse("facilities:placement", args=[placed.code])


def test_a_stay_beyond_the_limit_stays_listed_until_discharge(
    alice: User, placed: Case, frozen_today: Callable[..., Any]
) -> None:
    frozen_today(TODAY + days(STANDARD_PERIOD + 3))
    [task] = tasks_of(alice, "stay")
    assert task.due_on == TODAY + days(STANDARD_PERIOD)
    discharge(alice, placed.placements.get(), TODAY + days(STANDARD_PERIOD + 3))
    assert tasks_of(alice, "stay") == []


def test_a_transfer_continues_the_stay_as_on_the_placement_page(
    alice: User, agency: Agency, placed: Case, frozen_today: Callable[..., Any]
) -> None:
    frozen_today(TODAY + days(100))
    other = shelter(agency, "Shelter B")
    moved = transfer(alice, placed.placements.get(), other, "women", TODAY + days(100))
    frozen_today(TODAY + days(STANDARD_PERIOD - 10))
    [task] = tasks_of(alice, "stay")
    assert task.due_on == TODAY + days(STANDARD_PERIOD)
    stay = length_of_stay(moved)
    assert stay is not None and stay.days_left == 10


def test_a_trafficking_case_is_held_to_its_own_standard(
    alice: User, agency: Agency, make_case: Callable[..., Case], frozen_today: Callable[..., Any]
) -> None:
    case = make_case(opened_on=TODAY, grounds=Grounds.TRAFFICKING)
    admit(alice, case, shelter(agency), "women", TODAY)
    frozen_today(TODAY + days(STANDARD_PERIOD - 14))
    [task] = tasks_of(alice, "stay")
    stay = length_of_stay(case.placements.get())
    assert stay is not None and stay.standard.category.code == "trafficking_victim"
    assert (task.due_on - TODAY - days(STANDARD_PERIOD - 14)).days == stay.days_left == 14


# ---- reflection periods ---------------------------------------------------------------


def test_a_reflection_period_shows_in_its_last_seven_days_and_after(
    alice: User, make_case: Callable[..., Case], frozen_today: Callable[..., Any]
) -> None:
    case = make_case(opened_on=TODAY, grounds=Grounds.TRAFFICKING)
    trafficking_status(alice, case, decided_on=TODAY)
    last_day = TODAY + days(29)  # 30 days, the day of the decision counts as the first
    frozen_today(last_day - days(8))
    assert tasks_of(alice, "reflection") == []
    frozen_today(last_day - days(7))
    [task] = tasks_of(alice, "reflection")
    assert (task.case_code, task.due_on) == (case.code, last_day)
    assert task.detail == "Reflection period of 30 days for a possible victim ends"
    assert task.url == reverse("assessments:page", args=[case.code]) + "#trafficking-h"
    frozen_today(last_day + days(10))
    [task] = tasks_of(alice, "reflection")
    assert "still “possible victim”" in task.detail


@pytest.mark.parametrize("status", [TraffickingStatus.ACTUAL, TraffickingStatus.NOT_A_VICTIM])
def test_a_later_decision_ends_the_reflection_task(
    alice: User, make_case: Callable[..., Case], status: str
) -> None:
    case = make_case(opened_on=TODAY - days(40), grounds=Grounds.TRAFFICKING)
    trafficking_status(alice, case, decided_on=TODAY - days(40))
    assert codes(tasks_of(alice, "reflection")) == [case.code]
    trafficking_status(alice, case, status=status, decided_on=TODAY)
    assert tasks_of(alice, "reflection") == []


def test_reflection_periods_ending_sooner_come_first(
    alice: User, make_case: Callable[..., Case]
) -> None:
    later = make_case(opened_on=TODAY - days(25), grounds=Grounds.TRAFFICKING)
    sooner = make_case(opened_on=TODAY - days(35), grounds=Grounds.TRAFFICKING)
    trafficking_status(alice, later, decided_on=TODAY - days(25))
    trafficking_status(alice, sooner, decided_on=TODAY - days(35))
    assert codes(tasks_of(alice, "reflection")) == [sooner.code, later.code]
