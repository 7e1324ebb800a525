from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
]

# JSON errors in the API's format under /api/, Django's pages elsewhere.
handler404 = "config.api_urls.not_found"
handler500 = "config.api_urls.server_error"
