"""The consent pages of a case (names `consent_*` in the "referrals" namespace)."""

from django.urls import path

from . import consent_views

urlpatterns = [
    path("cases/<str:code>/consents/", consent_views.consent_list, name="consent_list"),
    path(
        "cases/<str:code>/consents/<int:consent_id>/withdraw/",
        consent_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "cases/<str:code>/consents/<int:consent_id>/form/",
        consent_views.consent_form,
        name="consent_form",
    ),
]
