"""Expiry at the answer's due time and escalation at 75 % of the response period."""

import datetime
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from qamqor.accounts.models import Agency, Notification, User
from qamqor.accounts.notifications import message
from qamqor.audit.models import AuditEvent
from qamqor.audit.verify import verify_chain
from qamqor.cases.models import Case
from qamqor.referrals.models import FINISHED, LIVE, Referral, ReferralStatus
from qamqor.referrals.periodic import escalate, expire_overdue_referrals, run_periodic

from .periodic_support import SENT_AT, make_referral
from .periodic_support import saule as saule  # noqa: F401 - fixtures
from .periodic_support import shelter as shelter  # noqa: F401
from .periodic_support import timur as timur  # noqa: F401

SECOND = datetime.timedelta(seconds=1)
MINUTES = datetime.timedelta(minutes=1)


def notified(kind: str) -> set[tuple[str, str]]:
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient__username", "case_code")
    )


def test_a_referral_expires_when_its_answer_is_due_not_a_second_before(
    case: Case, shelter: Agency
) -> None:
    referral = make_referral(case, shelter)
    due = SENT_AT + 60 * MINUTES
    assert referral.respond_by == due

    assert expire_overdue_referrals(due - SECOND) == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.expired_at is None

    assert expire_overdue_referrals(due) == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    assert referral.expired_at == due
    assert referral.updated_at == due


@pytest.mark.parametrize(
    ("urgency", "escalates_after"),
    [
        ("emergency", datetime.timedelta(minutes=45)),
        ("urgent", datetime.timedelta(hours=18)),
        ("routine", datetime.timedelta(hours=54)),
    ],
)
def test_escalation_comes_at_75_percent_of_the_urgencys_period(
    case: Case, shelter: Agency, saule: User, urgency: str, escalates_after: datetime.timedelta
) -> None:
    referral = make_referral(case, shelter, urgency=urgency)
    moment = SENT_AT + escalates_after

    assert escalate(moment - SECOND) == 0
    referral.refresh_from_db()
    assert referral.escalated_at is None

    assert escalate(moment) == 1
    referral.refresh_from_db()
    assert referral.escalated_at == moment
    assert referral.updated_at == moment
    assert referral.status == ReferralStatus.SENT
    assert notified("referral_escalated") == {("saule", case.code)}


def test_escalation_tells_the_recipients_supervisors_once(
    case: Case, shelter: Agency, saule: User, timur: User, alice: User, carol: User
) -> None:
    referral = make_referral(case, shelter)
    at_75 = SENT_AT + 45 * MINUTES

    assert run_periodic(at_75).escalated == 1
    assert run_periodic(at_75).escalated == 0
    assert run_periodic(at_75 + 10 * MINUTES).escalated == 0

    # The shelter's case worker and the sending agency are not told.
    assert notified("referral_escalated") == {("saule", case.code)}
    notification = Notification.objects.get(kind="referral_escalated")
    assert notification.created_at == at_75
    assert notification.params == {"agency": "Crisis centre A", "respond_by": "2026-03-02 13:00"}
    referral.refresh_from_db()
    assert referral.escalated_at == at_75


def test_an_overdue_referral_expires_without_escalating(
    case: Case, shelter: Agency, saule: User
) -> None:
    referral = make_referral(case, shelter)
    due = SENT_AT + 60 * MINUTES
    # Escalation alone leaves a referral past its deadline to expiry.
    assert escalate(due) == 0

    counts = run_periodic(due)
    assert (counts.expired, counts.escalated) == (1, 0)
    referral.refresh_from_db()
    assert referral.escalated_at is None
    assert not notified("referral_escalated")


def test_expiry_tells_the_case_editors_of_the_sending_agency(
    make_case: Callable[..., Case],
    alice: User,
    bob: User,
    carol: User,
    shelter: Agency,
    saule: User,
    timur: User,
) -> None:
    case = make_case()
    other_case = make_case(actor=bob)
    make_referral(case, shelter)
    make_referral(other_case, shelter)

    assert run_periodic(SENT_AT + 60 * MINUTES).expired == 2

    # alice opened the first case and bob the other; carol, the supervisor, edits both.
    # The recipient shelter is not told that it let the referral expire.
    assert notified("referral_expired") == {
        ("alice", case.code),
        ("carol", case.code),
        ("bob", other_case.code),
        ("carol", other_case.code),
    }
    params = Notification.objects.filter(kind="referral_expired").values_list("params", flat=True)
    assert all(p == {"agency": "Shelter S"} for p in params)


def test_referrals_of_one_case_expiring_together_make_one_notification_per_person(
    case: Case, alice: User, carol: User, shelter: Agency, charlie: User
) -> None:
    make_referral(case, shelter)
    make_referral(case, shelter, sent_at=SENT_AT - MINUTES)
    make_referral(case, charlie.memberships.get().agency)

    assert run_periodic(SENT_AT + 60 * MINUTES).expired == 3

    notifications = Notification.objects.filter(kind="referral_expired")
    assert sorted(n.recipient.username for n in notifications) == ["alice", "carol"]
    assert {n.params["agency"] for n in notifications} == {"Police B, Shelter S"}


