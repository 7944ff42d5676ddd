"""Case codes: region, year, sequence (ALA-2026-000123). They carry no personal data."""

from collections import Counter

from django.db import transaction

from qamqor.accounts.models import Region

from .models import Case, CaseCounter


def next_case_code(region: Region, year: int) -> str:
    """Take the next number for this region and year; call inside the case's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_code must run inside the transaction that uses the code")
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(region=region, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return format_case_code(region.case_prefix, year, counter.last_number)


def format_case_code(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def assign_case_codes(cases: list[Case], prefixes: dict[int, str]) -> None:
    """Number many new cases at once (bulk loads), one counter update per region and year.

    `prefixes` maps region ids to their case prefixes. The counters end at the highest
    number used, so cases opened later through next_case_code continue the sequence.
    Call inside the transaction that saves the cases.
    """
    needed = Counter((case.region_id, case.opened_on.year) for case in cases)
    counters = {
        (counter.region_id, counter.year): counter
        for counter in CaseCounter.objects.select_for_update().filter(
            region_id__in={region for region, _year in needed},
            year__in={year for _region, year in needed},
        )
    }
    created = [
        CaseCounter(region_id=region, year=year, last_number=0)
        for region, year in sorted(needed)
        if (region, year) not in counters
    ]
    existing = [counters[key] for key in sorted(needed) if key in counters]
    for counter in created:
        counters[(counter.region_id, counter.year)] = counter
    for case in cases:
        counter = counters[(case.region_id, case.opened_on.year)]
        counter.last_number += 1
        case.code = format_case_code(prefixes[case.region_id], counter.year, counter.last_number)
    CaseCounter.objects.bulk_create(created)
    if existing:
        CaseCounter.objects.bulk_update(existing, ["last_number"])
