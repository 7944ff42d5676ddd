"""A case closes only through a closure request approved by a supervisor of its agency."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from qamqor import clock
from qamqor.accounts.models import Notification
from qamqor.audit.models import AuditEvent
from qamqor.cases.closure import (
    approve_closure,
    pending_request,
    refuse_closure,
    request_closure,
    withdraw_closure,
)
from qamqor.cases.models import ClosureDecision, ClosureRequest, Status
from qamqor.conftest import make_user, signed_in


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_a_request_leaves_the_case_open_and_tells_the_supervisors(alice, carol, case):
    request = request_closure(alice, case, "services_completed", "  Цели достигнуты. ")
    case.refresh_from_db()
    assert case.status == Status.ACTIVE and case.closed_on is None
    assert (request.decision, request.reason) == (ClosureDecision.PENDING, "Цели достигнуты.")
    notice = Notification.objects.get(recipient=carol)
    assert (notice.kind, notice.case_code) == ("case_closure_requested", case.code)
    assert not Notification.objects.filter(recipient=alice).exists()
    event = AuditEvent.objects.get(action="case.closure_request")
    assert event.details == {"outcome": "services_completed"}
    assert "Цели" not in str(event.details)


def test_approval_closes_the_case_with_the_outcome_and_reason(alice, carol, case):
    request = request_closure(alice, case, "declined", "Отказалась от услуг.")
    closed = approve_closure(carol, request)
    stored = type(case).objects.get(pk=case.pk)
    assert (stored.status, stored.closed_on, stored.closure_outcome, stored.closure_reason) == (
        Status.CLOSED, clock.today(), "declined", "Отказалась от услуг."
    )  # fmt: skip
    assert closed.status == Status.CLOSED
    request.refresh_from_db()
    assert (request.decision, request.decided_by) == (ClosureDecision.APPROVED, carol)
    assert Notification.objects.get(recipient=alice).kind == "case_closure_approved"
    assert AuditEvent.objects.filter(action="case.closure_approve", case_code=case.code).exists()


def test_a_referral_outcome_closes_as_closed_referred(alice, carol, case):
    approve_closure(carol, request_closure(alice, case, "referred", "Передана в центр."))
    case.refresh_from_db()
    assert case.status == Status.CLOSED_REFERRED


@pytest.mark.parametrize(
    ("outcome", "reason", "field"),
    [
        ("", "Причина.", "outcome"),
        ("finished", "Причина.", "outcome"),
        ("declined", "  ", "reason"),
    ],
)
def test_a_request_needs_a_known_outcome_and_a_reason(alice, case, outcome, reason, field):
    with pytest.raises(ValidationError) as raised:
        request_closure(alice, case, outcome, reason)
    assert field in raised.value.message_dict
    assert not ClosureRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="case.closure_request").exists()


def test_one_request_at_a_time(alice, carol, case):
    request_closure(alice, case, "declined", "Первая.")
    with pytest.raises(ValidationError, match="already awaiting approval"):
        request_closure(carol, case, "declined", "Вторая.")
    assert ClosureRequest.objects.count() == 1


def test_a_closed_case_cannot_be_asked_to_close_again(alice, carol, case):
    approve_closure(carol, request_closure(alice, case, "declined", "Отказ."))
    with pytest.raises(ValidationError, match="already closed"):
        request_closure(alice, case, "declined", "Ещё раз.")


def test_the_requester_does_not_approve_their_own_request(carol, case):
    request = request_closure(carol, case, "declined", "Отказ.")
    with pytest.raises(PermissionDenied):
        approve_closure(carol, request)
    case.refresh_from_db()
    assert case.status == Status.ACTIVE


@pytest.mark.parametrize("user", ["alice", "bob", "charlie", "dana", "erin"])
def test_only_a_supervisor_of_the_owning_agency_approves(request, alice, carol, case, user):
    requested = request_closure(carol, case, "declined", "Отказ.")
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        approve_closure(actor, requested)
    with pytest.raises(PermissionDenied):
        refuse_closure(actor, requested, "Нет.")
    requested.refresh_from_db()
    assert requested.decision == ClosureDecision.PENDING


def test_a_supervisor_of_another_agency_does_not_approve(alice, case, other_agency):
    outsider = make_user("outside_supervisor", other_agency, role="supervisor")
    requested = request_closure(alice, case, "declined", "Отказ.")
    with pytest.raises(PermissionDenied):
        approve_closure(outsider, requested)


def test_refusal_keeps_the_case_open_and_says_why(alice, carol, case):
    requested = request_closure(alice, case, "lost_contact", "Не выходит на связь.")
    with pytest.raises(ValidationError):
        refuse_closure(carol, requested, " ")
    refuse_closure(carol, requested, "Попробуйте связаться через кризисный центр.")
    case.refresh_from_db()
    requested.refresh_from_db()
    assert case.status == Status.ACTIVE
    assert requested.decision == ClosureDecision.REFUSED
    assert requested.refusal_reason.startswith("Попробуйте")
    assert Notification.objects.get(recipient=alice).kind == "case_closure_refused"
    # A refused request is decided: it cannot be approved afterwards, and a new one may be made.
    with pytest.raises(ValidationError, match="already been decided"):
        approve_closure(carol, requested)
    assert request_closure(alice, case, "lost_contact", "Снова.").decision == "pending"


def test_a_pending_request_can_be_withdrawn(alice, case):
    requested = request_closure(alice, case, "declined", "Отказ.")
    withdraw_closure(alice, requested)
    assert pending_request(case) is None
    assert AuditEvent.objects.filter(action="case.closure_withdraw").exists()


@pytest.mark.parametrize("user", ["bob", "charlie", "dana", "gulnara"])
def test_outsiders_may_not_request_a_closure(request, case, user):
    with pytest.raises(PermissionDenied):
        request_closure(request.getfixturevalue(user), case, "declined", "Отказ.")
    assert not ClosureRequest.objects.exists()


# Pages -----------------------------------------------------------------------------------


def test_the_journey_on_the_case_file(alice, carol, case):
    url = reverse("cases:detail", args=[case.code])
    assert "closure-request-form" in signed_in(alice).get(url).content.decode()

    refused = signed_in(alice).post(
        reverse("cases:closure_request", args=[case.code]), {"outcome": "", "reason": ""}
    )
    assert refused.status_code == 400
    assert not ClosureRequest.objects.exists()

    sent = signed_in(alice).post(
        reverse("cases:closure_request", args=[case.code]),
        {"outcome": "services_completed", "reason": "План выполнен."},
    )
    assert sent.status_code == 302
    page = signed_in(alice).get(url).content.decode()
    assert "Closure awaiting approval" in page and "closure-approve" not in page

    page = signed_in(carol).get(url).content.decode()
    assert "closure-approve" in page and "План выполнен." in page
    approved = signed_in(carol).post(reverse("cases:closure_approve", args=[case.code]))
    assert approved.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    page = signed_in(carol).get(url).content.decode()
    assert "Services completed, goals reached" in page


def test_refusing_on_the_page_needs_a_reason(alice, carol, case):
    request_closure(alice, case, "declined", "Отказ.")
    url = reverse("cases:closure_refuse", args=[case.code])
    assert signed_in(carol).post(url, {"refusal_reason": ""}).status_code == 400
    assert pending_request(case) is not None
    assert signed_in(carol).post(url, {"refusal_reason": "Рано."}).status_code == 302
    assert pending_request(case) is None


def test_the_requester_approving_on_the_page_is_told_no(carol, case):
    request_closure(carol, case, "declined", "Отказ.")
    response = signed_in(carol).post(
        reverse("cases:closure_approve", args=[case.code]), follow=True
    )
    assert response.status_code == 200
    assert "someone other than the person who requested it" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ACTIVE


def test_an_open_service_plan_holds_the_case_open(alice, carol, case):
    import datetime

    from qamqor.assessments.actions import record_eligibility_decision
    from qamqor.plans.actions import (
        approve_plan_closure,
        generate_plan,
        request_plan_closure,
    )

    record_eligibility_decision(
        alice, case, decision="eligible", deciding_body="Отдел", reasons="Критерии выполнены",
        decided_on=clock.today() - datetime.timedelta(days=1),
    )  # fmt: skip
    plan = generate_plan(alice, case)
    with pytest.raises(ValidationError, match="service plan is still open"):
        request_closure(alice, case, "services_completed", "Готово.")
    assert not ClosureRequest.objects.exists()

    request_plan_closure(alice, plan, "goals_achieved", "Цели достигнуты.")
    approve_plan_closure(carol, plan)
    approve_closure(carol, request_closure(alice, case, "services_completed", "Готово."))
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_a_proposed_transfer_holds_the_case_open(alice, carol, case, other_region):
    from qamqor.conftest import make_agency
    from qamqor.referrals.transfer_actions import propose_transfer, withdraw_transfer

    centre = make_agency(other_region, name="Crisis centre T")
    make_user("tomiris", centre, role="supervisor")
    transfer = propose_transfer(alice, case, centre, "Переехала в другую область.")
    with pytest.raises(ValidationError, match="transfer of this case to Crisis centre T awaits"):
        request_closure(alice, case, "services_completed", "Готово.")
    assert not ClosureRequest.objects.exists()

    withdraw_transfer(alice, transfer)
    approve_closure(carol, request_closure(alice, case, "services_completed", "Готово."))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
