from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "qamqor.assessments"
    label = "assessments"
