from django.urls import path

from . import closure_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/person/", views.person_edit, name="person_edit"),
    path("<str:code>/documents/", views.document_add, name="document_add"),
    path("<str:code>/incidents/new/", views.incident_add, name="incident_add"),
    path("<str:code>/notes/", views.note_add, name="note_add"),
    path("<str:code>/status/", views.status_change, name="status_change"),
    path("<str:code>/assignments/", views.assignment_change, name="assignment_change"),
    path("<str:code>/closure/", closure_views.closure_request, name="closure_request"),
    path("<str:code>/closure/approve/", closure_views.closure_approve, name="closure_approve"),
    path("<str:code>/closure/refuse/", closure_views.closure_refuse, name="closure_refuse"),
    path("<str:code>/closure/withdraw/", closure_views.closure_withdraw, name="closure_withdraw"),
]
