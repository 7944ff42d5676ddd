"""The address and path of the request being served, for the audit log.

Set by middleware for the duration of one request; empty for commands and tasks.
"""

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_facts: ContextVar[tuple[str | None, str]] = ContextVar(
    "qamqor_request_facts", default=(None, "")
)


def current_request_facts() -> tuple[str | None, str]:
    return _request_facts.get()


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_facts.set((request.META.get("REMOTE_ADDR"), request.path[:300]))
        try:
            return self.get_response(request)
        finally:
            _request_facts.reset(token)
