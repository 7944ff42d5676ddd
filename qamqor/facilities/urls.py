from django.urls import path

from . import views

app_name = "facilities"
urlpatterns = [
    path("cases/<str:code>/placement/", views.placement_page, name="placement"),
    path("cases/<str:code>/placement/admit/", views.admit, name="admit"),
    path("cases/<str:code>/placement/discharge/", views.discharge, name="discharge"),
    path("cases/<str:code>/placement/transfer/", views.transfer, name="transfer"),
    path("facilities/free/", views.free_places_page, name="free"),
]
