from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("standards/", views.standard_list, name="standards"),
    # Fixed segments before the standard's code, which they would otherwise match.
    path("standards/import/", views.standards_import, name="standards_import"),
    path("standards/catalogue/", views.catalogue, name="catalogue"),
    path(
        "standards/catalogue/<slug:catalogue_kind>/<slug:entry_code>/",
        views.catalogue_entry,
        name="catalogue_entry",
    ),
    path("standards/<slug:standard_code>/", views.standard_detail, name="standard_detail"),
    path(
        "standards/<slug:standard_code>/new-version/",
        views.standard_new_version,
        name="standard_new_version",
    ),
    path("agency/services/", views.agency_offers, name="agency_offers"),
    path("services/providers/", views.providers, name="providers"),
]
