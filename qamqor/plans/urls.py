from django.urls import path

from . import views

app_name = "plans"
# Included at the root: every pattern carries its full path.
PLAN = "cases/<str:code>/plan/<int:plan_id>/"
urlpatterns = [
    path("cases/<str:code>/plan/", views.plan_page, name="page"),
    path("cases/<str:code>/plan/generate/", views.generate, name="generate"),
    path(PLAN, views.plan_detail, name="detail"),
    path(f"{PLAN}goals/", views.goal_add, name="goal_add"),
    path(f"{PLAN}goals/update/", views.goal_update, name="goal_update"),
    path(f"{PLAN}services/", views.service_add, name="service_add"),
    path(f"{PLAN}services/change/", views.service_change, name="service_change"),
    path(f"{PLAN}services/remove/", views.service_remove, name="service_remove"),
    path(f"{PLAN}review/", views.review_set, name="review_set"),
    path(f"{PLAN}extensions/", views.extend, name="extend"),
    path(f"{PLAN}deliveries/", views.delivery_add, name="delivery_add"),
    path(f"{PLAN}closure/request/", views.closure_request, name="closure_request"),
    path(f"{PLAN}closure/withdraw/", views.closure_withdraw, name="closure_withdraw"),
    path(f"{PLAN}closure/approve/", views.closure_approve, name="closure_approve"),
    path(f"{PLAN}closure/refuse/", views.closure_refuse, name="closure_refuse"),
    path("plans/compliance/", views.compliance_page, name="compliance"),
]
