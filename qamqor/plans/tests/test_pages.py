"""The plan page and its forms: happy paths, refusals shown per field, never a 500."""

import pytest
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.cases.models import Grounds
from qamqor.conftest import signed_in
from qamqor.plans.actions import generate_plan, request_plan_closure
from qamqor.plans.models import (
    Delivery,
    Goal,
    PlanExtension,
    PlannedService,
    PlanStatus,
    ServicePlan,
)
from qamqor.services.models import ExtensionReason, Service

from .conftest import TODAY, days, decide

WORDS = "Хочу жить отдельно и работать швеёй"


def page(user, case):
    response = signed_in(user).get(reverse("plans:page", args=[case.code]))
    return response.status_code, response.content.decode()


def post(user, name, plan, data):
    return signed_in(user).post(reverse(f"plans:{name}", args=[plan.case.code, plan.pk]), data)


def crisis(plan):
    return PlannedService.objects.get(plan=plan, service__code="crisis_support")


def test_without_a_decision_the_page_says_what_is_missing(alice, open_case):
    case = open_case()
    status, body = page(alice, case)
    assert status == 200
    assert "No eligibility decision has been recorded" in body
    assert 'id="generate-form"' not in body


def test_generate_from_the_page(alice, eligible_case):
    status, body = page(alice, eligible_case)
    assert status == 200 and 'id="generate-form"' in body
    response = signed_in(alice).post(
        reverse("plans:generate", args=[eligible_case.code]),
        {
            "generate-category": str(_category_pk("domestic_violence_victim")),
            "generate-started_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    plan = ServicePlan.objects.get()
    status, body = page(alice, eligible_case)
    assert 'id="services-table"' in body
    assert body.count('data-state="due"') == 5
    assert f'id="planned-service-{crisis(plan).pk}"' in body
    assert "domestic-violence-2023" in body


def _category_pk(code):
    from qamqor.services.models import RecipientCategory

    return RecipientCategory.objects.get(code=code).pk


def test_a_future_start_is_refused_on_the_form(alice, eligible_case):
    response = signed_in(alice).post(
        reverse("plans:generate", args=[eligible_case.code]),
        {
            "generate-category": str(_category_pk("domestic_violence_victim")),
            "generate-started_on": (TODAY + days(3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "A plan cannot start in the future." in response.content.decode()
    assert not ServicePlan.objects.exists()


def test_a_category_without_a_standard_is_refused_on_the_form(alice, eligible_case):
    response = signed_in(alice).post(
        reverse("plans:generate", args=[eligible_case.code]),
        {
            "generate-category": str(_category_pk("child_victim")),
            "generate-started_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "No standard for" in response.content.decode()


def test_generate_when_a_plan_is_open_is_refused(alice, plan):
    response = signed_in(alice).post(
        reverse("plans:generate", args=[plan.case.code]),
        {
            "generate-category": str(_category_pk("domestic_violence_victim")),
            "generate-started_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "already has an open service plan" in response.content.decode()
    assert ServicePlan.objects.count() == 1


def test_goals_from_the_page(alice, plan):
    response = post(alice, "goal_add", plan, {"goal-text": WORDS, "goal-agreed_on": TODAY})
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert WORDS in page(alice, plan.case)[1]
    response = post(
        alice,
        "goal_update",
        plan,
        {"goal": goal.pk, f"goal-{goal.pk}-text": WORDS, f"goal-{goal.pk}-status": "achieved"},
    )
    assert response.status_code == 302
    assert Goal.objects.get().status == "achieved"


def test_a_goal_dated_in_the_future_shows_its_error(alice, plan):
    response = post(
        alice, "goal_add", plan, {"goal-text": WORDS, "goal-agreed_on": TODAY + days(1)}
    )
    assert response.status_code == 400
    assert "This date is in the future." in response.content.decode()
    assert not Goal.objects.exists()


@pytest.mark.parametrize("goal", ["", "abc", "999999"])
def test_an_unknown_goal_changes_nothing(alice, plan, goal):
    response = post(alice, "goal_update", plan, {"goal": goal})
    assert response.status_code == 400
    assert "Choose an entry of this plan." in response.content.decode()


def test_add_change_and_remove_a_service_from_the_page(alice, plan, agency, other_agency):
    meals = Service.objects.get(code="meals")
    inpatient = plan.standard.allowed_settings.get(code="inpatient")
    response = post(
        alice,
        "service_add",
        plan,
        {
            "service-service": meals.pk,
            "service-provider": agency.pk,
            "service-setting": inpatient.pk,
            "service-frequency": "daily",
            "service-due_on": TODAY,
        },
    )
    assert response.status_code == 302
    added = PlannedService.objects.get(service=meals)
    prefix = f"service-{added.pk}"
    response = post(
        alice,
        "service_change",
        plan,
        {
            "planned_service": added.pk,
            f"{prefix}-provider": other_agency.pk,
            f"{prefix}-setting": inpatient.pk,
            f"{prefix}-frequency": "weekly",
            f"{prefix}-due_on": TODAY + days(7),
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.provider, added.frequency) == (other_agency, "weekly")
    response = post(alice, "service_remove", plan, {"planned_service": added.pk})
    assert response.status_code == 302
    assert not PlannedService.objects.filter(pk=added.pk).exists()


def test_an_unknown_service_is_refused_and_changes_nothing(alice, plan, agency):
    response = post(
        alice,
        "service_add",
        plan,
        {
            "service-service": 987654,
            "service-provider": agency.pk,
            "service-setting": plan.standard.allowed_settings.first().pk,
            "service-frequency": "once",
            "service-due_on": TODAY,
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert PlannedService.objects.count() == 5


def test_a_due_date_before_the_start_is_refused_on_change(alice, plan):
    planned = crisis(plan)
    prefix = f"service-{planned.pk}"
    response = post(
        alice,
        "service_change",
        plan,
        {
            "planned_service": planned.pk,
            f"{prefix}-provider": planned.provider_id,
            f"{prefix}-setting": planned.setting_id,
            f"{prefix}-frequency": "once",
            f"{prefix}-due_on": TODAY - days(100),
        },
    )
    assert response.status_code == 400
    assert "cannot be due before the plan starts" in response.content.decode()
    planned.refresh_from_db()
    assert planned.due_on == plan.review_on


def test_a_service_with_deliveries_cannot_be_removed_from_the_page(alice, plan):
    planned = crisis(plan)
    post(
        alice,
        "delivery_add",
        plan,
        {
            "delivery-planned_service": planned.pk,
            "delivery-delivered_on": TODAY,
            "delivery-outcome": "delivered",
        },
    )
    response = post(alice, "service_remove", plan, {"planned_service": planned.pk})
    assert response.status_code == 400
    assert "it stays in the plan" in response.content.decode()


def test_a_delivery_recorded_on_the_page_shows_as_delivered(alice, plan):
    planned = crisis(plan)
    response = post(
        alice,
        "delivery_add",
        plan,
        {
            "delivery-planned_service": planned.pk,
            "delivery-delivered_on": TODAY,
            "delivery-duration_minutes": 45,
            "delivery-outcome": "delivered",
            "delivery-notes": "Первая встреча",
        },
    )
    assert response.status_code == 302
    body = page(alice, plan.case)[1]
    row = body.split(f'id="planned-service-{planned.pk}"')[1].split("</tr>")[0]
    assert 'data-state="delivered"' in body and "Delivered" in row
    assert "Первая встреча" in body and "45 min" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"delivery-delivered_on": (TODAY + days(1)).isoformat()}, "This date is in the future."),
        ({"delivery-delivered_on": (TODAY - days(60)).isoformat()}, "before the plan starts"),
        ({"delivery-planned_service": "", "delivery-service": ""}, "Choose the planned service"),
        ({"delivery-outcome": "vanished"}, "Select a valid choice"),
    ],
)
def test_bad_deliveries_show_their_error(alice, plan, data, message):
    values = {
        "delivery-planned_service": crisis(plan).pk,
        "delivery-delivered_on": TODAY.isoformat(),
        "delivery-outcome": "delivered",
    }
    values.update(data)
    response = post(alice, "delivery_add", plan, values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Delivery.objects.exists()


def test_deliveries_by_others_are_refused(plan, bob, charlie, gulnara):
    data = {
        "delivery-planned_service": crisis(plan).pk,
        "delivery-delivered_on": TODAY.isoformat(),
        "delivery-outcome": "delivered",
    }
    for user, status in ((bob, 404), (charlie, 404), (gulnara, 403)):
        assert post(user, "delivery_add", plan, data).status_code == status, user.username
    assert not Delivery.objects.exists()


def test_extensions_and_review_date_from_the_page(alice, open_case):
    case = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, case)
    plan = generate_plan(alice, case, started_on=TODAY - days(10))
    hospital = ExtensionReason.objects.get(code="hospitalisation")
    data = {
        "extension-reason": hospital.pk,
        "extension-days": 60,
        "extension-granted_on": TODAY.isoformat(),
        "extension-note": "Лежит в больнице",
    }
    assert post(alice, "extend", plan, data).status_code == 302
    response = post(alice, "extend", plan, data | {"extension-days": 31})
    assert response.status_code == 400
    assert "at most 30 more" in response.content.decode()
    assert PlanExtension.objects.count() == 1
    body = page(alice, case)[1]
    assert "60 days on the ground" in body and "240" in body  # 180 + 60

    assert post(alice, "review_set", plan, {"review-review_on": TODAY + days(5)}).status_code == 302
    response = post(alice, "review_set", plan, {"review-review_on": TODAY - days(5)})
    assert response.status_code == 400
    assert ServicePlan.objects.get().review_on == TODAY + days(5)


def test_closure_requested_by_the_worker_and_approved_by_the_supervisor(alice, carol, plan):
    response = post(
        alice,
        "closure_request",
        plan,
        {"closure-outcome": "goals_achieved", "closure-reason": "Всё получилось"},
    )
    assert response.status_code == 302
    alices_view = page(alice, plan.case)[1]
    assert 'id="closure-approve-form"' not in alices_view
    carols_view = page(carol, plan.case)[1]
    assert 'id="closure-approve-form"' in carols_view and "Всё получилось" in carols_view
    assert post(carol, "closure_approve", plan, {}).status_code == 302
    assert ServicePlan.objects.get().status == PlanStatus.CLOSED
    body = page(alice, plan.case)[1]
    assert "Closed on" in body and 'id="generate-form"' in body  # a new plan may follow


def test_a_supervisor_cannot_approve_their_own_request(carol, plan):
    request_plan_closure(carol, plan, "other", "Переезд")
    body = page(carol, plan.case)[1]
    assert 'id="closure-approve-form"' not in body
    assert "another approver of the agency decides it" in body
    response = post(carol, "closure_approve", plan, {})
    assert response.status_code == 403
    assert "someone other than the person who requested it" in response.content.decode()
    assert ServicePlan.objects.get().status == PlanStatus.CLOSURE_REQUESTED


def test_a_refusal_from_the_page(alice, carol, plan):
    request_plan_closure(alice, plan, "declined", "Отказалась")
    assert post(carol, "closure_refuse", plan, {"refusal-refusal_reason": ""}).status_code == 400
    response = post(carol, "closure_refuse", plan, {"refusal-refusal_reason": "Рано закрывать"})
    assert response.status_code == 302
    assert "Рано закрывать" in page(alice, plan.case)[1]
    assert ServicePlan.objects.get().status == PlanStatus.ACTIVE


def test_a_closure_request_without_a_reason_is_refused(alice, plan):
    response = post(alice, "closure_request", plan, {"closure-outcome": "other"})
    assert response.status_code == 400
    assert ServicePlan.objects.get().status == PlanStatus.ACTIVE


def test_the_worker_cannot_approve(alice, plan):
    request_plan_closure(alice, plan, "other", "Причина")
    assert post(alice, "closure_approve", plan, {}).status_code == 403
    assert ServicePlan.objects.get().status == PlanStatus.CLOSURE_REQUESTED


def test_a_withdrawn_request_from_the_page(alice, plan):
    request_plan_closure(alice, plan, "other", "Причина")
    assert post(alice, "closure_withdraw", plan, {}).status_code == 302
    assert ServicePlan.objects.get().status == PlanStatus.ACTIVE


def test_earlier_plans_stay_readable(alice, carol, plan):
    request_plan_closure(alice, plan, "other", "Причина")
    from qamqor.plans.actions import add_goal, approve_plan_closure

    approve_plan_closure(carol, plan)
    second = generate_plan(alice, plan.case)
    add_goal(alice, second, WORDS)
    url = reverse("plans:detail", args=[plan.case.code, plan.pk])
    body = signed_in(alice).get(url).content.decode()
    assert "Closed on" in body and WORDS not in body and 'id="goal-form"' not in body
    assert reverse("plans:detail", args=[plan.case.code, second.pk]) in body
    # A closed plan takes no change.
    response = post(alice, "goal_add", plan, {"goal-text": WORDS, "goal-agreed_on": TODAY})
    assert response.status_code == 400 and "This plan is closed" in response.content.decode()


def test_a_plan_of_another_case_is_not_found(alice, plan, open_case):
    other = open_case()
    url = reverse("plans:detail", args=[other.code, plan.pk])
    assert signed_in(alice).get(url).status_code == 404
    assert (
        signed_in(alice)
        .post(
            reverse("plans:goal_add", args=[other.code, plan.pk]),
            {"goal-text": WORDS, "goal-agreed_on": TODAY},
        )
        .status_code
        == 404
    )
    assert not Goal.objects.exists()


def test_the_page_is_for_those_who_see_identity(plan, bob, charlie, gulnara, dana, carol):
    assert page(carol, plan.case)[0] == 200
    for user, status in ((bob, 404), (charlie, 404), (dana, 404), (gulnara, 403)):
        assert page(user, plan.case)[0] == status, user.username


def test_each_view_of_the_page_is_recorded(alice, plan):
    page(alice, plan.case)
    event = AuditEvent.objects.filter(action="plan.view").get()
    assert event.case_code == plan.case.code and event.read and event.actor == alice
