"""Due, overdue and delivered services, period used and left, and flags, computed from the
plan's dates and deliveries with a frozen clock."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qamqor.plans.actions import (
    add_planned_service,
    extend_plan,
    generate_plan,
    record_delivery,
    remove_planned_service,
)
from qamqor.plans.models import DeliveryOutcome, PlannedService, ServicePlan
from qamqor.plans.queries import (
    DELIVERED,
    DUE,
    OVERDUE,
    agency_compliance,
    compliance,
    overdue_count,
    plans_with_compliance,
)
from qamqor.services.models import ExtensionReason, Service, ServiceSetting

from .conftest import TODAY, days, decide


def states(report):
    return {row.planned.service.code: row.state for row in report.rows}


def planned(plan, code):
    return PlannedService.objects.get(plan=plan, service__code=code)


def test_services_are_due_until_their_date_then_overdue(alice, eligible_case, frozen_today):
    start = TODAY - days(40)
    plan = generate_plan(alice, eligible_case, started_on=start)
    due_on = start + days(30)
    frozen_today(due_on)
    assert set(states(compliance(plan)).values()) == {DUE}  # due today is not yet late
    frozen_today(due_on + days(1))
    report = compliance(plan)
    assert set(states(report).values()) == {OVERDUE}
    assert (report.overdue, report.due, report.delivered) == (5, 0, 0)


def test_a_delivery_makes_a_service_delivered(alice, plan):
    accommodation = planned(plan, "accommodation")
    record_delivery(
        alice,
        plan,
        planned_service=accommodation,
        delivered_on=TODAY - days(35),
        outcome=DeliveryOutcome.DELIVERED,
    )
    record_delivery(
        alice,
        plan,
        planned_service=accommodation,
        delivered_on=TODAY - days(5),
        outcome=DeliveryOutcome.PARTLY_DELIVERED,
    )
    report = compliance(plan)
    row = next(r for r in report.rows if r.planned == accommodation)
    assert (row.state, row.deliveries, row.last_delivered_on) == (DELIVERED, 2, TODAY - days(5))
    assert (report.delivered, report.overdue) == (1, 4)


@pytest.mark.parametrize("outcome", [DeliveryOutcome.REFUSED, DeliveryOutcome.DID_NOT_ATTEND])
def test_a_refusal_or_absence_does_not_count_as_given(alice, plan, outcome):
    crisis = planned(plan, "crisis_support")
    record_delivery(
        alice, plan, planned_service=crisis, delivered_on=TODAY - days(2), outcome=outcome
    )
    row = next(r for r in compliance(plan).rows if r.planned == crisis)
    assert (row.state, row.deliveries, row.last_delivered_on) == (OVERDUE, 0, None)


def test_compliance_on_an_earlier_day_ignores_later_deliveries(alice, plan):
    crisis = planned(plan, "crisis_support")
    record_delivery(
        alice, plan, planned_service=crisis, delivered_on=TODAY - days(1), outcome="delivered"
    )
    earlier = compliance(plan, on=TODAY - days(5))
    assert states(earlier)["crisis_support"] == OVERDUE
    assert states(compliance(plan))["crisis_support"] == DELIVERED


def test_period_used_and_left_with_extensions(alice, open_case, frozen_today):
    from qamqor.cases.models import Grounds

    case = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, case)
    plan = generate_plan(alice, case, started_on=TODAY - days(40))
    report = compliance(plan)
    assert (report.period_days, report.days_used, report.days_left) == (180, 40, 140)
    extend_plan(alice, plan, reason=ExtensionReason.objects.get(code="hospitalisation"), days=30)
    frozen_today(TODAY + days(160))
    report = compliance(plan)
    assert (report.period_days, report.days_used, report.days_left) == (210, 200, 10)
    assert report.extension_days == 30 and report.extension_days_left == 60
    frozen_today(TODAY + days(171))
    report = compliance(plan)
    assert report.days_left == -1 and report.over_period


def test_a_plan_missing_a_required_type_is_flagged(alice, plan):
    assert not compliance(plan).flagged
    remove_planned_service(alice, planned(plan, "first_medical_aid"))
    report = compliance(plan)
    assert report.flagged
    assert [t.code for t in report.missing_types] == ["social_medical"]


def test_a_delivery_of_the_type_outside_the_plan_lifts_the_flag(alice, plan, agency):
    remove_planned_service(alice, planned(plan, "first_medical_aid"))
    record_delivery(
        alice,
        plan,
        service=Service.objects.get(code="medical_examination"),
        provider=agency,
        delivered_on=TODAY - days(3),
        outcome=DeliveryOutcome.DELIVERED,
    )
    assert not compliance(plan).flagged


def test_another_service_of_the_type_planned_lifts_the_flag(alice, plan, agency):
    remove_planned_service(alice, planned(plan, "first_medical_aid"))
    add_planned_service(
        alice,
        plan,
        service=Service.objects.get(code="medicines"),
        provider=agency,
        setting=ServiceSetting.objects.get(code="inpatient"),
        due_on=TODAY,
    )
    assert not compliance(plan).flagged


def test_review_due_within_seven_days(alice, eligible_case, frozen_today):
    plan = generate_plan(alice, eligible_case, started_on=TODAY - days(22))
    assert not compliance(plan).review_due  # review in 8 days
    frozen_today(TODAY + days(1))
    assert compliance(plan).review_due


def test_one_plan_in_three_queries_however_many_services(
    alice, plan, agency, django_assert_num_queries
):
    for _ in range(6):
        add_planned_service(
            alice,
            plan,
            service=Service.objects.get(code="meals"),
            provider=agency,
            setting=ServiceSetting.objects.get(code="inpatient"),
            due_on=TODAY,
        )
    plan = ServicePlan.objects.select_related("standard").get(pk=plan.pk)
    with django_assert_num_queries(3):
        report = compliance(plan)
        [(r.planned.service.service_type.name, r.planned.provider.name) for r in report.rows]
    assert len(report.rows) == 11


def test_the_sql_counts_agree_with_the_single_plan_report(alice, agency, open_case):
    """plans_with_compliance (SQL) and compliance (Python) count alike."""
    plans = []
    for n in range(4):
        case = open_case()
        decide(alice, case)
        plans.append(generate_plan(alice, case, started_on=TODAY - days(10 + 10 * n)))
    record_delivery(
        alice,
        plans[0],
        planned_service=planned(plans[0], "accommodation"),
        delivered_on=TODAY,
        outcome="delivered",
    )
    remove_planned_service(alice, planned(plans[1], "continued_education"))
    rows = {p.pk: p for p in plans_with_compliance(agency)}
    for plan in plans:
        report = compliance(plan)
        row = rows[plan.pk]
        assert (row.delivered_count, row.due_count, row.overdue_count) == (
            report.delivered,
            report.due,
            report.overdue,
        ), plan.started_on
        assert row.missing_type_count == len(report.missing_types)
        assert row.period_days == report.period_days
    assert overdue_count(plans[3]) == compliance(plans[3]).overdue == 5


def test_agency_compliance_totals(alice, agency, open_case):
    for ago in (0, 35, 48):
        case = open_case()
        decide(alice, case)
        plan = generate_plan(alice, case, started_on=TODAY - days(ago))
    remove_planned_service(alice, planned(plan, "continued_education"))
    report = agency_compliance(agency)
    assert (report.plans, report.flagged, report.with_overdue) == (3, 1, 2)
    assert report.overdue == 5 + 4 and report.due == 5 and report.delivered == 0
    assert [row.case_code for row in report.rows] == [
        p.case.code
        for p in sorted((r.plan for r in report.rows), key=lambda p: (p.review_on, p.pk))
    ]


def test_agency_compliance_is_three_queries_however_many_plans(alice, agency, open_case):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            report = agency_compliance(agency)
            [
                (r.case_code, r.plan.standard.code, r.plan.category.name, r.days_left)
                for r in report.rows
            ]
        return len(queries)

    case = open_case()
    decide(alice, case)
    generate_plan(alice, case)
    few = measure()
    for _ in range(5):
        case = open_case()
        decide(alice, case)
        generate_plan(alice, case, started_on=TODAY - days(40))
    assert measure() == few == 3
