from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "qamqor.web"
    label = "web"
