"""Service plans and closures in the demo cases, consistent with the rules of the plan
and closure actions; and what the command reports."""

import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Capability, Membership, User
from qamqor.assessments.models import EligibilityDecision
from qamqor.cases.models import (
    CLOSED_STATUSES,
    Case,
    CaseAssignment,
    ClosureDecision,
    ClosureOutcome,
    ClosureRequest,
    Status,
)
from qamqor.clock import today
from qamqor.demo import generator
from qamqor.plans.actions import _first_services
from qamqor.plans.models import (
    OPEN_STATUSES,
    Delivery,
    Goal,
    PlanExtension,
    PlannedService,
    PlanStatus,
    ServicePlan,
)
from qamqor.plans.queries import compliance_totals, reviews_due, services_overdue
from qamqor.registry.models import Person
from qamqor.services.standards import standard_for
from qamqor.web.worklist import my_tasks

PERSONS = 250
BUSY = "supervisor.almaty"


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def loaded() -> None:
    generator.load(PERSONS)
    generator.add_open_cases(BUSY, 150)


def approves_closures(user_id: int | None, case: Case) -> bool:
    user = User.objects.get(pk=user_id)
    return has_capability(user, Capability.APPROVE_CLOSURE, agency=case.owner_agency)


def case_workers(case: Case) -> set[int]:
    return set(
        CaseAssignment.objects.filter(
            case=case, user__memberships__role__code="case_worker"
        ).values_list("user_id", flat=True)
    )


def test_plans_follow_an_eligible_decision_under_the_standard_of_their_start(
    loaded: None,
) -> None:
    plans = ServicePlan.objects.select_related(
        "case", "category", "standard", "eligibility_decision"
    )
    assert {plan.status for plan in plans} == set(PlanStatus.values)
    assert {plan.standard.code for plan in plans} >= {
        "trafficking-2023",
        "domestic-violence-2023",
        "foreign-victim-2023",
    }
    open_per_case = Counter(plan.case_id for plan in plans if plan.is_open)
    assert open_per_case and max(open_per_case.values()) == 1
    for plan in plans:
        plan.full_clean()
        case, decision = plan.case, plan.eligibility_decision
        assert plan.standard == standard_for(plan.category, plan.started_on)
        assert decision.case_id == case.pk and decision.decision == "eligible"
        current = EligibilityDecision.objects.get(case=case, superseded_by__isnull=True)
        assert decision == current
        assert case.opened_on <= decision.decided_on <= plan.started_on <= today()
        assert plan.created_at >= decision.recorded_at
        assert plan.review_on >= plan.started_on


def test_most_open_eligible_cases_have_an_open_plan(loaded: None) -> None:
    current_eligible = EligibilityDecision.objects.filter(
        superseded_by__isnull=True, decision="eligible"
    ).values("case_id")
    eligible_open = Case.objects.exclude(status__in=CLOSED_STATUSES).filter(pk__in=current_eligible)
    with_plan = eligible_open.filter(service_plans__status__in=OPEN_STATUSES).distinct()
    assert with_plan.count() > eligible_open.count() / 2
    active = eligible_open.filter(status=Status.ACTIVE)
    assert with_plan.filter(status=Status.ACTIVE).count() > 0.75 * active.count()


def test_planned_services_are_those_a_generated_plan_has(loaded: None) -> None:
    services = defaultdict(list)
    for planned in PlannedService.objects.select_related("plan__case", "plan__standard"):
        planned.full_clean()  # due on or after the start, a setting the standard allows
        services[planned.plan].append(planned)
        assert planned.provider_id == planned.plan.case.owner_agency_id
    assert len(services) == ServicePlan.objects.count()
    for plan, planned in services.items():
        expected = {service.pk for service in _first_services(plan.standard)}
        assert sorted(item.service_id for item in planned) == sorted(expected)
        first_review = min(item.due_on for item in planned)
        assert first_review > plan.started_on


def test_goals_and_extensions_keep_to_the_plan_and_its_standard(loaded: None) -> None:
    goals = Goal.objects.select_related("plan")
    assert not ServicePlan.objects.filter(goals__isnull=True).exists()
    for goal in goals:
        goal.full_clean()  # agreed on or after the start, not in the future
        assert goal.text
    languages = Counter("kk" if set(goal.text) & set("әғқңөұүһі") else "ru" for goal in goals)
    assert languages["kk"] and languages["ru"] > languages["kk"]

    extensions = PlanExtension.objects.select_related("plan__standard", "reason")
    assert {extension.reason.code for extension in extensions} == {
        "criminal_proceedings",
        "hospitalisation",
    }
    for extension in extensions:
        extension.full_clean()
        standard = extension.plan.standard
        assert standard.extension_reasons.filter(pk=extension.reason_id).exists()
    totals = ServicePlan.objects.annotate(days=Sum("extensions__days")).filter(days__gt=0)
    for plan in totals.select_related("standard"):
        assert plan.days <= plan.standard.extension_days  # type: ignore[attr-defined]


