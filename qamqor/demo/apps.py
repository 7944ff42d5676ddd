from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "qamqor.demo"
    label = "demo"
