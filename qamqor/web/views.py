"""Home page, sign-in and sign-out."""

import datetime

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from qamqor.accounts.access import active_memberships, needs_second_factor
from qamqor.accounts.lockout import clear_failures
from qamqor.accounts.models import User
from qamqor.accounts.reauth import mark_authenticated
from qamqor.accounts.views import second_factor_step
from qamqor.cases.access import visible_cases
from qamqor.cases.models import CLOSED_STATUSES
from qamqor.cases.search import listed
from qamqor.clock import today

from .worklist import my_tasks

NEW_CASE_DAYS = 14
HOME_LIST_LENGTH = 10


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    cases = visible_cases(user)
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
        "worklist": my_tasks(user),
        "my_open": listed(my_open),
        "new_in_agency": listed(new_in_agency),
        "memberships": active_memberships(user),
        "new_case_days": NEW_CASE_DAYS,
        "today": today(),
    }
    return render(request, "web/home.html", context)


class LoginView(auth_views.LoginView):
    """The password step. Django gives the session a new id here; a user whose role
    needs a second factor goes on to it (or to setting it up) before anything else."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user: User = form.get_user()
        response = super().form_valid(form)
        clear_failures(user.get_username())
        if needs_second_factor(user):
            return HttpResponseRedirect(second_factor_step(user, self.get_success_url()))
        mark_authenticated(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    pass
