from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "qamqor.vault"
    label = "vault"
