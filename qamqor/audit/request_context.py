"""The address and path of the request being served, for the audit log.

Set by middleware for the duration of one request; empty for commands and tasks.
"""

import ipaddress
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
        token = _request_facts.set((_address(request), _path(request)))
        try:
            return self.get_response(request)
        finally:
            _request_facts.reset(token)


def _address(request: HttpRequest) -> str | None:
    # The client as the lock-out counts it (behind the proxy, the address the proxy
    # saw), so that the log and the lock-outs name the same address.
    from qamqor.accounts.lockout import client_address

    # Only a well-formed address is kept: the column is typed, and the chain hashes it.
    address = client_address(request) or ""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _path(request: HttpRequest) -> str:
    # PostgreSQL text cannot hold NUL, which a crafted URL (%00) can put in the path.
    return request.path.replace("\x00", "\ufffd")[:300]
