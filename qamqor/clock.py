"""The one clock. Every deadline and timestamp reads it, so tests can freeze time."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    """Today's date in Kazakhstan (the configured TIME_ZONE), not in UTC."""
    return timezone.localdate(now())
