from django.urls import path

from . import staff_views

app_name = "staff"
urlpatterns = [
    path("", staff_views.member_list, name="list"),
    path("new/", staff_views.member_create, name="create"),
    path("<int:user_id>/", staff_views.member_detail, name="detail"),
    path("<int:user_id>/roles/", staff_views.role_add, name="add_role"),
    path(
        "<int:user_id>/roles/<int:membership_id>/end/",
        staff_views.membership_end,
        name="end_membership",
    ),
    path("<int:user_id>/deactivate/", staff_views.member_deactivate, name="deactivate"),
    path(
        "<int:user_id>/second-factor/reset/",
        staff_views.second_factor_reset,
        name="reset_second_factor",
    ),
]
