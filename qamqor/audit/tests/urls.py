"""The project's URLs with the audit pages, for as long as qamqor/urls.py lacks them."""

from django.urls import include, path

from qamqor.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(pattern, "namespace", None) == "audit" for pattern in urlpatterns):
    urlpatterns.append(path("audit/", include("qamqor.audit.urls")))
