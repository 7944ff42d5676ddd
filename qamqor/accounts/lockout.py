"""Lock-out after repeated failed sign-ins: the pieces django-axes calls back into.

settings.py names these functions in the AXES_* settings.
"""

import datetime
import ipaddress
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qamqor import clock


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    """The lock-out period, measured on qamqor.clock.

    Axes stamps attempts with Django's clock and counts those newer than "now minus
    this period". Shortening the period by however far qamqor.clock stands ahead of
    Django's clock (nothing outside tests) makes a frozen clock move lock-outs too.
    """
    skew = clock.now() - timezone.now()
    return max(settings.LOCKOUT_PERIOD - skew, datetime.timedelta(0))


def client_address(request: HttpRequest) -> str | None:
    """The address a lock-out counts against.

    Behind the reverse proxy every request comes from the proxy; the client is the
    right-most X-Forwarded-For entry, the one the proxy itself appended (entries to its
    left come from the client and can be forged).
    """
    address = request.META.get("REMOTE_ADDR")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    # A malformed header must not reach the database as an address (a 500 at sign-in).
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The lock-out page: when to try again, and nothing about whether the user exists.

    Every attempt during a lock-out starts the period again (axes'
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a full period from now.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Five wrong passwords typed into a signed-in session (re-authentication): maybe
        # not by the person who signed in. The session ends too.
        logout(request)
    until = timezone.localtime(clock.now() + settings.LOCKOUT_PERIOD)
    return render(request, "accounts/locked_out.html", {"until": until}, status=429)


def clear_failures(username: str) -> None:
    """Forget the failed sign-ins against `username`, after the right password.

    Axes' own reset-on-success also forgets every failure from the same address,
    against any user name: one colleague signing in would wipe the count of someone
    guessing at another colleague's password from the same office.
    """
    AxesProxyHandler.reset_attempts(username=username)
