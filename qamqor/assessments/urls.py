from django.urls import path

from . import views

app_name = "assessments"
# Included under cases/ so that the case code is an argument of each pattern.
urlpatterns = [
    path("<str:code>/assessments/", views.assessments_page, name="page"),
    path("<str:code>/assessments/start/", views.assessment_start, name="start"),
    path(
        "<str:code>/assessments/trafficking-decision/",
        views.trafficking_decision,
        name="trafficking_decision",
    ),
    path(
        "<str:code>/assessments/eligibility-decision/",
        views.eligibility_decision,
        name="eligibility_decision",
    ),
    path(
        "<str:code>/assessments/<int:assessment_id>/",
        views.assessment_detail,
        name="detail",
    ),
    path(
        "<str:code>/assessments/<int:assessment_id>/answers/",
        views.answers_save,
        name="answers_save",
    ),
    path(
        "<str:code>/assessments/<int:assessment_id>/complete/",
        views.assessment_complete,
        name="complete",
    ),
    path(
        "<str:code>/assessments/<int:assessment_id>/supersede/",
        views.assessment_supersede,
        name="supersede",
    ),
]
