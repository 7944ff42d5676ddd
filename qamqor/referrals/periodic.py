"""The deadlines of referrals: expiry when unanswered in time, escalation before that.

A referral still `sent` when its answer is due (`respond_by`) expires, and the sender's
case editors are told. Once `escalate_at_percent` of its urgency's response period has
passed (75 %: 45 minutes of an emergency's hour), the recipient agency's supervisors are
told, once, that it awaits their answer. `run_periodic()` does both; Celery beat runs it
every minute in production (tasks.py), cron runs `qamqor run-periodic` with the embedded
database (docs/operations.md).

Set-based, in batches of BATCH_SIZE referrals, each in a transaction of its own: one
locking SELECT, one UPDATE, a few reads for the recipients, and bulk inserts of one audit
event per referral and one notification per person and case. Two runs at once never act
twice on one referral: a batch locks the rows it takes (FOR UPDATE SKIP LOCKED on
PostgreSQL, so a second worker takes other rows; SQLite admits one writer at a time) and
the UPDATE repeats the state condition.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import override

from qamqor import clock
from qamqor.accounts.models import (
    Agency,
    Capability,
    CaseScope,
    Membership,
    Notification,
    User,
)
from qamqor.accounts.notifications import message
from qamqor.audit.chain import CHAINED_FIELDS, audit_key, chain_hash
from qamqor.audit.events import record
from qamqor.audit.models import AuditEvent, ChainHead
from qamqor.bulk import connection_for, insert_rows, stored
from qamqor.cases.models import CaseAssignment

from .models import Referral, ReferralStatus, Urgency

# Referrals per transaction: large enough for few round trips, small enough that the
# audit chain head (which every audited write in the installation waits for) is held
# for a fraction of a second.
BATCH_SIZE = 5000

EXPIRE_ACTION = "referral.expire"
ESCALATE_ACTION = "referral.escalate"
EXPIRED_KIND = "referral_expired"
ESCALATED_KIND = "referral_escalated"


@dataclass(frozen=True)
class PeriodicCounts:
    expired: int
    escalated: int


def run_periodic(now: datetime.datetime | None = None) -> PeriodicCounts:
    """Expire overdue referrals, then escalate the ones nearing their deadline."""
    moment = now or clock.now()
    expired = expire_overdue_referrals(moment)
    return PeriodicCounts(expired=expired, escalated=escalate(moment))


def expire_overdue_referrals(now: datetime.datetime, *, batch_size: int = BATCH_SIZE) -> int:
    """Every referral still awaiting an answer at or after `respond_by` expires at `now`.

    The sender agency's case editors are told (one notification per person and case).
    Returns how many referrals this call expired.
    """
    overdue = Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lte=now)
    total = 0
    while True:
        with transaction.atomic():
            rows = _take(overdue, batch_size)
            if not rows:
                return total
            ids = [row.pk for row in rows]
            Referral.objects.filter(pk__in=ids, status=ReferralStatus.SENT).update(
                status=ReferralStatus.EXPIRED, expired_at=now, updated_at=now
            )
            _record_each(
                EXPIRE_ACTION,
                [(row, {"to_agency": row.to_agency_id, "status": "expired"}) for row in rows],
            )
            _notify_expired(rows, now)
        total += len(ids)
        if len(ids) < batch_size:
            return total


def escalate(now: datetime.datetime, *, batch_size: int = BATCH_SIZE) -> int:
    """Tell the recipient's supervisors of referrals past the escalation share of their period.

    Only referrals still awaiting an answer and not yet overdue (an overdue one expires
    instead), each once: `escalated_at` records that it was done. Returns how many
    referrals this call escalated.
    """
    due = Q(pk__in=[])
    for urgency in Urgency.objects.all():
        threshold = urgency.response_period * urgency.escalate_at_percent / 100
        due |= Q(urgency_id=urgency.pk, sent_at__lte=now - threshold)
    pending = Referral.objects.filter(
        due, status=ReferralStatus.SENT, escalated_at__isnull=True, respond_by__gt=now
    )
    total = 0
    while True:
        with transaction.atomic():
            rows = _take(pending, batch_size, with_respond_by=True)
            if not rows:
                return total
            ids = [row.pk for row in rows]
            Referral.objects.filter(
                pk__in=ids, status=ReferralStatus.SENT, escalated_at__isnull=True
            ).update(escalated_at=now, updated_at=now)
            _record_each(
                ESCALATE_ACTION,
                [(row, {"to_agency": row.to_agency_id}) for row in rows],
            )
            _notify_escalated(rows, now)
        total += len(ids)
        if len(ids) < batch_size:
            return total


@dataclass(frozen=True)
class _Row:
    pk: int
    case_id: int
    case_code: str
    case_created_by_id: int
    from_agency_id: int
    to_agency_id: int
    respond_by: datetime.datetime | None = None


def _take(
    candidates: QuerySet[Referral], batch_size: int, *, with_respond_by: bool = False
) -> list[_Row]:
    """Lock up to `batch_size` of the candidates, skipping rows another run holds.

    Earliest due first, which the index on (status, respond_by) gives without sorting.
    """
    locked = candidates.order_by("respond_by", "pk").select_for_update(
        skip_locked=True, of=("self",)
    )
    columns = ["pk", "case_id", "case__code", "case__created_by_id", "from_agency_id"]
    columns += ["to_agency_id", "respond_by"] if with_respond_by else ["to_agency_id"]
    values = locked.values_list(*columns)[:batch_size]
    return [_Row(*row) for row in values]


def _record_each(action: str, entries: Sequence[tuple[_Row, dict[str, Any]]]) -> None:
    """One audit event per referral, as `record()` would write them, in one insert.

    The first goes through `record()`, which takes the chain head's lock and supplies the
    time and request facts; the rest continue the chain from it, one hash after another,
    and the head moves once. Writing each through `record()` (three queries an event)
    would take most of the run for tens of thousands of referrals.
    """
    first_row, first_details = entries[0]
    first = record(
        None, action, Referral(pk=first_row.pk), case_code=first_row.case_code, **first_details
    )
    if len(entries) == 1:
        return
    key = audit_key()
    at = stored(AuditEvent, "at", first.at)
    details_field = AuditEvent._meta.get_field("details")
    db = connection_for(AuditEvent)
    sequence, previous = first.sequence, first.hash
    rows = []
    for row, details in entries[1:]:
        sequence += 1
        # In the order of CHAINED_FIELDS, as record() hashes them. The details hold numbers
        # and strings only, so they read back from the database as they are hashed here
        # (record() normalises them first; verify_chain checks that the two agree).
        values = [
            sequence,
            first.at,
            None,
            "",
            action,
            first.object_type,
            str(row.pk),
            row.case_code,
            first.ip_address,
            first.path,
            False,
            details,
        ]
        hash_ = chain_hash(key, previous, values)
        values[1], values[11] = at, details_field.get_db_prep_save(details, db)
        rows.append((*values, previous, hash_))
        previous = hash_
    insert_rows(AuditEvent, [*CHAINED_FIELDS, "prev_hash", "hash"], rows)
    ChainHead.objects.filter(pk=ChainHead.ROW_ID).update(sequence=sequence, hash=previous)


def _notify_expired(rows: Sequence[_Row], now: datetime.datetime) -> None:
    editors = _case_editors(rows)
    names = _agency_names({row.to_agency_id for row in rows})
    # Per person and case: the agencies the case's expired referrals went to.
    recipients: dict[tuple[int, str], None] = {}
    agencies_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        agencies_of[row.case_code].add(names[row.to_agency_id])
        recipients.update(dict.fromkeys((user_id, row.case_code) for user_id in editors[row.pk]))
    _bulk_notify(
        EXPIRED_KIND,
        now,
        [
            (user_id, case_code, {"agency": ", ".join(sorted(agencies_of[case_code]))})
            for user_id, case_code in recipients
        ],
    )


def _notify_escalated(rows: Sequence[_Row], now: datetime.datetime) -> None:
    supervisors = _supervisors_by_agency({row.to_agency_id for row in rows})
    names = _agency_names({row.from_agency_id for row in rows})
    # Per supervisor and case: the agencies that referred it and the earliest answer due.
    found: dict[tuple[int, str], tuple[set[str], datetime.datetime]] = {}
    for row in rows:
        assert row.respond_by is not None
        for user_id in supervisors[row.to_agency_id]:
            agencies, due = found.get((user_id, row.case_code), (set(), row.respond_by))
            agencies.add(names[row.from_agency_id])
            found[(user_id, row.case_code)] = (agencies, min(due, row.respond_by))
    _bulk_notify(
        ESCALATED_KIND,
        now,
        [
            (
                user_id,
                case_code,
                {"agency": ", ".join(sorted(agencies)), "respond_by": _local_time(due)},
            )
            for (user_id, case_code), (agencies, due) in found.items()
        ],
    )


def _case_editors(rows: Sequence[_Row]) -> dict[int, set[int]]:
    """Referral id -> users who may change its case through the sending agency.

    The rule of cases.access: a role with `case.edit` and `case.identity` whose scope is
    the agency, or whose scope is assigned cases and who opened or is assigned to it.
    """
    agency_wide: dict[int, set[int]] = defaultdict(set)
    assigned_only: dict[int, set[int]] = defaultdict(set)
    memberships = Membership.objects.filter(
        agency_id__in={row.from_agency_id for row in rows},
        agency__is_active=True,
        ended_at__isnull=True,
        user__is_active=True,
    ).values_list("agency_id", "user_id", "role__case_scope", "role__capabilities")
    for agency_id, user_id, scope, capabilities in memberships:
        if Capability.EDIT_CASE not in capabilities or Capability.SEE_IDENTITY not in capabilities:
            continue
        if scope == CaseScope.AGENCY:
            agency_wide[agency_id].add(user_id)
        elif scope == CaseScope.ASSIGNED:
            assigned_only[agency_id].add(user_id)
    assigned: dict[int, set[int]] = defaultdict(set)
    case_ids = {row.case_id for row in rows}
    for case_id, user_id in CaseAssignment.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "user_id"
    ):
        assigned[case_id].add(user_id)
    editors = {}
    for row in rows:
        related = assigned[row.case_id] | {row.case_created_by_id}
        editors[row.pk] = agency_wide[row.from_agency_id] | (
            related & assigned_only[row.from_agency_id]
        )
    return editors


def _supervisors_by_agency(agency_ids: Iterable[int]) -> dict[int, set[int]]:
    """Agency id -> its active supervisors (as notifications.agency_supervisors)."""
    found: dict[int, set[int]] = defaultdict(set)
    for agency_id, user_id in Membership.objects.filter(
        agency_id__in=set(agency_ids),
        ended_at__isnull=True,
        user__is_active=True,
        role__case_scope=CaseScope.AGENCY,
    ).values_list("agency_id", "user_id"):
        found[agency_id].add(user_id)
    return found


def _agency_names(agency_ids: Iterable[int]) -> dict[int, str]:
    """In the installation's language, as e-mails are written."""
    with override(settings.LANGUAGE_CODE):
        return {agency.pk: agency.name for agency in Agency.objects.filter(pk__in=set(agency_ids))}


