from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qamqor.audit"
    label = "audit"

    def ready(self) -> None:
        from . import signals

        signals.connect()