def test_deliveries_fall_within_the_plan_and_never_in_the_future(loaded: None) -> None:
    deliveries = Delivery.objects.select_related("plan__case", "planned_service")
    outcomes = Counter(delivery.outcome for delivery in deliveries)
    assert outcomes["delivered"] > outcomes["partly_delivered"] > 0
    assert outcomes["did_not_attend"] + outcomes["refused"] > 0
    assert any(delivery.planned_service is None for delivery in deliveries)
    for delivery in deliveries:
        delivery.full_clean()  # not before the start, nor in the future; the planned service
        plan = delivery.plan
        assert plan.started_on <= delivery.delivered_on <= today()
        assert delivery.provider_id == plan.case.owner_agency_id
        assert delivery.recorded_at >= plan.created_at
        assert timezone.localdate(delivery.recorded_at) == delivery.delivered_on
        if plan.closure_requested_at is not None:
            # Recorded before the closure was asked for.
            assert delivery.recorded_at <= plan.closure_requested_at


def test_most_services_past_due_are_delivered_and_some_are_overdue(loaded: None) -> None:
    open_cases = Case.objects.exclude(status__in=CLOSED_STATUSES)
    totals = compliance_totals(open_cases)
    assert totals["overdue"] > 0
    assert totals["delivered"] > 4 * totals["overdue"]
    assert services_overdue(open_cases).exists()
    assert reviews_due(open_cases).exists()
    worklist = my_tasks(User.objects.get(username=BUSY))
    assert worklist is not None
    counts = {group.kind.code: group.total for group in worklist.groups}
    assert counts["plan_review"] and counts["service_overdue"]


def test_plan_closures_are_requested_and_approved_by_different_people(loaded: None) -> None:
    for plan in ServicePlan.objects.exclude(status=PlanStatus.ACTIVE).select_related("case"):
        assert plan.outcome and plan.closure_reason
        assert plan.closure_requested_by_id in case_workers(plan.case)
        assert plan.closure_requested_at is not None
        if plan.status == PlanStatus.CLOSURE_REQUESTED:
            assert plan.closure_decided_by_id is None and plan.closed_on is None
            continue
        assert plan.closure_decided_by_id != plan.closure_requested_by_id
        assert approves_closures(plan.closure_decided_by_id, plan.case)
        assert plan.closure_decided_at is not None
        assert plan.created_at <= plan.closure_requested_at <= plan.closure_decided_at
        assert timezone.localdate(plan.closure_decided_at) == plan.closed_on
    for plan in ServicePlan.objects.filter(status=PlanStatus.ACTIVE):
        assert not plan.outcome and plan.closure_requested_by_id is None


def test_closed_cases_were_closed_by_an_approved_request(loaded: None) -> None:
    closed = Case.objects.filter(status__in=CLOSED_STATUSES).select_related("owner_agency")
    outcomes = Counter(case.closure_outcome for case in closed)
    assert {
        ClosureOutcome.SERVICES_COMPLETED,
        ClosureOutcome.REFERRED,
        ClosureOutcome.NOT_ELIGIBLE,
    } <= set(outcomes)
    assert "" not in outcomes
    for case in closed:
        assert (case.status == Status.CLOSED_REFERRED) == (
            case.closure_outcome == ClosureOutcome.REFERRED
        )
        request = ClosureRequest.objects.get(case=case)
        assert request.decision == ClosureDecision.APPROVED
        assert (request.outcome, request.reason) == (case.closure_outcome, case.closure_reason)
        assert request.requested_by_id in case_workers(case)
        assert request.decided_by_id != request.requested_by_id
        assert approves_closures(request.decided_by_id, case)
        assert request.decided_at is not None
        assert case.created_at <= request.requested_at <= request.decided_at <= case.updated_at
        assert timezone.localdate(request.decided_at) == case.closed_on
        for plan in case.service_plans.all():
            # The plan closed first: a case cannot close while its plan is open.
            assert plan.status == PlanStatus.CLOSED
            assert plan.closure_decided_at is not None
            assert plan.closure_decided_at <= request.requested_at


def test_some_open_cases_await_the_approval_of_their_closure(loaded: None) -> None:
    open_cases = Case.objects.exclude(status__in=CLOSED_STATUSES)
    assert not open_cases.exclude(closure_outcome="").exists()
    assert not open_cases.filter(closed_on__isnull=False).exists()
    assert not ClosureRequest.objects.filter(
        case__in=open_cases, decision=ClosureDecision.APPROVED
    ).exists()
    pending = ClosureRequest.objects.filter(decision=ClosureDecision.PENDING).select_related("case")
    assert pending.exists()
    assert set(pending.values_list("case__status", flat=True)) <= {
        Status.ACTIVE,
        Status.FOLLOW_UP,
    }
    with_plan = 0
    for request in pending:
        case = request.case
        assert request.requested_by_id in case_workers(case)
        assert request.decided_by_id is None and request.decided_at is None
        assert request.requested_at <= timezone.now()
        assert not case.service_plans.filter(status__in=OPEN_STATUSES).exists()
        for plan in case.service_plans.all():
            with_plan += 1
            assert plan.closure_decided_at is not None
            assert plan.closure_decided_at <= request.requested_at
    assert with_plan
    per_case = pending.values("case").annotate(n=Count("pk")).filter(n__gt=1)
    assert not per_case.exists()


def test_the_command_prints_what_it_loaded() -> None:
    out = io.StringIO()
    call_command("demo_data", "--persons", "80", stdout=out)
    printed = out.getvalue()
    assert Person.objects.count() == 80
    for label, count in (
        ("cases", Case.objects.count()),
        ("service plans", ServicePlan.objects.count()),
        ("planned services", PlannedService.objects.count()),
        ("deliveries", Delivery.objects.count()),
        ("closure requests", ClosureRequest.objects.count()),
    ):
        assert count and f"{count} {label}" in printed, label
    assert Membership.objects.exists()
