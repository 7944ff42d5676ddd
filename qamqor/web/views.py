"""Home page, sign-in and sign-out."""

import datetime

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qamqor.accounts.access import active_memberships
from qamqor.accounts.models import User
from qamqor.cases.access import visible_cases
from qamqor.cases.models import CLOSED_STATUSES
from qamqor.clock import today

NEW_CASE_DAYS = 14
HOME_LIST_LENGTH = 10


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    cases = visible_cases(user).select_related("person", "region")
    my_open = (
        cases.filter(assignments__user=user)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-updated_at", "-id")[:HOME_LIST_LENGTH]
    )
    since = today() - datetime.timedelta(days=NEW_CASE_DAYS)
    new_in_agency = cases.filter(opened_on__gte=since).order_by("-opened_on", "-id")[
        :HOME_LIST_LENGTH
    ]
    context = {
        "my_open": list(my_open),
        "new_in_agency": list(new_in_agency),
        "memberships": active_memberships(user),
        "new_case_days": NEW_CASE_DAYS,
        "today": today(),
    }
    return render(request, "web/home.html", context)


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
