"""Assessment actions: a draft has no score, completion needs every answer and fixes the
score, a completed assessment is only superseded, escalation counts the case's
incidents, who may act, and what the audit log holds."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from qamqor.assessments.actions import (
    complete_assessment,
    save_answers,
    start_assessment,
    supersede,
)
from qamqor.assessments.models import Assessment, AssessmentStatus, instrument_in_force
from qamqor.assessments.scoring import months_before
from qamqor.audit.models import AuditEvent
from qamqor.cases.actions import add_incident
from qamqor.cases.models import Incident
from qamqor.clock import today

DAY = datetime.timedelta(days=1)
EVIDENCE = "Работодатель забрал паспорт при въезде"


def risk_answers(yes: int) -> dict[str, str]:
    codes = instrument_in_force("dv-risk").items.values_list("code", flat=True)
    return {code: ("yes" if index < yes else "no") for index, code in enumerate(codes)}


@pytest.fixture
def draft(alice, case):
    return start_assessment(alice, case, instrument_in_force("dv-risk"))


def completed(alice, draft, yes: int, **kwargs) -> Assessment:
    save_answers(alice, draft, risk_answers(yes))
    return complete_assessment(alice, draft, **kwargs)


def test_shipped_instruments_are_loaded():
    assert instrument_in_force("trafficking-identification").items.count() == 38
    assert instrument_in_force("dv-risk").items.count() == 24
    assert instrument_in_force("eligibility-cruel-treatment").items.count() == 6
    groups = set(
        instrument_in_force("trafficking-identification").items.values_list("group", flat=True)
    )
    assert groups == {"htcds_method_of_control", "htcds_exploitation_type", "ilo_indicator"}


def test_a_draft_has_no_score(alice, draft):
    saved = save_answers(alice, draft, risk_answers(20))
    assert saved.status == AssessmentStatus.DRAFT
    assert (saved.yes_count, saved.level, saved.conference_proposed) == (None, "", False)


def test_completion_needs_every_answer(alice, draft):
    answers = risk_answers(5)
    answers.pop(next(iter(answers)))
    save_answers(alice, draft, answers)
    with pytest.raises(ValidationError, match="1 left"):
        complete_assessment(alice, draft)
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT


@pytest.mark.parametrize(
    ("yes", "level"), [(9, "standard"), (10, "medium"), (13, "medium"), (14, "high")]
)
def test_completion_stores_the_score(alice, draft, yes, level):
    done = completed(alice, draft, yes)
    stored = Assessment.objects.get(pk=done.pk)
    assert (stored.status, stored.yes_count, stored.level) == ("completed", yes, level)
    assert stored.conference_proposed == (level == "high")
    assert stored.completed_by == alice


def test_judgement_raises_with_a_reason(alice, draft):
    done = completed(alice, draft, 4, judgement_level="high", judgement_reason="Угрозы в суде")
    assert (done.count_level, done.level, done.conference_proposed) == ("standard", "high", True)
    assert Assessment.objects.get(pk=done.pk).judgement_reason == "Угрозы в суде"


def test_a_lower_judgement_is_refused_and_nothing_changes(alice, draft):
    save_answers(alice, draft, risk_answers(15))
    with pytest.raises(ValidationError, match="never lower"):
        complete_assessment(alice, draft, judgement_level="medium", judgement_reason="Спокойно")
    stored = Assessment.objects.get(pk=draft.pk)
    assert (stored.status, stored.level, stored.yes_count) == ("draft", "", None)


def test_a_judgement_needs_a_reason(alice, draft):
    save_answers(alice, draft, risk_answers(1))
    with pytest.raises(ValidationError):
        complete_assessment(alice, draft, judgement_level="high")


@pytest.mark.parametrize(("beyond", "escalated"), [(0, True), (1, False)])
def test_escalation_counts_incidents_from_exactly_twelve_months(alice, case, beyond, escalated):
    for day in (today(), today() - 10 * DAY, months_before(today(), 12) - beyond * DAY):
        add_incident(alice, case, Incident(occurred_on=day, forms_of_violence=["physical"]))
    draft = start_assessment(alice, case, instrument_in_force("dv-risk"))
    done = completed(alice, draft, 2)
    assert done.incidents_in_window == (3 if escalated else 2)
    assert done.escalated is escalated
    assert done.level == ("high" if escalated else "standard")


def test_a_completed_assessment_cannot_be_edited(alice, draft):
    done = completed(alice, draft, 3)
    with pytest.raises(ValidationError, match="supersede"):
        save_answers(alice, done, risk_answers(20))
    with pytest.raises(ValidationError):
        complete_assessment(alice, done)
    assert Assessment.objects.get(pk=done.pk).yes_count == 3


def test_superseding(alice, draft):
    first = completed(alice, draft, 3)
    second = supersede(alice, first)
    assert supersede(alice, first) == second
    assert (second.status, second.supersedes, second.answers) == ("draft", first, first.answers)
    assert Assessment.objects.get(pk=first.pk).status == AssessmentStatus.COMPLETED
    save_answers(alice, second, risk_answers(14))
    complete_assessment(alice, second)
    assert Assessment.objects.get(pk=first.pk).status == AssessmentStatus.SUPERSEDED
    assert Assessment.objects.get(pk=second.pk).level == "high"
    with pytest.raises(ValidationError):
        supersede(alice, Assessment.objects.get(pk=first.pk))


def test_a_draft_cannot_be_superseded(alice, draft):
    with pytest.raises(ValidationError):
        supersede(alice, draft)


def test_answers_are_checked(alice, draft):
    with pytest.raises(ValidationError):
        save_answers(alice, draft, {"no_such_item": "yes"})
    with pytest.raises(ValidationError):
        save_answers(alice, draft, {"q01_injured_now": "perhaps"})
    with pytest.raises(ValidationError, match="evidence"):
        save_answers(alice, draft, {}, {"q01_injured_now": "text"})
    assert Assessment.objects.get(pk=draft.pk).answers == {}


def test_checklist_evidence_is_encrypted(alice, case):
    draft = start_assessment(alice, case, instrument_in_force("trafficking-identification"))
    save_answers(alice, draft, {"ilo_retention_of_documents": "yes"},
                 {"ilo_retention_of_documents": EVIDENCE})  # fmt: skip
    assert Assessment.objects.get(pk=draft.pk).evidence == {"ilo_retention_of_documents": EVIDENCE}
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence_text FROM assessments_assessment WHERE id = %s", [draft.pk])
        stored = cursor.fetchone()[0]
    assert stored and "паспорт" not in stored


@pytest.mark.parametrize("who", ["bob", "charlie", "dana", "gulnara"])
def test_only_editors_of_the_case_act(request, alice, case, draft, who):
    outsider = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        start_assessment(outsider, case, instrument_in_force("dv-risk"))
    with pytest.raises(PermissionDenied):
        save_answers(outsider, draft, risk_answers(1))
    with pytest.raises(PermissionDenied):
        complete_assessment(outsider, draft)
    assert Assessment.objects.filter(case=case).count() == 1


def test_carol_the_supervisor_may_act(carol, draft):
    assert completed(carol, draft, 1).completed_by == carol


def test_actions_are_audited_without_answers_or_evidence(alice, case):
    draft = start_assessment(alice, case, instrument_in_force("trafficking-identification"))
    codes = draft.instrument.items.values_list("code", flat=True)
    save_answers(alice, draft, dict.fromkeys(codes, "no") | {"ilo_deception": "yes"},
                 {"ilo_deception": EVIDENCE})  # fmt: skip
    complete_assessment(alice, draft)
    events = AuditEvent.objects.filter(case_code=case.code, action__startswith="assessment.")
    assert list(events.order_by("sequence").values_list("action", flat=True)) == [
        "assessment.start", "assessment.answers", "assessment.complete",
    ]  # fmt: skip
    for event in events:
        assert "паспорт" not in str(event.details) and "ilo_deception" not in str(event.details)
    assert events.get(action="assessment.complete").details["yes_count"] == 1
