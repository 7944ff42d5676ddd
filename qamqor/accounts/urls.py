from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/setup/", views.enrol, name="enrol"),
    path("reauthenticate/", views.reauthenticate, name="reauthenticate"),
]
