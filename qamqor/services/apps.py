from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "qamqor.services"
    label = "services"
