"""Time `audit verify` on a long log: `python bench/audit_verify.py --events 1000000`.

Writes N synthetic chained events (the chain computed here in Python with the chain's own
functions, the rows bulk-inserted: executemany on SQLite, COPY on PostgreSQL), then times
verify_chain(), which is what `qamqor audit verify` runs.

On SQLite (the default) it works in a fresh temporary data directory, removed afterwards
unless --keep or --data-dir is given. On PostgreSQL set QAMQOR_DATABASE_URL to an empty
database made for the purpose (`createdb qamqor_bench`): the script refuses to run on a
database that holds any table, so that a benchmark never writes into a real one.

It prints the figures and, last, one JSON line with them.
"""

import argparse
import base64
import datetime
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 20_000
USERS = 200
CASES = 50_000
ADDRESSES = 300
COLUMNS = (
    "sequence", "at", "actor_id", "actor_username", "action", "object_type", "object_id",
    "case_code", "ip_address", "path", "read", "details", "prev_hash", "hash",
)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--data-dir", help="data directory to use (kept); default: a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    if args.events < 1:
        parser.error("--events must be a positive integer")

    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="qamqor-bench-"))
    os.environ["QAMQOR_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qamqor.settings"
    if os.environ.get("QAMQOR_DATABASE_URL"):
        # A server database wants its keys configured; the empty bench database gets
        # throwaway ones (32 random bytes in URL-safe base64 is the vault's key format).
        os.environ.setdefault("QAMQOR_AUDIT_KEY", secrets.token_urlsafe(48))
        key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        os.environ.setdefault("QAMQOR_ENCRYPTION_KEYS", key)
    try:
        return run(args.events, args.seed)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif temporary:
            print(f"data directory kept: {data_dir}")


def run(count: int, seed: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qamqor.audit.verify import verify_chain

    existing = connection.introspection.table_names()
    if existing:
        print(
            f"refusing to run: the database {connection.settings_dict['NAME']} holds "
            f"{len(existing)} tables; give it an empty database (createdb qamqor_bench)",
            file=sys.stderr,
        )
        return 2
    call_command("migrate", verbosity=0, interactive=False)

    started = time.perf_counter()
    last_hash = write_events(count, random.Random(seed))
    write_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = verify_chain()
    verify_seconds = time.perf_counter() - started
    if not result.intact or result.count != count or result.last_hash != last_hash:
        print(f"verify disagrees with the log written: {result}", file=sys.stderr)
        return 1

    figures = {
        "benchmark": "audit_verify",
        "database": connection.vendor,
        "events": count,
        "write_seconds": round(write_seconds, 2),
        "verify_seconds": round(verify_seconds, 2),
        "events_per_second": round(count / verify_seconds),
        "microseconds_per_event": round(verify_seconds / count * 1e6, 2),
    }
    print(f"database                {figures['database']}")
    print(f"events                  {count}")
    print(f"write (chain + insert)  {write_seconds:.1f} s")
    print(f"verify                  {verify_seconds:.1f} s")
    print(f"events per second       {figures['events_per_second']}")
    print(f"per event               {figures['microseconds_per_event']} µs")
    print(json.dumps(figures))
    return 0


def write_events(count: int, rng: random.Random) -> str:
    """Write `count` chained events in one transaction; return the newest hash."""
    from django.db import connection, transaction

    from qamqor.accounts.models import User
    from qamqor.audit.chain import GENESIS, audit_key, chain_hash
    from qamqor.audit.models import ChainHead

    if connection.vendor == "sqlite":
        # Room for the indexes in memory (256 MB): with the default 2 MB cache, inserting
        # a million rows in random case-code order mostly waits on index pages.
        connection.cursor().execute("PRAGMA cache_size = -262144")
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"bench.user{n:03d}", password="!") for n in range(USERS)
        )
        actors = [(u.pk, u.username) for u in User.objects.filter(pk__in=[u.pk for u in users])]
        key, prev_hash = audit_key(), GENESIS
        insert = _inserter(connection)
        batch: list[tuple[Any, ...]] = []
        for values in synthetic_events(count, rng, actors):
            hash_ = chain_hash(key, prev_hash, values)
            batch.append(_row(connection.vendor, values, prev_hash, hash_))
            prev_hash = hash_
            if len(batch) == BATCH:
                insert(batch)
                batch = []
        insert(batch)
        ChainHead.objects.filter(pk=ChainHead.ROW_ID).update(sequence=count, hash=prev_hash)
    return prev_hash


def synthetic_events(
    count: int, rng: random.Random, actors: list[tuple[int, str]]
) -> Iterator[list[Any]]:
    """Values of CHAINED_FIELDS for `count` events, as they read back from the database."""
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    addresses = [
        f"10.{rng.randrange(256)}.{rng.randrange(256)}.{n % 250 + 1}" for n in range(ADDRESSES)
    ]
    kinds = [
        # action, object type, read, share
        ("case.view", "cases.case", True, 50),
        ("person.view", "registry.person", True, 15),
        ("note.create", "cases.casenote", False, 10),
        ("person.update", "registry.person", False, 8),
        ("case.status", "cases.case", False, 5),
        ("auth.login", "accounts.user", True, 8),
        ("auth.login_failed", "", True, 3),
        ("case.break_glass", "cases.case", False, 1),
    ]
    choices = [kind for kind in kinds for _ in range(kind[3])]
    at = start
    for sequence in range(1, count + 1):
        at += datetime.timedelta(microseconds=rng.randrange(1, 6_000_000))
        action, object_type, read, _ = rng.choice(choices)
        actor_id, username = rng.choice(actors)
        number = rng.randrange(1, CASES)
        code = f"ALA-2026-{number:06d}"
        if action.startswith("auth."):
            code, path = "", "/login/"
        else:
            path = f"/cases/{code}/"
        if action == "auth.login_failed":
            actor_id, details = None, {}
        elif action == "case.view":
            details = {"identity": rng.random() < 0.8}
        elif action == "person.update":
            details = {"fields": sorted(rng.sample(["surname", "address", "phone", "iin"], 2))}
        elif action == "case.status":
            details = {"old": "active", "new": "followup"}
        elif action == "case.break_glass":
            details = {
                "flagged": True,
                "expires_at": (at + datetime.timedelta(hours=24)).isoformat(),
            }
        else:
            details = {}
        yield [
            sequence, at, actor_id, username, action, object_type,
            str(number) if object_type else "", code, rng.choice(addresses), path, read, details,
        ]  # fmt: skip


def _row(vendor: str, values: list[Any], prev_hash: str, hash_: str) -> tuple[Any, ...]:
    sequence, at, *middle, read, details = values
    if vendor == "sqlite":
        # As Django stores them: naive UTC text, and JSON text.
        at = at.replace(tzinfo=None).isoformat(" ")
    return (sequence, at, *middle, read, json.dumps(details), prev_hash, hash_)


def _inserter(connection: Any) -> Any:
    columns = ", ".join(COLUMNS)
    if connection.vendor == "postgresql":

        def copy(rows: list[tuple[Any, ...]]) -> None:
            with connection.cursor() as cursor:
                statement = f"COPY audit_auditevent ({columns}) FROM STDIN"
                with cursor.cursor.copy(statement) as stream:
                    for row in rows:
                        stream.write_row(row)

        return copy
    marks = ", ".join("?" * len(COLUMNS))

    def executemany(rows: list[tuple[Any, ...]]) -> None:
        # The driver's own cursor: Django's wrapper would rewrite every row's placeholders.
        connection.connection.executemany(
            f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    return executemany


if __name__ == "__main__":
    sys.exit(main())
