"""Sign-in, sign-out and lock-out events, from Django's and django-axes's signals.

Connected in AuditConfig.ready. Each event is written in a transaction of its own: a
sign-in is not part of any change, and a failed one must stay on record.
"""

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.http import HttpRequest

from .events import append_event, record_access

LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
LOCKED_OUT = "auth.locked_out"


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="qamqor.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="qamqor.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="qamqor.audit.login_failed")
    # axes.signals imports axes's models and connects axes's own handlers, so it may be
    # imported only where axes is an installed app.
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="qamqor.audit.locked_out")


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_access(user, LOGIN, user)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:  # signing out without a session still sends the signal
        record_access(user, LOGOUT, user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has masked the password in `credentials` already; only the username is kept.
    _record_claim(LOGIN_FAILED, credentials.get(get_user_model().USERNAME_FIELD))


def on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    _record_claim(LOCKED_OUT, username)


def _record_claim(action: str, username: Any) -> None:
    """An event about a username someone typed, which may belong to nobody."""
    claimed = str(username or "").replace("\x00", "")
    with transaction.atomic():
        append_event(actor=None, actor_username=claimed, action=action, details={})
