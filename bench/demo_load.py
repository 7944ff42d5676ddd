"""Time the demo data load: `python bench/demo_load.py --persons 100000`.

On SQLite (the default) it works in a fresh temporary data directory, removed afterwards
unless --keep or --data-dir is given. On PostgreSQL set QAMQOR_DATABASE_URL to an empty
database made for the purpose (`createdb qamqor_bench`): the script refuses to run on a
database that holds any table, so that a benchmark never writes into a real one.

It prints the figures and, last, one JSON line with them.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reference import reference_seconds  # noqa: E402 - bench/reference.py


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--data-dir", help="data directory to use (kept); default: a fresh one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    if args.persons < 1:
        parser.error("--persons must be a positive integer")

    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="qamqor-bench-"))
    os.environ["QAMQOR_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "qamqor.settings"
    try:
        return run(args.persons, args.seed)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif temporary:
            print(f"data directory kept: {data_dir}")


def run(persons: int, seed: int | None) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from qamqor.demo import generator

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
    summary = generator.load(persons, seed=generator.DEFAULT_SEED if seed is None else seed)
    seconds = time.perf_counter() - started
    assert summary is not None  # a fresh database holds no demo set

    counts = {
        "persons": summary.persons,
        "cases": summary.cases,
        "incidents": summary.incidents,
        "notes": summary.notes,
        "name_keys": summary.name_keys,
        "placements": summary.placements,
        "assessments": summary.assessments,
        "decisions": summary.decisions,
        "protective_measures": summary.measures,
        "service_plans": summary.plans,
        "goals": summary.goals,
        "planned_services": summary.planned_services,
        "extensions": summary.extensions,
        "deliveries": summary.deliveries,
        "closure_requests": summary.closure_requests,
    }
    figures = {
        "benchmark": "demo_load",
        "database": connection.vendor,
        **counts,
        "seconds": round(seconds, 2),
        "persons_per_second": round(summary.persons / seconds, 1),
    }
    print(f"{'database':<20}{figures['database']}")
    for name, count in counts.items():
        print(f"{name.replace('_', ' '):<20}{count}")
    print(f"{'seconds':<20}{seconds:.1f}")
    print(f"{'persons per second':<20}{figures['persons_per_second']}")
    figures["reference_seconds"] = reference_seconds()
    print(f"{'machine reference':<20}{figures['reference_seconds']} s (bench/reference.py)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
