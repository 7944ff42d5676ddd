from django.urls import include, path
from django.views.i18n import set_language

from qamqor.accounts.notifications import notification_list

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("qamqor.web.urls")),
    path("account/", include("qamqor.accounts.urls")),
    path("cases/", include("qamqor.assessments.urls")),
    path("cases/", include("qamqor.cases.urls")),
    path("cases/", include("qamqor.protection.urls")),
    path("", include("qamqor.facilities.urls")),
    path("", include("qamqor.plans.urls")),
    path("", include("qamqor.referrals.urls")),
    path("", include("qamqor.services.urls")),
    path("notifications/", notification_list, name="notifications"),
    path("audit/", include("qamqor.audit.urls")),
    path("staff/", include("qamqor.accounts.staff_urls")),
]
