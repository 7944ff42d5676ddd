from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("cases/<str:code>/placement/", views.placement_page, name="placement"),
    path("cases/<str:code>/placement/admit/", views.admit, name="admit"),
    path("cases/<str:code>/placement/discharge/", views.discharge, name="discharge"),
    path("cases/<str:code>/placement/transfer/", views.transfer, name="transfer"),
    path("facilities/free/", views.free_places_page, name="free"),
    path("facilities/", views.facility_list, name="list"),
    path("facilities/new/", views.facility_create, name="create"),
    path("facilities/<int:facility_id>/", views.facility_detail, name="detail"),
    path("facilities/<int:facility_id>/close/", views.facility_close, name="close"),
    path("facilities/<int:facility_id>/reopen/", views.facility_reopen, name="reopen"),
]
