"""The periodic task of referrals on many open referrals: time to expire and escalate.

    .venv/bin/python bench/referral_periodic.py --referrals 100000
    QAMQOR_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qamqor_bench \\
        .venv/bin/python bench/referral_periodic.py --referrals 100000

Loads the demo data set with --persons persons into a fresh database (a temporary SQLite
file, removed afterwards, or the empty PostgreSQL database QAMQOR_DATABASE_URL names,
with QAMQOR_AUDIT_KEY and QAMQOR_ENCRYPTION_KEYS set), then adds --referrals
referrals awaiting an answer (bulk_create), spread over the open cases, each from the
case's owner to another agency, the urgencies mixed: --overdue of them past their answer's
due time, --escalating past 75 % of their period, the rest fresh. Times
qamqor.referrals.periodic.run_periodic at one moment, and a second run with nothing left
to do. Prints the figures and one JSON line.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import reference_seconds  # noqa: E402 - bench/reference.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2000, help="demo persons first loaded")
    parser.add_argument("--overdue", type=float, default=0.5, help="share past due")
    parser.add_argument("--escalating", type=float, default=0.25, help="share past 75 %%")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.referrals < 1 or args.persons < 1:
        parser.error("--referrals and --persons must be positive")
    if min(args.overdue, args.escalating) < 0 or args.overdue + args.escalating > 1:
        parser.error("--overdue and --escalating are shares adding up to at most 1")

    temporary = None
    if not os.environ.get("QAMQOR_DATABASE_URL"):
        temporary = os.environ["QAMQOR_DATA_DIR"] = tempfile.mkdtemp(prefix="qamqor-bench-")
    try:
        run(args)
    finally:
        if temporary:
            shutil.rmtree(temporary)


def run(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # E-mails are composed and handed to Django's mail (kept in memory), not delivered:
    # delivery time is the mail server's.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.db import connection

    call_command("migrate", verbosity=0)
    from qamqor.registry.models import Person

    if Person.objects.exists():
        sys.exit("The database holds persons already: point QAMQOR_DATABASE_URL at an empty one.")

    from qamqor.demo.generator import load

    started = time.perf_counter()
    load(args.persons, seed=args.seed)
    moment = add_referrals(args.referrals, args.overdue, args.escalating, args.seed)
    load_seconds = time.perf_counter() - started
    print(
        f"loaded {args.persons:,} persons and {args.referrals:,} open referrals "
        f"in {load_seconds:.1f} s ({connection.vendor})"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    figures = measure(moment)
    figures.update(
        bench="referral_periodic",
        database=connection.vendor,
        persons=args.persons,
        open_referrals=args.referrals,
        load_seconds=round(load_seconds, 1),
        reference_seconds=reference_seconds(),
    )
    print_figures(figures)
    print(f"machine reference: {figures['reference_seconds']} s (bench/reference.py)")
    print(json.dumps(figures))


def add_referrals(count: int, overdue: float, escalating: float, seed: int) -> datetime.datetime:
    """`count` referrals awaiting an answer; returns the moment to run the task at."""
    from qamqor.accounts.models import Agency
    from qamqor.cases.models import Case
    from qamqor.clock import now
    from qamqor.referrals.models import (
        DataScope,
        Referral,
        ReferralPurpose,
        ReferralStatus,
        Urgency,
    )

    rng = random.Random(seed)
    moment = now()
    cases = list(
        Case.objects.filter(closed_on__isnull=True).values_list(
            "pk", "owner_agency_id", "created_by_id"
        )
    )
    agencies = list(Agency.objects.values_list("pk", flat=True))
    urgencies = list(Urgency.objects.all())
    batch = []
    for index in range(count):
        case_id, owner_id, created_by_id = cases[index % len(cases)]
        urgency = rng.choice(urgencies)
        period = urgency.response_period
        share = rng.random()
        if share < overdue:  # past its due time, by up to a day
            age = period + datetime.timedelta(seconds=rng.randrange(86_400))
        elif share < overdue + escalating:  # between 75 % and 100 % of its period
            age = period * rng.uniform(0.75, 0.999)
        else:  # fresh
            age = period * rng.uniform(0, 0.74)
        sent_at = moment - age
        batch.append(
            Referral(
                case_id=case_id,
                from_agency_id=owner_id,
                to_agency_id=rng.choice([a for a in agencies if a != owner_id]),
                sent_by_id=created_by_id,
                sent_at=sent_at,
                purpose=ReferralPurpose.SERVICES,
                urgency=urgency,
                scope=DataScope.MINIMUM,
                status=ReferralStatus.SENT,
                respond_by=sent_at + period,
                updated_at=sent_at,
            )
        )
    Referral.objects.bulk_create(batch, batch_size=5000)
    return moment


def measure(moment: datetime.datetime) -> dict[str, object]:
    from django.core import mail
    from django.db import connection

    from qamqor.accounts.models import Notification
    from qamqor.audit.models import AuditEvent
    from qamqor.audit.verify import verify_chain
    from qamqor.referrals.models import Referral, ReferralStatus
    from qamqor.referrals.periodic import escalate, expire_overdue_referrals, run_periodic

    mail.outbox = []
    overdue = Referral.objects.filter(status=ReferralStatus.SENT, respond_by__lte=moment).count()
    events = AuditEvent.objects.count()

    # run_periodic(moment) is exactly these two calls; timed apart to show each part.
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper that only counts: Django's query capture would format every statement.
    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        expired = expire_overdue_referrals(moment)
        expire_seconds = time.perf_counter() - started
        started = time.perf_counter()
        escalated = escalate(moment)
        escalate_seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
    assert expired == overdue, (expired, overdue)

    started = time.perf_counter()
    again = run_periodic(moment)
    again_seconds = time.perf_counter() - started
    assert (again.expired, again.escalated) == (0, 0)

    verification = verify_chain()
    assert verification.intact, verification.broken
    return {
        "expired": expired,
        "escalated": escalated,
        "expire_seconds": round(expire_seconds, 2),
        "escalate_seconds": round(escalate_seconds, 2),
        "total_seconds": round(expire_seconds + escalate_seconds, 2),
        # This process's processor time: on SQLite the whole work, on PostgreSQL the
        # application's share. The wall time above also counts waiting for a busy CPU.
        "cpu_seconds": round(cpu_seconds, 2),
        "queries": len(queries),
        "audit_events": AuditEvent.objects.count() - events,
        "notifications": Notification.objects.filter(
            kind__in=["referral_expired", "referral_escalated"]
        ).count(),
        "emails": len(mail.outbox),
        "second_run_seconds": round(again_seconds, 3),
    }


def print_figures(figures: dict[str, object]) -> None:
    print(f"\n{figures['open_referrals']:,} open referrals, {figures['database']}")
    print(f"expired            {figures['expired']:>8,}  in {figures['expire_seconds']} s")
    print(f"escalated          {figures['escalated']:>8,}  in {figures['escalate_seconds']} s")
    print(f"run_periodic total {figures['total_seconds']:>11} s  ({figures['queries']} queries)")
    print(f"  processor time   {figures['cpu_seconds']:>11} s  (this process)")
    print(f"audit events       {figures['audit_events']:>8,}")
    print(f"notifications      {figures['notifications']:>8,}")
    print(f"e-mails            {figures['emails']:>8,}")
    print(f"second run         {figures['second_run_seconds']:>11} s  (nothing left to do)")


if __name__ == "__main__":
    main()
