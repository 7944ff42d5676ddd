"""The assessment pages: filling and completing a checklist, the judgement that may only
raise the level, completed assessments read only and superseded, decisions, who may see
and change them, and one audit view event per page shown."""

import datetime
import re

import pytest
from django.urls import reverse

from qamqor.assessments.actions import complete_assessment, save_answers, start_assessment
from qamqor.assessments.models import (
    Assessment,
    AssessmentStatus,
    EligibilityDecision,
    instrument_in_force,
)
from qamqor.audit.models import AuditEvent
from qamqor.clock import today
from qamqor.conftest import signed_in

GROUNDS = "Паспорт изъят работодателем"


def risk_data(yes: int, **extra: str) -> dict[str, str]:
    codes = instrument_in_force("dv-risk").items.values_list("code", flat=True)
    data = {f"answer_{code}": ("yes" if i < yes else "no") for i, code in enumerate(codes)}
    data.update(extra)
    return data


def generic(response, url: str) -> str:
    """The page without its per-request CSRF tokens and its own address."""
    body = response.content.decode().replace(url, "URL")
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def trafficking_url(case) -> str:
    return reverse("assessments:trafficking_decision", args=[case.code])


def page(case) -> str:
    return reverse("assessments:page", args=[case.code])


def detail(case, assessment) -> str:
    return reverse("assessments:detail", args=[case.code, assessment.pk])


def change(name, case, assessment) -> str:
    return reverse(f"assessments:{name}", args=[case.code, assessment.pk])


@pytest.fixture
def draft(alice, case):
    return start_assessment(alice, case, instrument_in_force("dv-risk"))


@pytest.fixture
def completed(alice, draft):
    codes = draft.instrument.items.values_list("code", flat=True)
    save_answers(alice, draft, {code: "no" for code in codes})
    return complete_assessment(alice, draft)


def test_fill_and_complete_a_risk_checklist_through_the_pages(alice, case):
    client = signed_in(alice)
    instrument = instrument_in_force("dv-risk")
    response = client.post(reverse("assessments:start", args=[case.code]), {
        "instrument": instrument.pk,
    })  # fmt: skip
    assessment = Assessment.objects.get(case=case)
    assert response.status_code == 302 and response.url == detail(case, assessment)
    first_half = dict(list(risk_data(14).items())[:10])
    assert client.post(change("answers_save", case, assessment), first_half).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT and len(assessment.answers) == 10

    # Completing with items left unanswered names each of them and completes nothing.
    response = client.post(change("complete", case, assessment), first_half)
    assert response.status_code == 400
    assert response.content.decode().count("Answer this item before completing.") == 14
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT

    response = client.post(change("complete", case, assessment), risk_data(14))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.yes_count, assessment.level) == ("completed", 14, "high")
    body = client.get(detail(case, assessment)).content.decode()
    assert "High" in body and "multi-agency risk conference" in body
    listing = client.get(page(case)).content.decode()
    assert "High" in listing and "Multi-agency risk conference proposed" in listing


def test_a_medium_result_proposes_no_conference(alice, case, draft):
    client = signed_in(alice)
    assert client.post(change("complete", case, draft), risk_data(10)).status_code == 302
    body = client.get(detail(case, draft)).content.decode()
    assert "Medium" in body and "multi-agency risk conference" not in body


def test_judgement_may_raise_the_level(alice, case, draft):
    data = risk_data(3, judgement_level="high", judgement_reason="Угрожал ножом")
    assert signed_in(alice).post(change("complete", case, draft), data).status_code == 302
    draft.refresh_from_db()
    assert (draft.count_level, draft.level, draft.conference_proposed) == ("standard", "high", True)


def test_judgement_lowering_the_level_is_refused_on_the_form(alice, case, draft):
    data = risk_data(14, judgement_level="medium", judgement_reason="Кажется спокойнее")
    response = signed_in(alice).post(change("complete", case, draft), data)
    assert response.status_code == 400
    assert "may raise the risk level, never lower it" in response.content.decode()
    draft.refresh_from_db()
    # Neither the completion nor the answers sent with it were kept.
    assert draft.status == AssessmentStatus.DRAFT and draft.answers == {}


def test_a_completed_assessment_is_read_only(alice, case, completed):
    client = signed_in(alice)
    body = client.get(detail(case, completed)).content.decode()
    assert change("answers_save", case, completed) not in body
    assert 'type="radio"' not in body
    assert change("supersede", case, completed) in body
    response = client.post(change("answers_save", case, completed), risk_data(20))
    assert response.status_code == 400
    assert "cannot be changed" in response.content.decode()
    completed.refresh_from_db()
    assert completed.yes_count == 0 and set(completed.answers.values()) == {"no"}


def test_supersede_starts_a_new_draft_from_the_old_answers(alice, case, completed):
    client = signed_in(alice)
    response = client.post(change("supersede", case, completed))
    new = Assessment.objects.get(supersedes=completed)
    assert response.status_code == 302 and response.url == detail(case, new)
    assert new.status == AssessmentStatus.DRAFT and new.answers == completed.answers
    assert client.post(change("complete", case, new), risk_data(12)).status_code == 302
    completed.refresh_from_db()
    assert completed.status == AssessmentStatus.SUPERSEDED
    # A draft cannot be superseded: a clear refusal, nothing new.
    draft = start_assessment(alice, case, instrument_in_force("dv-risk"))
    response = client.post(change("supersede", case, draft))
    assert response.status_code == 400 and "Only a completed" in response.content.decode()
    assert not Assessment.objects.filter(supersedes=draft).exists()


