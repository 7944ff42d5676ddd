"""My tasks on the home page of a supervisor with a large open caseload: time per request.

    .venv/bin/python bench/my_tasks.py --open-cases 10000
    QAMQOR_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qamqor_bench \\
        .venv/bin/python bench/my_tasks.py --open-cases 10000

Loads the demo data set with --persons persons into a fresh database (a temporary SQLite
file, or the empty PostgreSQL database QAMQOR_DATABASE_URL names), then gives the agency
of --user (a supervisor, who reaches every case of the agency) --open-cases more open
cases with the demo's mix of assessments, decisions, placements, protective orders,
service plans with their deliveries, and closures (qamqor.demo.generator.add_open_cases).
Signs in as that user and times the home page through Django's test client, and the task
list alone (web.worklist.my_tasks), each kind of task on its own too. Prints a table and
one JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import reference_seconds  # noqa: E402 - bench/reference.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=2000, help="demo persons first loaded")
    parser.add_argument("--open-cases", type=int, default=10_000, help="open cases to add")
    parser.add_argument("--user", default="supervisor.almaty", help="demo user to sign in as")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per figure")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.persons < 1 or args.open_cases < 1 or args.requests < 2:
        parser.error("--persons and --open-cases must be positive, --requests at least 2")

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

    from qamqor.demo.generator import add_open_cases, load

    started = time.perf_counter()
    loaded = load(args.persons, seed=args.seed)
    added = add_open_cases(args.user, args.open_cases, seed=args.seed)
    load_seconds = time.perf_counter() - started
    assert loaded is not None  # a fresh database holds no demo set
    print(
        f"loaded {args.persons:,} persons and {args.open_cases:,} open cases for the agency of "
        f"{args.user} in {load_seconds:.1f} s ({connection.vendor}); "
        f"{loaded.plans + added.plans:,} service plans, "
        f"{loaded.planned_services + added.planned_services:,} planned services, "
        f"{loaded.deliveries + added.deliveries:,} deliveries"
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
                "bench": "my_tasks",
                "reference_seconds": reference,
                "database": connection.vendor,
                "persons": args.persons,
                "added_open_cases": args.open_cases,
                "load_seconds": round(load_seconds, 1),
                **figures,
            }
        )
    )


def timed(count: int, run: Callable[[], object]) -> dict[str, float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
    }


def measure(username: str, count: int) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from qamqor.accounts.models import User
    from qamqor.clock import today
    from qamqor.web import worklist

    user = User.objects.get(username=username)
    cases = worklist.task_cases(user)
    assert cases is not None, f"{username} acts on no case"
    open_cases = cases.count()
    print(f"signed in as {username}: {open_cases:,} open cases")

    client = signed_in_client(user)
    home = reverse("home")
    for _ in range(3):
        assert client.get(home).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(home)

    def fresh_user() -> User:
        # As in a request: memberships and grants are read again for each.
        return User.objects.get(pk=user.pk)

    listed = worklist.my_tasks(fresh_user())
    assert listed is not None
    on = today()
    kinds = {
        kind.code: timed(count, lambda kind=kind: worklist.collect(kind, cases, on))
        for kind in worklist.TASK_KINDS
    }
    return {
        "user": username,
        "open_cases": open_cases,
        "tasks": {group.kind.code: group.total for group in listed.groups},
        "home_queries": len(queries),
        "home_page": timed(count, lambda: client.get(home)),
        "task_list": timed(count, lambda: worklist.my_tasks(fresh_user())),
        "kinds": kinds,
    }


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
    print(f"\n{figures['open_cases']:,} open cases, {vendor}")
    tasks = figures["tasks"]
    assert isinstance(tasks, dict)
    print("tasks: " + ", ".join(f"{kind} {total:,}" for kind, total in tasks.items()))
    print(f"home page queries: {figures['home_queries']}")
    print(f"{'':<24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = {"home page": figures["home_page"], "task list": figures["task_list"]}
    kinds = figures["kinds"]
    assert isinstance(kinds, dict)
    rows.update({f"  {kind}": row for kind, row in kinds.items()})
    for name, row in rows.items():
        assert isinstance(row, dict)
        print(f"{name:<24}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}")


if __name__ == "__main__":
    main()
