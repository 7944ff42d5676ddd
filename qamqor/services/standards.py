"""Which standard is in force on a date.

A plan takes `standard_for(category, started_on)` when it starts and keeps that row, so a
version entered later (with a later effective_from) governs only plans started on or
after its date.
"""

import datetime

from django.db.models import Q, QuerySet

from .models import RecipientCategory, Standard


def in_force_on(on_date: datetime.date) -> Q:
    """The condition for standards in force on `on_date` (effective_to is the last day)."""
    return Q(effective_from__lte=on_date) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=on_date)
    )


def standard_for(category: RecipientCategory | str, on_date: datetime.date) -> Standard | None:
    """The standard for `category` (a row or its code) in force on `on_date`, if any.

    The importer refuses overlapping versions, so there is at most one.
    """
    categories = (
        Q(category=category)
        if isinstance(category, RecipientCategory)
        else Q(category__code=category)
    )
    return Standard.objects.filter(categories, in_force_on(on_date)).first()


def standards_in_force(on_date: datetime.date) -> QuerySet[Standard]:
    """Every standard in force on `on_date`, with what a listing shows of it."""
    return (
        Standard.objects.filter(in_force_on(on_date))
        .select_related("category")
        .prefetch_related(
            "required_service_types",
            "required_services",
            "allowed_settings",
            "extension_reasons",
            "limits__time_limit",
        )
    )
