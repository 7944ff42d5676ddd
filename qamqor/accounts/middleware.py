"""Session limits and the second-factor gate, applied to every request."""

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from qamqor import clock

from .access import needs_second_factor
from .two_factor import has_authenticator, is_verified

STARTED_KEY = "qamqor_session_started"
SEEN_KEY = "qamqor_session_seen"
# Last-seen is written at most this often: a session write per request would make every
# page view a database writer (SQLite lets one write at a time). The idle limit may so
# strike up to this much early.
SEEN_PRECISION = datetime.timedelta(minutes=1)


def redirect_for(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows as a whole page, also from an htmx request
    (which would otherwise swap the page it is sent to into a fragment)."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def return_path(request: HttpRequest) -> str:
    """Where to come back to after an interruption: this page; a GET of it after a POST,
    since what was posted is not kept; for an htmx request, the page it was made from
    (its own address may be a fragment, or answer POST only)."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.current_url_abs_path:
        return str(htmx.current_url_abs_path)
    return request.get_full_path() if request.method == "GET" else request.path


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def start_session_clock(request: HttpRequest) -> None:
    moment = clock.now().timestamp()
    request.session[STARTED_KEY] = moment
    request.session[SEEN_KEY] = moment


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Receiver of user_logged_in (connected in AccountsConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)


class SessionLimitsMiddleware:
    """Ends a session 30 minutes after its last request or 12 hours after sign-in.

    Times come from qamqor.clock, so tests move them by freezing the clock. An ended
    session is flushed (a sign-out) and the user sent to sign in again, with a message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._check(request)
            if ended is not None:
                come_back_to = return_path(request)
                logout(request)
                messages.info(request, ended)
                login = redirect_to_login(come_back_to)
                return redirect_for(request, login["Location"])
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> str | None:
        """Why the session has ended, or None while it lasts (noting this request)."""
        session = request.session
        moment = clock.now()
        if STARTED_KEY not in session:
            # Every sign-in stamps the session (on_logged_in); one without a stamp was
            # not made by a sign-in of this installation.
            return _("Your session has ended. Please sign in again.")
        started = datetime.datetime.fromtimestamp(session[STARTED_KEY], datetime.UTC)
        seen = datetime.datetime.fromtimestamp(session.get(SEEN_KEY, 0), datetime.UTC)
        if moment - started >= settings.SESSION_ABSOLUTE_LIMIT:
            hours = int(settings.SESSION_ABSOLUTE_LIMIT.total_seconds() // 3600)
            return ngettext(
                "A session lasts at most %(hours)d hour. Please sign in again.",
                "A session lasts at most %(hours)d hours. Please sign in again.",
                hours,
            ) % {"hours": hours}
        if moment - seen >= settings.SESSION_IDLE_LIMIT:
            minutes = int(settings.SESSION_IDLE_LIMIT.total_seconds() // 60)
            return ngettext(
                "You were signed out after %(minutes)d minute without activity. "
                "Please sign in again.",
                "You were signed out after %(minutes)d minutes without activity. "
                "Please sign in again.",
                minutes,
            ) % {"minutes": minutes}
        if moment - seen >= SEEN_PRECISION:
            session[SEEN_KEY] = moment.timestamp()
        return None


class SecondFactorMiddleware:
    """Until a user who needs a second factor has given it, only the second-factor
    pages, sign-out, the language switch and static files answer them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not is_verified(user)
            and not self._always_open(request.path)
            and needs_second_factor(user)
        ):
            step = "accounts:second_factor" if has_authenticator(user) else "accounts:enrol"
            return redirect_for(request, with_next(reverse(step), return_path(request)))
        return self.get_response(request)

    @staticmethod
    def _always_open(path: str) -> bool:
        if path.startswith(settings.STATIC_URL):
            return True
        names = ("accounts:second_factor", "accounts:enrol", "logout", "set_language")
        return path in {reverse(name) for name in names}
