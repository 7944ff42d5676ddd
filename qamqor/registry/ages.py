"""Ages and the age bands shown where a full date of birth must not be."""

import datetime

from django.utils.translation import gettext as _

# CTDC age bands, so that figures compare with the international data set.
AGE_BANDS = [(0, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38), (39, 47)]


def years_between(start: datetime.date, end: datetime.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)


def age_band(age: int | None) -> str:
    if age is None:
        return _("age unknown")
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "48+"
