"""The referral pages of a case (names `referral_*`, `detail` and `case_referrals` in the
"referrals" namespace)."""

from django.urls import path

from . import referral_views as views

ONE = "cases/<str:code>/referrals/<int:referral_id>/"

urlpatterns = [
    path("cases/<str:code>/referrals/", views.case_referrals, name="case_referrals"),
    path(ONE, views.referral_detail, name="detail"),
    path(f"{ONE}accept/", views.referral_accept, name="referral_accept"),
    path(f"{ONE}decline/", views.referral_decline, name="referral_decline"),
    path(f"{ONE}start/", views.referral_start, name="referral_start"),
    path(f"{ONE}complete/", views.referral_complete, name="referral_complete"),
    path(f"{ONE}revoke/", views.referral_revoke, name="referral_revoke"),
    path(f"{ONE}deliveries/", views.referral_delivery, name="referral_delivery"),
]
