"""What the my-tasks tests share: a frozen clock, and case files built through the actions.

No test lives here; the test modules import these fixtures and helpers.
"""

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from qamqor.accounts.models import Agency, User
from qamqor.assessments.actions import (
    complete_assessment,
    record_eligibility_decision,
    record_trafficking_decision,
    revise_eligibility_decision,
    save_answers,
    start_assessment,
)
from qamqor.assessments.models import (
    Assessment,
    DecisionMakingOrg,
    Eligibility,
    EligibilityDecision,
    TraffickingDecision,
    TraffickingStatus,
    instrument_in_force,
)
from qamqor.cases.models import Case
from qamqor.facilities.models import Facility, FacilityCapacity, PlacementCategory
from qamqor.protection.actions import add_measure
from qamqor.protection.models import MeasureKind, ProtectionMeasure
from qamqor.web.worklist import Task, TaskGroup, Worklist, my_tasks

# A Monday, noon in Almaty: every test runs on this day unless it moves the clock.
TODAY = datetime.date(2026, 3, 2)
NEED_ASSESSMENT = "eligibility-cruel-treatment"
RISK_ASSESSMENT = "dv-risk"


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the one clock to noon (Almaty) on a given day; starts on TODAY."""

    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def tasks_of(user: User, kind: str, on: datetime.date | None = None) -> list[Task]:
    return group_of(user, kind, on).tasks


def group_of(user: User, kind: str, on: datetime.date | None = None) -> TaskGroup:
    worklist = my_tasks(user, on=on)
    assert worklist is not None
    return next(group for group in worklist.groups if group.kind.code == kind)


def codes(tasks: list[Task]) -> list[str]:
    return [task.case_code for task in tasks]


def assessment(actor: User, case: Case, instrument: str, *, complete: bool) -> Assessment:
    started = start_assessment(actor, case, instrument_in_force(instrument))
    return finish(actor, started) if complete else started


def finish(actor: User, draft: Assessment) -> Assessment:
    items = draft.instrument.items.values_list("code", flat=True)
    answered = save_answers(actor, draft, {code: "no" for code in items})
    return complete_assessment(actor, answered)


def eligibility(
    actor: User,
    case: Case,
    decision: str = Eligibility.ELIGIBLE,
    decided_on: datetime.date = TODAY,
) -> EligibilityDecision:
    return record_eligibility_decision(
        actor,
        case,
        decision=decision,
        deciding_body="Комиссия",
        decided_on=decided_on,
        reasons="Основания решения.",
    )


def revise(
    actor: User, previous: EligibilityDecision, decision: str, decided_on: datetime.date = TODAY
) -> EligibilityDecision:
    return revise_eligibility_decision(
        actor,
        previous,
        decision=decision,
        deciding_body="Комиссия",
        decided_on=decided_on,
        reasons="Новые сведения.",
    )


def trafficking_status(
    actor: User,
    case: Case,
    status: str = TraffickingStatus.POSSIBLE,
    decided_on: datetime.date = TODAY,
) -> TraffickingDecision:
    return record_trafficking_decision(
        actor,
        case,
        status=status,
        deciding_org_type=DecisionMakingOrg.POLICE,
        decided_on=decided_on,
        grounds="Признаки эксплуатации.",
    )


def police_order(actor: User, case: Case, ends_on: datetime.date) -> ProtectionMeasure:
    """A 30-day police order ending on `ends_on` (at most 29 days after TODAY)."""
    starts_on = ends_on - days(29)
    return add_measure(
        actor,
        case,
        ProtectionMeasure(
            kind=MeasureKind.POLICE_ORDER,
            issued_on=starts_on,
            starts_on=starts_on,
            ends_on=ends_on,
            number="ПП-0001/26",
        ),
    )


def shelter(agency: Agency, name: str = "Shelter A", places: int = 5) -> Facility:
    facility = Facility.objects.create(
        agency=agency,
        code=name.lower().replace(" ", "-"),
        name=name,
        region=agency.region,
        address="Алматы, улица Синтетическая, 12",
    )
    FacilityCapacity.objects.create(
        facility=facility, category=PlacementCategory.objects.get(code="women"), places=places
    )
    return facility


def total(worklist: Worklist | None) -> int:
    assert worklist is not None
    return worklist.total
