from django.urls import path

from . import views

app_name = "protection"
# Included under cases/ so that the case code is an argument of each pattern.
urlpatterns = [
    path("<str:code>/protection/", views.protection_page, name="page"),
    path("<str:code>/protection/measures/", views.measure_add, name="measure_add"),
    path("<str:code>/protection/breaches/", views.breach_add, name="breach_add"),
    path("<str:code>/protection/safety-plan/", views.safety_plan_save, name="safety_plan_save"),
]
