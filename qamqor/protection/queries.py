"""Protection in force and expiring, computed from dates and the one clock."""

import datetime

from django.db.models import Q, QuerySet

from qamqor.cases.models import Case
from qamqor.clock import today

from .models import ProtectionMeasure

EXPIRY_WARNING_DAYS = 7


def in_force_on(day: datetime.date) -> Q:
    return Q(starts_on__lte=day, ends_on__gte=day)


def measures_in_force(case: Case, on: datetime.date | None = None) -> QuerySet[ProtectionMeasure]:
    """The measures protecting the person of `case` on `on` (today by default)."""
    day = on or today()
    return ProtectionMeasure.objects.filter(in_force_on(day), case=case).order_by("ends_on", "id")


def expiring_within(
    cases: QuerySet[Case],
    days: int = EXPIRY_WARNING_DAYS,
    on: datetime.date | None = None,
) -> QuerySet[ProtectionMeasure]:
    """Measures of `cases` in force on `on` whose last day is at most `days` days later.

    `cases` is a queryset the caller has already filtered by access (`visible_cases`),
    so the whole list is one SQL query.
    """
    day = on or today()
    return (
        ProtectionMeasure.objects.filter(
            in_force_on(day), case__in=cases, ends_on__lte=day + datetime.timedelta(days=days)
        )
        .select_related("case")
        .order_by("ends_on", "id")
    )
