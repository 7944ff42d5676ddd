"""What happens in the demo cases: assessments, decisions, placements and protection,
consistent with the rules their actions keep; and one busy agency for benchmarks."""

from collections import Counter

import pytest
from django.db.models import Count

from qamqor.accounts.models import Membership, User
from qamqor.assessments.models import (
    Assessment,
    AssessmentStatus,
    EligibilityDecision,
    Instrument,
    InstrumentKind,
    TraffickingDecision,
    TraffickingStatus,
)
from qamqor.assessments.scoring import RiskRules, risk_result
from qamqor.audit.models import AuditEvent
from qamqor.cases.models import CLOSED_STATUSES, Case, Status
from qamqor.clock import today
from qamqor.demo import generator
from qamqor.facilities.models import Facility, FacilityCapacity, Placement
from qamqor.protection.models import ProtectionMeasure
from qamqor.registry.models import Person
from qamqor.web.worklist import my_tasks

PERSONS = 150
BUSY = "supervisor.almaty"


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded() -> None:
    generator.load(PERSONS)
    generator.add_open_cases(BUSY, 200)


def test_assessments_are_drafts_without_a_score_or_completed_with_theirs(loaded: None) -> None:
    assessments = Assessment.objects.select_related("instrument", "case")
    assert {a.instrument.kind for a in assessments} == set(InstrumentKind.values)
    statuses = Counter(a.status for a in assessments)
    assert statuses[AssessmentStatus.COMPLETED] > statuses[AssessmentStatus.DRAFT] > 0
    for assessment in assessments:
        assessment.full_clean()
        case, instrument = assessment.case, assessment.instrument
        assert instrument.in_force_on(assessment.assessed_on)
        assert case.opened_on <= assessment.assessed_on <= (case.closed_on or today())
        items = set(instrument.items.values_list("code", flat=True))
        assert set(assessment.answers) <= items
        if assessment.status == AssessmentStatus.DRAFT:
            assert assessment.yes_count is None and not assessment.level
            assert assessment.completed_at is None
            continue
        assert set(assessment.answers) == items
        assert assessment.yes_count == list(assessment.answers.values()).count("yes")
        assert assessment.started_at <= assessment.completed_at  # type: ignore[operator]
        if instrument.kind == InstrumentKind.DOMESTIC_VIOLENCE_RISK:
            dates = list(case.incidents.values_list("occurred_on", flat=True))
            result = risk_result(
                RiskRules.from_data(instrument.rules),
                assessment.answers,
                incident_dates=dates,
                assessed_on=assessment.assessed_on,
            )
            assert (assessment.level, assessment.escalated) == (result.level, result.escalated)


def test_decisions_rest_on_completed_assessments_and_revisions_supersede(loaded: None) -> None:
    eligibility = EligibilityDecision.objects.select_related("assessment__instrument", "case")
    assert {d.decision for d in eligibility} == {"eligible", "not_eligible", "needs_information"}
    for decision in eligibility:
        decision.full_clean()
        if decision.assessment is not None:
            assert decision.assessment.case_id == decision.case_id
            assert decision.assessment.instrument.kind == InstrumentKind.ELIGIBILITY
            assert decision.assessment.status == AssessmentStatus.COMPLETED
            assert decision.assessment.assessed_on <= decision.decided_on
        if decision.supersedes is not None:
            assert decision.supersedes.case_id == decision.case_id
            assert decision.supersedes.decided_on <= decision.decided_on
    assert EligibilityDecision.objects.filter(supersedes__isnull=False).exists()
    current = EligibilityDecision.objects.filter(superseded_by__isnull=True)
    assert not current.values("case").annotate(n=Count("pk")).filter(n__gt=1).exists()

    trafficking = TraffickingDecision.objects.select_related("assessment__instrument", "case")
    assert {d.status for d in trafficking} == set(TraffickingStatus.values)
    for decision in trafficking:
        decision.full_clean()
        assert decision.case.grounds == "trafficking"
        if decision.status == TraffickingStatus.POSSIBLE:
            assert decision.assessment is not None
            rules = decision.assessment.instrument.rules
            assert decision.reflection_days == rules["reflection_days"]
        else:
            assert decision.reflection_days is None
            assert decision.supersedes is not None
            assert decision.supersedes.status == TraffickingStatus.POSSIBLE


def test_placements_keep_to_capacity_and_to_the_dates_of_the_case(loaded: None) -> None:
    facilities = Facility.objects.select_related("agency")
    assert facilities.exists()
    for facility in facilities:
        facility.full_clean()
        assert facility.agency.kind.code.startswith("crisis_centre")
        assert facility.region_id == facility.agency.region_id
    placements = Placement.objects.select_related("case", "transferred_from")
    assert placements.filter(discharged_on__isnull=True).exists()
    assert placements.filter(transferred_from__isnull=False).exists()
    for placement in placements:
        placement.full_clean()
        case = placement.case
        assert case.opened_on <= placement.admitted_on <= today()
        if placement.discharged_on is None:
            assert case.status == Status.ACTIVE
        else:
            assert placement.discharged_on <= (case.closed_on or today())
        earlier = placement.transferred_from
        if earlier is not None:
            assert earlier.case_id == case.pk
            assert earlier.discharged_on == placement.admitted_on

    generator.add_open_cases(BUSY, 400, seed=5)  # more than the shelters of the agency hold
    full = 0
    for capacity in FacilityCapacity.objects.all():
        staying = Placement.objects.filter(
            facility_id=capacity.facility_id,
            category_id=capacity.category_id,
            discharged_on__isnull=True,
        ).count()
        assert staying <= capacity.places
        full += staying == capacity.places
    assert full


def test_protective_orders_last_what_the_law_allows(loaded: None) -> None:
    measures = ProtectionMeasure.objects.select_related("case")
    assert {m.kind for m in measures} == {"police_order", "court_requirements"}
    for measure in measures:
        measure.full_clean()  # durations, start after issue, conditions, reports per month
        assert measure.case.grounds != "trafficking"
        assert measure.case.opened_on <= measure.issued_on <= today()


def test_open_cases_for_one_busy_agency(loaded: None) -> None:
    agency = Membership.objects.get(user__username=BUSY).agency
    before = Case.objects.filter(owner_agency=agency).exclude(status__in=CLOSED_STATUSES).count()
    generator.add_open_cases(BUSY, 50, seed=3)
    added = Case.objects.filter(owner_agency=agency).exclude(status__in=CLOSED_STATUSES)
    assert added.count() == before + 50
    assert {case.status for case in added} == {Status.ACTIVE, Status.FOLLOW_UP}
    assert AuditEvent.objects.filter(action=generator.EXTEND_ACTION).count() == 2
    iins = list(Person.objects.exclude(iin="").values_list("iin", flat=True))
    assert len(iins) == len(set(iins))
    worklist = my_tasks(User.objects.get(username=BUSY))
    assert worklist is not None
    totals = {group.kind.code: group.total for group in worklist.groups}
    assert all(totals[kind] for kind in ("assessment", "eligibility", "order", "reflection"))


def test_open_cases_need_the_demo_set_and_an_agency_that_owns_cases() -> None:
    with pytest.raises(generator.DemoDataConflict, match="first"):
        generator.add_open_cases(BUSY, 10)
    generator.load(20)
    with pytest.raises(generator.DemoDataConflict, match="analyst"):
        generator.add_open_cases("analyst", 10)
    with pytest.raises(ValueError):
        generator.add_open_cases(BUSY, 0)
    assert Instrument.objects.exists()  # reference data stays
