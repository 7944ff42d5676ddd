from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "qamqor.facilities"
    label = "facilities"
