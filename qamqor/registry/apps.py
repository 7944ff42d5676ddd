from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "qamqor.registry"
    label = "registry"
