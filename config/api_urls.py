"""Version 1 of the REST API: /api/v1/ lists the endpoints; the schema is at /api/v1/schema/, the documentation
at /api/v1/docs/ and /api/v1/redoc/."""

from django.urls import include, path
from django.views import defaults

from disbursement.api.docs import ApiRootView, RedocDocumentationView, SchemaView, SwaggerDocumentationView
from disbursement.api.exceptions import api_not_found, api_server_error

app_name = "api-v1"

urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include("districts.api.urls")),
    path("", include("investors.api.urls")),
    path("", include("disbursement.api.urls")),
    path("schema/", SchemaView.as_view(api_version="v1"), name="schema"),
    path("docs/", SwaggerDocumentationView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", RedocDocumentationView.as_view(url_name="api-v1:schema"), name="redoc"),
]


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return defaults.server_error(request)
