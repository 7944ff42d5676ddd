from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "qamqor.plans"
    label = "plans"
