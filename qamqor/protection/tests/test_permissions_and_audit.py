"""Who may see and change protection records, and what the audit log keeps of it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from qamqor.audit.models import AuditEvent
from qamqor.conftest import signed_in
from qamqor.protection.actions import add_measure, record_breach, save_safety_plan
from qamqor.protection.models import Breach, MeasureKind, ProtectionMeasure, SafetyPlan
from qamqor.vault.tests.helpers import stored

from .conftest import TODAY

NUMBER = "ПП-7731/26"
DESCRIPTION = "Пришёл к дому сестры вечером"
CODE_WORD = "жасыл алма"


def post(user, name, case, data):
    return signed_in(user).post(reverse(f"protection:{name}", args=[case.code]), data)


def measure_data(**overrides):
    data = {
        "measure-kind": MeasureKind.POLICE_ORDER,
        "measure-number": NUMBER,
        "measure-issued_on": TODAY.isoformat(),
        "measure-starts_on": TODAY.isoformat(),
        "measure-ends_on": (TODAY + datetime.timedelta(days=29)).isoformat(),
        "measure-conditions": ["no_contact", "no_approach"],
    }
    data.update(overrides)
    return data


def test_the_owner_records_a_measure_from_the_page(alice, case, frozen_today):
    response = post(alice, "measure_add", case, measure_data())
    assert response.status_code == 302
    measure = ProtectionMeasure.objects.get()
    assert measure.number == NUMBER and measure.conditions == ["no_contact", "no_approach"]
    body = signed_in(alice).get(reverse("protection:page", args=[case.code])).content.decode()
    assert NUMBER in body and "In force" in body


def test_an_order_too_long_shows_a_field_error_and_saves_nothing(alice, case, frozen_today):
    ends = (TODAY + datetime.timedelta(days=45)).isoformat()
    response = post(alice, "measure_add", case, measure_data(**{"measure-ends_on": ends}))
    assert response.status_code == 400
    assert "this one is longer" in response.content.decode()
    assert not ProtectionMeasure.objects.exists()


def test_a_double_post_records_one_measure(alice, case, frozen_today):
    data = measure_data(submission_key="6f1c2f0e-8a55-4d7c-9d38-0d4b8e1b7a10")
    assert post(alice, "measure_add", case, data).status_code == 302
    assert post(alice, "measure_add", case, data).status_code == 302
    assert ProtectionMeasure.objects.count() == 1


def test_the_page_warns_of_an_order_expiring_within_7_days(alice, case, measure_in):
    measure_in(case, ends_on=TODAY + datetime.timedelta(days=3))
    body = signed_in(alice).get(reverse("protection:page", args=[case.code])).content.decode()
    assert "expires in 3 days" in body


@pytest.mark.parametrize("name", ["measure_add", "breach_add", "safety_plan_save"])
def test_changes_by_others(name, case, bob, charlie, dana, gulnara, frozen_today):
    for user, status in ((bob, 404), (charlie, 404), (dana, 404), (gulnara, 403)):
        assert post(user, name, case, measure_data()).status_code == status, user.username
    assert not ProtectionMeasure.objects.exists() and not SafetyPlan.objects.exists()


def test_actions_check_the_actor_themselves(case, bob, gulnara, measure_in):
    measure = measure_in(case)
    for user in (bob, gulnara):
        with pytest.raises(PermissionDenied):
            add_measure(user, case, ProtectionMeasure(kind=MeasureKind.POLICE_ORDER,
                        issued_on=TODAY, starts_on=TODAY, ends_on=TODAY))  # fmt: skip
        with pytest.raises(PermissionDenied):
            record_breach(user, measure, Breach(occurred_on=TODAY))
        with pytest.raises(PermissionDenied):
            save_safety_plan(user, case, SafetyPlan(code_word="x"))


def test_breach_within_the_measure_dates_only(alice, case, measure_in):
    measure = measure_in(case, issued_on=TODAY - datetime.timedelta(days=5),
                         starts_on=TODAY - datetime.timedelta(days=5), ends_on=TODAY)  # fmt: skip
    data = {"breach-measure": measure.pk, "breach-description": DESCRIPTION}
    early = (TODAY - datetime.timedelta(days=6)).isoformat()
    response = post(alice, "breach_add", case, {**data, "breach-occurred_on": early})
    assert response.status_code == 400 and not Breach.objects.exists()
    data["breach-occurred_on"] = TODAY.isoformat()
    data["breach-reported_to_police"] = "on"
    assert post(alice, "breach_add", case, data).status_code == 302
    assert Breach.objects.get().reported_to_police


def test_a_breach_of_another_case_measure_is_refused(alice, make_case, measure_in):
    mine, other = make_case(), make_case()
    foreign = measure_in(other)
    data = {"breach-measure": foreign.pk, "breach-occurred_on": TODAY.isoformat()}
    assert post(alice, "breach_add", mine, data).status_code == 400
    assert not Breach.objects.exists()


def test_every_view_and_change_is_audited_without_identifying_values(alice, case, measure_in):
    measure = measure_in(case, number=NUMBER, other_conditions="Не подходить к школе")
    record_breach(alice, measure, Breach(occurred_on=TODAY, description=DESCRIPTION))
    save_safety_plan(alice, case, SafetyPlan(code_word=CODE_WORD))
    signed_in(alice).get(reverse("protection:page", args=[case.code]))
    events = AuditEvent.objects.filter(action__startswith="protection.").order_by("sequence")
    assert [e.action for e in events] == [
        "protection.measure.create",
        "protection.breach.create",
        "protection.safety_plan.create",
        "protection.view",
    ]
    assert all(e.case_code == case.code for e in events)
    assert events[0].details["kind"] == MeasureKind.POLICE_ORDER
    text = " ".join(str(e.details) for e in events)
    for secret in (NUMBER, DESCRIPTION, CODE_WORD, "школе"):
        assert secret not in text


def test_texts_are_stored_encrypted(alice, case, measure_in):
    measure = measure_in(case, number=NUMBER, issuer="ОП района", other_conditions="Не звонить")
    breach = record_breach(alice, measure, Breach(occurred_on=TODAY, description=DESCRIPTION))
    plan = save_safety_plan(alice, case, SafetyPlan(safe_contacts="Сестра", code_word=CODE_WORD,
                            places_to_go="Кризисный центр", documents_ready="Паспорт"))  # fmt: skip
    rows = [(ProtectionMeasure, measure.pk, ["number", "issuer", "other_conditions"]),
            (Breach, breach.pk, ["description"]),
            (SafetyPlan, plan.pk, list(SafetyPlan.TEXT_FIELDS))]  # fmt: skip
    for model, pk, fields in rows:
        for field in fields:
            assert stored(model, field, pk).startswith("v1:"), (model.__name__, field)
