from typing import Any

from django.conf import settings
from django.http import HttpRequest

from qamqor.accounts.notifications import unread_count


def qamqor(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = unread_count(user)
    return context
