from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qamqor.cases"
    label = "cases"

    def ready(self) -> None:
        from .lookups import register

        register()
