"""A plan is generated from the current eligibility decision and the standard in force on
the day it starts, with one planned service per required service, and keeps its standard
when a newer one comes into force."""

import pytest
from django.core.exceptions import ValidationError

from qamqor.assessments.models import Eligibility
from qamqor.cases.models import Grounds
from qamqor.plans.actions import generate_plan
from qamqor.plans.models import Frequency, PlannedService, PlanStatus, ServicePlan
from qamqor.services.models import AgencyOffer, RecipientCategory, Service, ServiceSetting
from qamqor.services.tests.helpers import regulation_change, run, write

from .conftest import DECIDED, TODAY, days, decide


def refusal(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(excinfo.value.messages)


def test_a_domestic_violence_plan_follows_its_standard(alice, eligible_case, agency):
    plan = generate_plan(alice, eligible_case)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.category.code == "domestic_violence_victim"
    assert plan.standard.code == "domestic-violence-2023"
    assert plan.eligibility_decision == eligible_case.eligibility_decisions.get()
    assert plan.started_on == TODAY
    assert plan.review_on == TODAY + days(30)  # the standard's plan review time limit
    services = list(plan.services.select_related("service__service_type", "setting"))
    # The three required services, then the first service of each type they leave out.
    assert [s.service.code for s in services] == [
        "accommodation",
        "first_medical_aid",
        "crisis_support",
        "continued_education",
        "legal_consultation",
    ]
    assert {s.provider for s in services} == {agency}
    assert {s.setting.code for s in services} == {"inpatient"}  # first allowed setting
    assert {s.due_on for s in services} == {plan.review_on}
    assert {s.frequency for s in services} == {Frequency.ONCE}


def test_a_trafficking_plan_covers_all_eight_types(alice, open_case):
    case = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, case)
    plan = generate_plan(alice, case)
    assert plan.standard.code == "trafficking-2023"
    types = {s.service.service_type.code for s in plan.services.select_related("service")}
    assert len(types) == 8


def test_the_setting_is_one_the_owner_offers(alice, eligible_case, agency):
    temporary = ServiceSetting.objects.get(code="temporary_stay")
    home = ServiceSetting.objects.get(code="home_based")  # not allowed by the standard
    AgencyOffer.objects.create(
        agency=agency, service=Service.objects.get(code="crisis_support"), setting=home
    )
    AgencyOffer.objects.create(
        agency=agency, service=Service.objects.get(code="crisis_support"), setting=temporary
    )
    plan = generate_plan(alice, eligible_case)
    settings = {s.service.code: s.setting.code for s in plan.services.select_related("service")}
    assert settings["crisis_support"] == "temporary_stay"
    assert settings["accommodation"] == "inpatient"


def test_another_category_may_be_chosen(alice, eligible_case):
    plan = generate_plan(alice, eligible_case, category="foreign_victim")
    assert plan.standard.code == "foreign-victim-2023"
    codes = {s.service.code for s in plan.services.select_related("service")}
    assert {"interpreting", "residence_permit"} <= codes


def test_refused_without_an_eligibility_decision(alice, open_case):
    case = open_case()
    with pytest.raises(ValidationError) as refused:
        generate_plan(alice, case)
    assert "No eligibility decision" in refusal(refused)
    assert not ServicePlan.objects.exists()


@pytest.mark.parametrize("decision", [Eligibility.NOT_ELIGIBLE, Eligibility.NEEDS_INFORMATION])
def test_refused_unless_the_current_decision_is_eligible(alice, open_case, decision):
    case = open_case()
    decide(alice, case, decision)
    with pytest.raises(ValidationError) as refused:
        generate_plan(alice, case)
    assert "a plan is drawn up only for a person found eligible" in refusal(refused)
    assert not ServicePlan.objects.exists()


def test_a_revised_decision_counts_not_the_first(alice, eligible_case):
    decide(alice, eligible_case, Eligibility.NOT_ELIGIBLE, on=TODAY)
    with pytest.raises(ValidationError):
        generate_plan(alice, eligible_case)
    decide(alice, eligible_case, Eligibility.ELIGIBLE, on=TODAY)
    plan = generate_plan(alice, eligible_case)
    assert plan.eligibility_decision.supersedes is not None


def test_refused_while_a_plan_is_open(alice, plan):
    with pytest.raises(ValidationError) as refused:
        generate_plan(alice, plan.case)
    assert "already has an open service plan" in refusal(refused)
    assert ServicePlan.objects.count() == 1
    assert PlannedService.objects.count() == 5


def test_refused_when_no_standard_is_in_force(alice, eligible_case):
    with pytest.raises(ValidationError) as refused:
        generate_plan(alice, eligible_case, category="child_victim")
    assert "No standard for" in refusal(refused)
    assert not ServicePlan.objects.exists()


def test_refused_for_an_unknown_category(alice, eligible_case):
    with pytest.raises(ValidationError) as refused:
        generate_plan(alice, eligible_case, category="martians")
    assert "Unknown recipient category" in refusal(refused)


@pytest.mark.parametrize(
    ("started_on", "message"),
    [
        (TODAY + days(1), "cannot start in the future"),
        (DECIDED - days(1), "cannot start before the eligibility decision"),
    ],
)
def test_refused_with_a_contradictory_start(alice, eligible_case, started_on, message):
    with pytest.raises(ValidationError) as refused:
        generate_plan(alice, eligible_case, started_on=started_on)
    assert message in refusal(refused)
    assert not ServicePlan.objects.exists()


def test_a_new_plan_after_closure_is_allowed(alice, carol, plan):
    from qamqor.plans.actions import approve_plan_closure, request_plan_closure

    request_plan_closure(alice, plan, "goals_achieved", "Цели достигнуты")
    approve_plan_closure(carol, plan)
    second = generate_plan(alice, plan.case)
    assert second.status == PlanStatus.ACTIVE and second.pk != plan.pk


def test_the_standard_in_force_on_the_start_day_is_taken_and_kept(alice, open_case, tmp_path):
    """A regulation change mid-plan: the running plan keeps the old standard, a plan
    started after the change takes the new one."""
    case = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, case)
    early = generate_plan(alice, case, started_on=TODAY - days(20))
    change_day = TODAY - days(10)
    run("import", str(write(tmp_path / "change.yaml", regulation_change(change_day))))

    early.refresh_from_db()
    assert early.standard.code == "trafficking-2023"
    assert early.standard.service_period_days == 180

    other = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, other)
    backdated = generate_plan(alice, other, started_on=change_day - days(1))
    assert backdated.standard.code == "trafficking-2023"

    third = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, third)
    late = generate_plan(alice, third, started_on=change_day)
    assert late.standard.code == "trafficking-2026"
    assert late.standard.service_period_days == 210
    category = RecipientCategory.objects.get(code="trafficking_victim")
    assert {p.category for p in ServicePlan.objects.all()} == {category}


def test_only_the_case_editors_generate(bob, charlie, gulnara, eligible_case):
    from django.core.exceptions import PermissionDenied

    for user in (bob, charlie, gulnara):
        with pytest.raises(PermissionDenied):
            generate_plan(user, eligible_case)
    assert not ServicePlan.objects.exists()


def test_the_supervisor_generates_too(carol, eligible_case):
    assert generate_plan(carol, eligible_case).created_by == carol
