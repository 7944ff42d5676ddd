"""The inbox, the sent referrals and the referral directory."""

from django.urls import path

from . import inbox_views

urlpatterns = [
    path("referrals/inbox/", inbox_views.inbox, name="inbox"),
    path("referrals/sent/", inbox_views.inbox_sent, name="inbox_sent"),
    path("referrals/directory/", inbox_views.directory, name="directory"),
]
