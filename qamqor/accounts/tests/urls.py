"""The project's pages plus one guarded by re-authentication, for test_reauthentication."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from qamqor.accounts.reauth import require_recent_authentication


@require_recent_authentication
def grave_act(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"done by {request.method}")


urlpatterns = [
    path("grave-act/", grave_act, name="grave_act"),
    path("", include("qamqor.urls")),
]