def test_trafficking_evidence_is_saved_with_the_draft(alice, case):
    draft = start_assessment(alice, case, instrument_in_force("trafficking-identification"))
    data = {"answer_moc_DebtBondage": "yes", "evidence_moc_DebtBondage": "Долг за дорогу"}
    assert signed_in(alice).post(change("answers_save", case, draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.evidence == {"moc_DebtBondage": "Долг за дорогу"}
    assert "Долг за дорогу" in signed_in(alice).get(detail(case, draft)).content.decode()


def test_a_possible_victim_decision_shows_the_reflection_period_end(alice, case):
    decided = today() - datetime.timedelta(days=2)
    response = signed_in(alice).post(trafficking_url(case), {
        "trafficking-status": "PossibleVictimOfTrafficking",
        "trafficking-deciding_org_type": "NGO",
        "trafficking-decided_on": decided.isoformat(),
        "trafficking-grounds": GROUNDS,
    })  # fmt: skip
    assert response.status_code == 302
    body = signed_in(alice).get(page(case)).content.decode()
    end = decided + datetime.timedelta(days=29)
    assert "Possible victim of trafficking" in body
    assert f"30 days, until {end:%d.%m.%Y}" in body


def test_a_decision_dated_in_the_future_is_a_field_error(alice, case):
    tomorrow = today() + datetime.timedelta(days=1)
    response = signed_in(alice).post(trafficking_url(case), {
        "trafficking-status": "PossibleVictimOfTrafficking",
        "trafficking-deciding_org_type": "NGO",
        "trafficking-decided_on": tomorrow.isoformat(),
        "trafficking-grounds": GROUNDS,
    })  # fmt: skip
    assert response.status_code == 400
    assert "cannot be dated in the future" in response.content.decode()
    assert not case.trafficking_decisions.exists()


def test_revising_eligibility_keeps_the_history(alice, case):
    client = signed_in(alice)
    url = reverse("assessments:eligibility_decision", args=[case.code])
    first = {
        "eligibility-decision": "needs_information",
        "eligibility-deciding_body": "Комиссия акимата",
        "eligibility-decided_on": (today() - datetime.timedelta(days=5)).isoformat(),
        "eligibility-reasons": "Нет заключения психолога",
    }
    assert client.post(url, first).status_code == 302
    body = client.get(page(case)).content.decode()
    assert "Needs more information" in body and "Revise the eligibility decision" in body
    second = {
        "eligibility-decision": "eligible",
        "eligibility-deciding_body": "Комиссия акимата",
        "eligibility-decided_on": today().isoformat(),
        "eligibility-reasons": "Заключение получено",
        "eligibility-on_appeal": "on",
    }
    assert client.post(url, second).status_code == 302
    current = EligibilityDecision.objects.get(superseded_by__isnull=True)
    assert current.decision == "eligible" and current.on_appeal
    assert [d.decision for d in current.history()] == ["eligible", "needs_information"]
    body = client.get(page(case)).content.decode()
    assert "Earlier decisions" in body and "Нет заключения психолога" in body
    # A revision dated before the decision it revises is refused and changes nothing.
    refused = dict(second, **{"eligibility-decided_on": "2020-01-01"})
    assert client.post(url, refused).status_code == 400
    assert EligibilityDecision.objects.count() == 2


def test_an_assessment_of_another_case_is_not_found(alice, case, make_case, draft):
    other = make_case(surname="Омарова")
    client = signed_in(alice)
    foreign_url = detail(other, draft)
    missing_url = reverse("assessments:detail", args=[other.code, draft.pk + 1000])
    foreign, missing = client.get(foreign_url), client.get(missing_url)
    assert foreign.status_code == missing.status_code == 404
    assert generic(foreign, foreign_url) == generic(missing, missing_url)
    response = client.post(change("complete", other, draft), risk_data(24))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_charlie_finds_nothing_and_gulnara_may_not_change(charlie, gulnara, case, draft):
    assert signed_in(charlie).get(page(case)).status_code == 404
    assert signed_in(charlie).get(detail(case, draft)).status_code == 404
    assert (
        signed_in(charlie).post(change("complete", case, draft), risk_data(24)).status_code == 404
    )
    for url, data in (
        (reverse("assessments:start", args=[case.code]), {"instrument": draft.instrument.pk}),
        (change("answers_save", case, draft), risk_data(24)),
        (change("complete", case, draft), risk_data(24)),
    ):
        assert signed_in(gulnara).post(url, data).status_code == 403
    assert Assessment.objects.count() == 1
    draft.refresh_from_db()
    assert draft.answers == {} and draft.status == AssessmentStatus.DRAFT


def test_one_audit_view_event_per_page_shown(alice, case, draft):
    client = signed_in(alice)
    views = AuditEvent.objects.filter(action="assessment.view")
    client.get(page(case))
    assert views.count() == 1
    client.get(detail(case, draft))
    assert views.count() == 2
    event = views.order_by("sequence").last()
    assert event is not None and event.case_code == case.code
