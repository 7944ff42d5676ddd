from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "qamqor.protection"
    label = "protection"
