import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from qamqor.accounts.models import User
from qamqor.cases.models import Case
from qamqor.protection.actions import add_measure
from qamqor.protection.models import MeasureKind, ProtectionMeasure

# A Monday, noon in Almaty: every test of dates runs on this day unless it moves the clock.
TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime.date], None]:
    """Set the one clock to noon (Almaty) on a given day; starts on TODAY."""

    def move_to(day: datetime.date) -> None:
        moment = datetime.datetime(day.year, day.month, day.day, 7, tzinfo=datetime.UTC)
        monkeypatch.setattr("qamqor.clock.now", lambda: moment)

    move_to(TODAY)
    return move_to


@pytest.fixture
def measure_in(alice: User, frozen_today: Any) -> Callable[..., ProtectionMeasure]:
    def build(case: Case, **fields: Any) -> ProtectionMeasure:
        values: dict[str, Any] = {
            "kind": MeasureKind.POLICE_ORDER,
            "issued_on": TODAY,
            "starts_on": TODAY,
            "ends_on": TODAY + datetime.timedelta(days=29),
            "number": "ПП-0001/26",
        }
        values.update(fields)
        return add_measure(alice, case, ProtectionMeasure(**values))

    return build


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read messages in English; the interface default is Russian."""
    with translation.override("en"):
        yield