def test_finished_and_live_referrals_are_left_alone(
    case: Case, shelter: Agency, saule: User, alice: User
) -> None:
    untouched = [make_referral(case, shelter, status=status) for status in (*LIVE, *FINISHED)]
    events = AuditEvent.objects.count()

    counts = run_periodic(SENT_AT + 100 * datetime.timedelta(days=1))

    assert (counts.expired, counts.escalated) == (0, 0)
    for before in untouched:
        after = Referral.objects.get(pk=before.pk)
        assert (after.status, after.updated_at, after.escalated_at, after.expired_at) == (
            before.status,
            before.updated_at,
            None,
            None,
        )
    assert not Notification.objects.exists()
    assert AuditEvent.objects.count() == events


def test_each_expiry_and_escalation_is_one_audit_event_on_an_intact_chain(
    make_case: Callable[..., Case], shelter: Agency
) -> None:
    cases = [make_case() for _ in range(3)]
    overdue = [make_referral(c, shelter, sent_at=SENT_AT - 60 * MINUTES) for c in cases]
    nearly = [make_referral(c, shelter, sent_at=SENT_AT - 50 * MINUTES) for c in cases]
    moment = SENT_AT

    # Batches of two: the chain continues across batches and from one action to the next.
    assert expire_overdue_referrals(moment, batch_size=2) == 3
    assert escalate(moment, batch_size=2) == 3

    expired = AuditEvent.objects.filter(action="referral.expire")
    assert sorted(expired.values_list("object_id", "case_code")) == sorted(
        (str(r.pk), r.case.code) for r in overdue
    )
    assert {e.object_type for e in expired} == {"referrals.referral"}
    assert {e.actor_id for e in expired} == {None}
    assert expired.get(object_id=str(overdue[0].pk)).details == {
        "to_agency": shelter.pk,
        "status": "expired",
    }
    escalated = AuditEvent.objects.filter(action="referral.escalate")
    assert sorted(escalated.values_list("object_id", flat=True)) == sorted(
        str(r.pk) for r in nearly
    )
    assert escalated.get(object_id=str(nearly[0].pk)).details == {"to_agency": shelter.pk}
    assert verify_chain().intact


def test_notifications_and_emails_carry_no_identifying_data(
    make_case: Callable[..., Case],
    shelter: Agency,
    saule: User,
    alice: User,
    carol: User,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    case = make_case(surname="Жумабекова", given_name="Гульнара", patronymic="Ерлановна")
    for user in (saule, alice, carol):
        user.email = f"{user.username}@example.kz"
        user.save()
    make_referral(case, shelter, sent_at=SENT_AT)
    make_referral(case, shelter, sent_at=SENT_AT - 20 * MINUTES)

    with django_capture_on_commit_callbacks(execute=True):
        run_periodic(SENT_AT + 45 * MINUTES)

    notifications = list(Notification.objects.all())
    assert {n.kind for n in notifications} == {"referral_expired", "referral_escalated"}
    assert {m.to[0] for m in mail.outbox} == {
        "saule@example.kz",
        "alice@example.kz",
        "carol@example.kz",
    }
    texts = [str(n.params) + message(n) for n in notifications]
    texts += [m.subject + m.body for m in mail.outbox]
    person = case.person
    for text in texts:
        for value in ("Жумабекова", "Гульнара", "Ерлановна", person.iin or "\0"):
            assert value not in text
    # One message per person, listing their notifications in the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        carols = "\n".join(message(n) for n in notifications if n.recipient_id == carol.pk)
    assert [m.body for m in mail.outbox if m.to == ["carol@example.kz"]] == [carols]


def test_the_work_takes_the_same_queries_for_few_referrals_as_for_many(
    make_case: Callable[..., Case], shelter: Agency, saule: User
) -> None:
    def queries_for(count: int, day: int, earlier_escalated: int = 0) -> int:
        sent = SENT_AT + datetime.timedelta(days=day)
        for _ in range(count):
            case = make_case()
            make_referral(case, shelter, sent_at=sent - 60 * MINUTES)
            make_referral(case, shelter, sent_at=sent - 50 * MINUTES)
        with CaptureQueriesContext(connection) as queries:
            counts = run_periodic(sent)
        assert (counts.expired, counts.escalated) == (count + earlier_escalated, count)
        return len(queries)

    assert queries_for(2, 0) == queries_for(12, 10, earlier_escalated=2)


def test_run_periodic_command_reads_the_clock_and_prints_the_counts(
    case: Case,
    shelter: Agency,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    referral = make_referral(case, shelter)
    make_referral(case, shelter, sent_at=SENT_AT + 15 * MINUTES)
    monkeypatch.setattr("qamqor.clock.now", lambda: SENT_AT + 60 * MINUTES)

    call_command("run_periodic")

    assert capsys.readouterr().out == "referrals expired: 1, referrals escalated: 1\n"
    referral.refresh_from_db()
    assert referral.expired_at == SENT_AT + 60 * MINUTES
