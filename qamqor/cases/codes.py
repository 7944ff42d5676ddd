"""Case codes: region, year, sequence (ALA-2026-000123). They carry no personal data."""

from django.db import transaction

from qamqor.accounts.models import Region

from .models import CaseCounter


def next_case_code(region: Region, year: int) -> str:
    """Take the next number for this region and year; call inside the case's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_case_code must run inside the transaction that uses the code")
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(region=region, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{region.case_prefix}-{year}-{counter.last_number:06d}"
