"""Case list and case file: SQL queries and time per request at a given data size.

    .venv/bin/python bench/case_views.py --persons 10000
    QAMQOR_DATABASE_URL=postgres://postgres@127.0.0.1:5432/qamqor_bench \
        .venv/bin/python bench/case_views.py --persons 100000

Loads the demo data set with N persons into a fresh database (a temporary SQLite
file, or the empty PostgreSQL database QAMQOR_DATABASE_URL names), signs in as a case
worker of the agency with the most cases, and times requests through Django's test
client: the case list without and with a search term (Cyrillic without Kazakh letters,
and Latin), and the case file. Prints a table and one JSON line.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import reference_seconds  # noqa: E402 - bench/reference.py


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

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
    load(args.persons)
    load_seconds = time.perf_counter() - started
    print(f"loaded {args.persons:,} persons in {load_seconds:.1f} s ({connection.vendor})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    results = measure(args.requests, random.Random(args.seed))
    print_table(args.persons, connection.vendor, results)
    reference = reference_seconds()
    print(f"machine reference: {reference} s (bench/reference.py)")
    print(
        json.dumps(
            {
                "bench": "case_views",
                "reference_seconds": reference,
                "database": connection.vendor,
                "persons": args.persons,
                "load_seconds": round(load_seconds, 1),
                "pages": results,
            }
        )
    )


def measure(count: int, rng: random.Random) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from qamqor.accounts.models import Agency, CaseScope, Membership
    from qamqor.cases.access import visible_cases

    agency = Agency.objects.annotate(n=Count("owned_cases")).order_by("-n").first()
    assert agency is not None
    # A supervisor reaches every case of the agency: the largest list a user can have.
    worker = next(
        m.user
        for m in Membership.objects.filter(agency=agency, ended_at__isnull=True).select_related(
            "user", "role"
        )
        if m.role.case_scope == CaseScope.AGENCY
    )
    client = signed_in_client(worker)
    cases = list(visible_cases(worker).select_related("person").order_by("id"))
    print(f"signed in as {worker.username}: {len(cases):,} visible cases")
    sample = [rng.choice(cases) for _ in range(count)]
    list_url = reverse("cases:list")

    def without_kazakh_letters(text: str) -> str:
        return text.translate(str.maketrans("әғқңөұүһі", "агкнөууhи".replace("ө", "о")))

    pages = {
        "case list": lambda case: client.get(list_url),
        "case list, page 3": lambda case: client.post(list_url, {"page": "3"}),
        "search, Cyrillic name": lambda case: client.post(
            list_url, {"q": without_kazakh_letters(case.person.surname.lower())}
        ),
        "search, Latin name": lambda case: client.post(
            list_url, {"q": case.person.latin_surname or case.person.surname}
        ),
        "search, case code": lambda case: client.post(list_url, {"q": case.code}),
        "case file": lambda case: client.get(reverse("cases:detail", args=[case.code])),
    }
    results: dict[str, dict[str, float]] = {}
    for name, request in pages.items():
        for case in sample[:5]:
            assert request(case).status_code == 200, name
        query_counts = set()
        for case in sample[:10]:
            with CaptureQueriesContext(connection) as queries:
                request(case)
            query_counts.add(len(queries))
        timings = []
        for case in sample:
            started = time.perf_counter()
            request(case)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[name] = {
            "queries": max(query_counts),
            "queries_min": min(query_counts),
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        }
    return results


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


def print_table(persons: int, vendor: str, results: dict[str, dict[str, float]]) -> None:
    print(f"\n{persons:,} persons, {vendor}")
    # A range of queries means a prefetch skipped for an empty list (a case without
    # notes), not growth: the tests pin that counts never grow with the data.
    print(f"{'page':<24}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    for name, row in results.items():
        queries = f"{row['queries_min']}-{row['queries']}"
        if row["queries_min"] == row["queries"]:
            queries = str(row["queries"])
        print(f"{name:<24}{queries:>8}{row['median_ms']:>11}{row['p95_ms']:>9}")


if __name__ == "__main__":
    main()
