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

from .events import append_event

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
    _record(LOGIN, user, user.get_username())


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:  # signing out without a session still sends the signal
        _record(LOGOUT, user, user.get_username())


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has masked the password in `credentials` already; only the username is kept.
    _record(LOGIN_FAILED, None, credentials.get(get_user_model().USERNAME_FIELD))


def on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    _record(LOCKED_OUT, None, username)


def _record(action: str, user: Any, username: Any) -> None:
    """An event about a user, or about a username someone typed that may be nobody's.

    Neither a change nor a look at data: not `record` (no change's transaction to join)
    nor `record_access` (which marks reads, the stuff of a case's access history).
    """
    # Typed by a stranger: PostgreSQL text cannot hold NUL.
    claimed = str(username or "").replace("\x00", "")
    with transaction.atomic():
        append_event(actor=user, actor_username=claimed, action=action, obj=user, details={})
