"""An agency's inbox of referrals at a given size: SQL queries and time per request.

    .venv/bin/python bench/inbox.py --referrals 10000
    QAMQOR_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qamqor_bench \\
        .venv/bin/python bench/inbox.py --referrals 10000

Loads the demo data set with --persons persons into a fresh database (a temporary SQLite
file, or the empty PostgreSQL database QAMQOR_DATABASE_URL names), then refers
--referrals cases of other agencies to the agency of --user (a supervisor there), and
--referrals / 5 of that agency's own cases to others: a mix of new, overdue, accepted, in
progress and finished referrals (declined, completed, revoked, expired) sent over two
years, each asking for one or two service types and services. Signs in as that user and
times through Django's test client each section of the inbox, a filtered page and a
later page, the sent referrals, and the home page with the inbox count in the menu.
Prints a table and one JSON line.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import reference_seconds  # noqa: E402 - bench/reference.py

# Share of the referrals in each state: (status, overdue, share).
MIX = [
    ("sent", False, 0.12),
    ("sent", True, 0.04),
    ("accepted", False, 0.08),
    ("in_progress", False, 0.14),
    ("declined", False, 0.10),
    ("completed", False, 0.44),
    ("revoked", False, 0.03),
    ("expired", False, 0.05),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=2000, help="demo persons first loaded")
    parser.add_argument("--referrals", type=int, default=10_000, help="referrals to the inbox")
    parser.add_argument("--user", default="supervisor.almaty", help="demo user to sign in as")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.persons < 1 or args.referrals < 1 or args.requests < 2:
        parser.error("--persons and --referrals must be positive, --requests at least 2")

    if not os.environ.get("QAMQOR_DATABASE_URL"):
        os.environ["QAMQOR_DATA_DIR"] = tempfile.mkdtemp(prefix="qamqor-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from qamqor.registry.models import Person

    if Person.objects.exists():
        sys.exit("The database holds persons already: point QAMQOR_DATABASE_URL at an empty one.")

    from qamqor.demo.generator import load

    started = time.perf_counter()
    loaded = load(args.persons, seed=args.seed)
    assert loaded is not None  # a fresh database holds no demo set
    rng = random.Random(args.seed)
    received, sent = add_referrals(rng, args.user, args.referrals, args.referrals // 5)
    load_seconds = time.perf_counter() - started
    print(
        f"loaded {args.persons:,} persons, {received:,} referrals to the agency of {args.user} "
        f"and {sent:,} from it in {load_seconds:.1f} s ({connection.vendor})"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    figures = measure(args.user, args.requests)
    print_table(connection.vendor, figures)
    reference = reference_seconds()
    print(f"machine reference: {reference} s (bench/reference.py)")
    print(
        json.dumps(
            {
                "bench": "inbox",
                "reference_seconds": reference,
                "database": connection.vendor,
                "persons": args.persons,
                "referrals_received": received,
                "referrals_sent": sent,
                "load_seconds": round(load_seconds, 1),
                **figures,
            }
        )
    )


def add_referrals(rng: random.Random, username: str, received: int, sent: int) -> tuple[int, int]:
    """`received` referrals to the agency of `username`, `sent` from it, in bulk."""
    from django.db import transaction

    from qamqor.accounts.models import Agency, User
    from qamqor.cases.models import Case
    from qamqor.clock import now
    from qamqor.referrals.models import Referral, Urgency
    from qamqor.services.models import Service, ServiceType

    user = User.objects.get(username=username)
    agency = Agency.objects.get(memberships__user=user, memberships__ended_at__isnull=True)
    others = list(Agency.objects.exclude(pk=agency.pk).filter(is_active=True))
    foreign_cases = list(
        Case.objects.exclude(owner_agency=agency).values_list("pk", "owner_agency_id")
    )
    own_cases = list(Case.objects.filter(owner_agency=agency).values_list("pk", flat=True))
    assert foreign_cases and own_cases, "the demo set is too small: raise --persons"
    urgencies = list(Urgency.objects.all())
    service_types = list(ServiceType.objects.all())
    services = list(Service.objects.all())
    senders = {
        agency_id: user_id
        for agency_id, user_id in User.objects.filter(
            memberships__ended_at__isnull=True
        ).values_list("memberships__agency_id", "pk")
    }
    moment = now()
    states = [(status, overdue) for status, overdue, _share in MIX]
    weights = [share for _status, _overdue, share in MIX]

    def referral(case_id: int, from_id: int, to_id: int) -> Referral:
        status, overdue = rng.choices(states, weights)[0]
        urgency = rng.choice(urgencies)
        period = urgency.response_period
        if status == "sent":
            # Within its response period, or past it by up to as much again.
            sent_at = moment - period * (1 + rng.random() if overdue else rng.random())
        else:
            sent_at = moment - datetime.timedelta(minutes=rng.randrange(60, 2 * 365 * 24 * 60))
        responded = sent_at + period * rng.random()
        finished = responded + datetime.timedelta(days=rng.randrange(0, 60))
        fields: dict[str, object] = {}
        if status in {"accepted", "in_progress", "declined", "completed"}:
            fields.update(responded_at=responded, responded_by_id=senders.get(to_id))
        if status == "in_progress" or status == "completed":
            fields["started_at"] = responded
        if status == "completed":
            fields["completed_at"] = finished
        if status == "revoked":
            fields.update(revoked_at=responded, revoked_by_id=senders[from_id])
        if status == "expired":
            fields["expired_at"] = sent_at + period
        updated = max([sent_at, *[v for v in fields.values() if isinstance(v, datetime.datetime)]])
        return Referral(
            case_id=case_id,
            from_agency_id=from_id,
            to_agency_id=to_id,
            sent_by_id=senders[from_id],
            sent_at=sent_at,
            purpose=rng.choice(["services", "services", "services", "protection"]),
            urgency=urgency,
            message="",
            scope="minimum",
            status=status,
            respond_by=sent_at + period,
            updated_at=min(updated, moment),
            **fields,
        )

    rows = [
        referral(case_id, owner_id, agency.pk)
        for case_id, owner_id in (rng.choice(foreign_cases) for _ in range(received))
    ]
    rows += [referral(rng.choice(own_cases), agency.pk, rng.choice(others).pk) for _ in range(sent)]
    with transaction.atomic():
        created = Referral.objects.bulk_create(rows, batch_size=2000)
        types_through = Referral.service_types.through
        services_through = Referral.services.through
        types_through.objects.bulk_create(
            (
                types_through(referral_id=made.pk, servicetype_id=chosen.pk)
                for made in created
                if made.purpose == "services"
                for chosen in rng.sample(service_types, rng.randint(1, 2))
            ),
            batch_size=5000,
        )
        services_through.objects.bulk_create(
            (
                services_through(referral_id=made.pk, service_id=chosen.pk)
                for made in created
                if made.purpose == "services"
                for chosen in rng.sample(services, rng.randint(0, 2))
            ),
            batch_size=5000,
        )
    return received, sent


def timed(count: int, run: Callable[[], object]) -> dict[str, float]:
    """Wall time per request, and the CPU time of this process (with SQLite, all of the
    work; with PostgreSQL, all but the server's), which a busy machine inflates less."""
    walls, cpus = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        cpus.append((time.process_time() - started_cpu) * 1000)
        walls.append((time.perf_counter() - started) * 1000)
    walls.sort()
    cpus.sort()

    def p95(values: list[float]) -> float:
        return round(values[max(0, int(len(values) * 0.95) - 1)], 1)

    return {
        "p50_ms": round(statistics.median(walls), 1),
        "p95_ms": p95(walls),
        "max_ms": round(walls[-1], 1),
        "cpu_p50_ms": round(statistics.median(cpus), 1),
        "cpu_p95_ms": p95(cpus),
    }


def measure(username: str, count: int) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from qamqor.accounts.models import User
    from qamqor.clock import now
    from qamqor.referrals.inbox import Tab, tab_counts

    user = User.objects.get(username=username)
    counts = {tab.value: total for tab, total in tab_counts(user, now()).items()}
    print(f"signed in as {username}: inbox sections {counts}")
    client = signed_in_client(user)
    inbox = reverse("referrals:inbox")
    pages: dict[str, tuple[str, dict[str, str]]] = {
        **{f"inbox, {tab.value}": (inbox, {"tab": tab.value}) for tab in Tab},
        "inbox, new, routine only": (inbox, {"tab": "new", "urgency": "routine"}),
        "inbox, finished, page 3": (inbox, {"tab": "finished", "page": "3"}),
        "sent referrals": (reverse("referrals:inbox_sent"), {}),
        "sent, completed, page 2": (
            reverse("referrals:inbox_sent"),
            {"status": "completed", "page": "2"},
        ),
        "home page (menu count)": (reverse("home"), {}),
    }
    results: dict[str, dict[str, float]] = {}
    for name, (url, query) in pages.items():
        for _ in range(3):
            assert client.get(url, query).status_code == 200, name
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        query_count = len(queries)  # read now: the list is taken from the connection's log
        timings = timed(count, lambda url=url, query=query: client.get(url, query))
        results[name] = {"queries": query_count, **timings}
    # Other work on the machine shows in the wall times; the load says how much there was.
    load = [round(value, 1) for value in os.getloadavg()]
    return {"user": username, "inbox": counts, "load_average": load, "pages": results}


def signed_in_client(user):  # type: ignore[no-untyped-def]
    """A client signed in as `user` with a verified second factor, as after a real sign-in."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def print_table(vendor: str, figures: dict[str, object]) -> None:
    print(f"\n{vendor}, load average {figures['load_average']}")
    print(
        f"{'page':<28}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"{'cpu p50':>9}{'cpu p95':>9}"
    )
    pages = figures["pages"]
    assert isinstance(pages, dict)
    for name, row in pages.items():
        print(
            f"{name:<28}{row['queries']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['max_ms']:>9}{row['cpu_p50_ms']:>9}{row['cpu_p95_ms']:>9}"
        )


if __name__ == "__main__":
    main()
