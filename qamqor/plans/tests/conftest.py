import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from qamqor.accounts.models import User
from qamqor.assessments.actions import record_eligibility_decision, revise_eligibility_decision
from qamqor.assessments.models import Eligibility, EligibilityDecision
from qamqor.cases.models import Case
from qamqor.plans.actions import generate_plan
from qamqor.plans.models import ServicePlan

# A Monday, noon in Almaty: every test of dates runs on this day unless it moves the clock.
TODAY = datetime.date(2026, 3, 2)
# Cases of these tests were opened 60 days earlier, and found eligible 50 days earlier.
OPENED = TODAY - datetime.timedelta(days=60)
DECIDED = TODAY - datetime.timedelta(days=50)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the one clock to noon (Almaty) on a given day; starts on TODAY."""

    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


@pytest.fixture(autouse=True)
def _english(frozen_today: Any) -> Iterator[None]:
    """These tests read messages in English (the interface default is Russian), today."""
    with translation.override("en"):
        yield


def decide(
    actor: User, case: Case, decision: str = Eligibility.ELIGIBLE, on: datetime.date = DECIDED
) -> EligibilityDecision:
    """Record the case's eligibility decision, or revise the current one."""
    current = EligibilityDecision.objects.filter(case=case, superseded_by__isnull=True).first()
    fields = {
        "decision": decision,
        "deciding_body": "Отдел занятости и социальных программ",
        "decided_on": on,
        "reasons": "Критерии выполнены",
    }
    if current is None:
        return record_eligibility_decision(actor, case, **fields)
    return revise_eligibility_decision(actor, current, **fields)


@pytest.fixture
def open_case(make_case: Callable[..., Case]) -> Callable[..., Case]:
    """A case opened at OPENED (domestic violence unless told otherwise)."""

    def build(**fields: Any) -> Case:
        return make_case(opened_on=OPENED, **fields)

    return build


@pytest.fixture
def eligible_case(alice: User, open_case: Callable[..., Case]) -> Case:
    case = open_case()
    decide(alice, case)
    return case


@pytest.fixture
def plan(alice: User, eligible_case: Case) -> ServicePlan:
    """The domestic-violence plan of eligible_case, started 40 days ago."""
    return generate_plan(alice, eligible_case, started_on=TODAY - days(40))
