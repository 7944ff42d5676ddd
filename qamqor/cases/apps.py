from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "qamqor.cases"
    label = "cases"