def _local_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _bulk_notify(
    kind: str, created_at: datetime.datetime, entries: Sequence[tuple[int, str, dict[str, str]]]
) -> None:
    """Notifications as `notifications.notify` writes them, for many cases at once.

    Each recipient with an e-mail address gets one message after the commit listing
    their notifications of this batch: case codes, agency names and times, never who
    the person is.
    """
    if not entries:
        return
    created = stored(Notification, "created_at", created_at)
    params_field = Notification._meta.get_field("params")
    db = connection_for(Notification)
    insert_rows(
        Notification,
        ["recipient_id", "created_at", "kind", "case_code", "params", "read_at"],
        [
            (user_id, created, kind, case_code, params_field.get_db_prep_save(params, db), None)
            for user_id, case_code, params in entries
        ],
    )
    addresses = dict(
        User.objects.filter(pk__in={user_id for user_id, _, _ in entries})
        .exclude(email="")
        .values_list("pk", "email")
    )
    lines: dict[str, list[str]] = defaultdict(list)
    with override(settings.LANGUAGE_CODE):
        for user_id, case_code, params in entries:
            if user_id in addresses:
                # message() reads these three attributes; a model instance per line costs more.
                shown = SimpleNamespace(kind=kind, case_code=case_code, params=params)
                lines[addresses[user_id]].append(message(cast(Notification, shown)))
    if lines:
        transaction.on_commit(lambda: _send(lines))


def _send(lines: dict[str, list[str]]) -> None:
    """One message per person, over one connection to the mail server."""
    messages = [
        EmailMessage("Qamqor", "\n".join(text), None, [address]) for address, text in lines.items()
    ]
    get_connection(fail_silently=True).send_messages(messages)
