"""Re-authentication before grave acts (exports, break-glass).

Decorate the view with `require_recent_authentication`: unless the user gave their
password and second factor in the last 5 minutes (at sign-in or on the
re-authentication page), they are sent to /account/reauthenticate/ and, once
confirmed, back to the page. A POST is not replayed: the user comes back to a GET of
the same address and submits again, now within the 5 minutes.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from qamqor import clock

from .middleware import redirect_for, return_path, with_next

AUTHENTICATED_AT_KEY = "qamqor_authenticated_at"
RECENT = datetime.timedelta(minutes=5)

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def mark_authenticated(request: HttpRequest) -> None:
    """Note that the user has just proven who they are (sign-in or re-authentication)."""
    request.session[AUTHENTICATED_AT_KEY] = clock.now().timestamp()


def authenticated_recently(request: HttpRequest) -> bool:
    stamp = request.session.get(AUTHENTICATED_AT_KEY)
    if stamp is None:
        return False
    elapsed = clock.now() - datetime.datetime.fromtimestamp(stamp, datetime.UTC)
    return datetime.timedelta(0) <= elapsed <= RECENT


def require_recent_authentication(view: View) -> View:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(return_path(request))
        if authenticated_recently(request):
            return view(request, *args, **kwargs)
        url = with_next(reverse("accounts:reauthenticate"), return_path(request))
        return redirect_for(request, url)

    return cast(View, guarded)
