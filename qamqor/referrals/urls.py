"""The referral mechanism's pages: consents, referrals, the inbox, case transfers."""

from django.urls import include, path

from . import consent_urls, inbox_urls, referral_urls, transfer_urls

app_name = "referrals"
urlpatterns = [
    path("", include(consent_urls)),
    path("", include(referral_urls)),
    path("", include(inbox_urls)),
    path("", include(transfer_urls)),
]
