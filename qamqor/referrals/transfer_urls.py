"""The case transfer pages (names `transfer_*` in the "referrals" namespace)."""

from django.urls import path

from . import transfer_views

TRANSFER = "cases/<str:code>/transfer/<int:transfer_id>/"
urlpatterns = [
    path("cases/<str:code>/transfer/", transfer_views.transfer_page, name="transfer_page"),
    path(TRANSFER, transfer_views.transfer_detail, name="transfer_detail"),
    path(f"{TRANSFER}accept/", transfer_views.transfer_accept, name="transfer_accept"),
    path(f"{TRANSFER}decline/", transfer_views.transfer_decline, name="transfer_decline"),
    path(f"{TRANSFER}withdraw/", transfer_views.transfer_withdraw, name="transfer_withdraw"),
    path("referrals/transfers/", transfer_views.transfer_inbox, name="transfer_inbox"),
]
