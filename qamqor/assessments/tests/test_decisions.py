"""Trafficking status decisions (with the recovery and reflection period) and
eligibility decisions with their revision history; who may record them; audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qamqor.assessments.actions import (
    record_eligibility_decision,
    record_trafficking_decision,
    revise_eligibility_decision,
    start_assessment,
)
from qamqor.assessments.models import EligibilityDecision, TraffickingDecision, instrument_in_force
from qamqor.audit.models import AuditEvent
from qamqor.clock import today

DAY = datetime.timedelta(days=1)
GROUNDS = "Паспорт изъят работодателем, долг за проезд"


def possible(actor, case, **kwargs):
    return record_trafficking_decision(
        actor, case, status="PossibleVictimOfTrafficking", deciding_org_type="NGO",
        decided_on=kwargs.pop("decided_on", today()), grounds=GROUNDS, **kwargs,
    )  # fmt: skip


def test_possible_victim_starts_a_30_day_reflection_period(alice, case):
    decided = today() - 5 * DAY
    decision = possible(alice, case, decided_on=decided)
    assert decision.reflection_days == 30
    assert decision.reflection_period_end == decided + 29 * DAY


def test_actual_victim_supersedes_and_has_no_reflection_period(alice, case):
    first = possible(alice, case)
    second = record_trafficking_decision(
        alice, case, status="ActualVictimOfTrafficking", deciding_org_type="Police",
        decided_on=today(), grounds="Приговор суда",
    )  # fmt: skip
    assert second.supersedes == first and second.reflection_period_end is None
    current = TraffickingDecision.objects.filter(case=case, superseded_by__isnull=True)
    assert list(current) == [second]


def test_trafficking_decision_values_are_htcds(alice, case):
    with pytest.raises(ValidationError):
        record_trafficking_decision(
            alice, case, status="Maybe", deciding_org_type="NGO", decided_on=today(),
            grounds=GROUNDS,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        possible(alice, case, decided_on=today() + DAY)
    with pytest.raises(ValidationError):
        record_trafficking_decision(
            alice, case, status="PossibleVictimOfTrafficking", deciding_org_type="NGO",
            decided_on=today(), grounds="  ",
        )  # fmt: skip
    assert not TraffickingDecision.objects.exists()


def test_a_draft_assessment_cannot_ground_a_decision(alice, case):
    draft = start_assessment(alice, case, instrument_in_force("trafficking-identification"))
    with pytest.raises(ValidationError):
        possible(alice, case, assessment=draft)


def eligible(actor, case):
    return record_eligibility_decision(
        actor, case, decision="needs_information", deciding_body="Отдел занятости",
        decided_on=today() - 3 * DAY, reasons="Нет документов о доходах",
    )  # fmt: skip


def test_eligibility_revision_keeps_history(alice, case):
    first = eligible(alice, case)
    with pytest.raises(ValidationError, match="revise"):
        eligible(alice, case)
    second = revise_eligibility_decision(
        alice, first, decision="not_eligible", deciding_body="Отдел занятости",
        decided_on=today() - DAY, reasons="Критерии не выполнены",
    )  # fmt: skip
    third = revise_eligibility_decision(
        alice, second, decision="eligible", deciding_body="Комиссия по обжалованию",
        decided_on=today(), reasons="Решение отменено по жалобе", on_appeal=True,
    )  # fmt: skip
    assert [d.decision for d in third.history()] == [
        "eligible",
        "not_eligible",
        "needs_information",
    ]
    assert third.on_appeal and EligibilityDecision.objects.filter(case=case).count() == 3
    with pytest.raises(ValidationError, match="latest"):
        revise_eligibility_decision(
            alice, first, decision="eligible", deciding_body="X", decided_on=today(),
            reasons="Повтор",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="predate"):
        revise_eligibility_decision(
            alice, third, decision="eligible", deciding_body="X", decided_on=today() - 9 * DAY,
            reasons="Раньше",
        )  # fmt: skip


@pytest.mark.parametrize("who", ["bob", "charlie", "dana", "gulnara"])
def test_only_editors_record_decisions(request, alice, case, who):
    outsider = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        possible(outsider, case)
    with pytest.raises(PermissionDenied):
        eligible(outsider, case)
    first = eligible(alice, case)
    with pytest.raises(PermissionDenied):
        revise_eligibility_decision(
            outsider, first, decision="eligible", deciding_body="X", decided_on=today(),
            reasons="Жалоба",
        )  # fmt: skip
    assert not TraffickingDecision.objects.exists()
    assert EligibilityDecision.objects.count() == 1


def test_decisions_are_audited_without_grounds(alice, case):
    possible(alice, case)
    revise_eligibility_decision(
        alice, eligible(alice, case), decision="eligible", deciding_body="Комиссия",
        decided_on=today(), reasons="Нет документов о доходах", on_appeal=True,
    )  # fmt: skip
    actions = list(
        AuditEvent.objects.filter(case_code=case.code)
        .order_by("sequence")
        .values_list("action", "details")
    )
    names = [name for name, _ in actions]
    assert names[-3:] == [
        "trafficking_decision.create", "eligibility_decision.create", "eligibility_decision.revise",
    ]  # fmt: skip
    for _name, details in actions:
        assert "Паспорт" not in str(details) and "документов" not in str(details)
