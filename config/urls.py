from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config import health
from disbursement.followup.views import explanation_form

urlpatterns = [
    # The service has no public site: its address leads to the staff's home page.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    # For load balancers and monitoring: no login, nothing but the state of the service (config/health.py).
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    # The explanation form a unit reaches from its emailed, signed link: no account (disbursement/followup/views.py).
    path("giai-trinh/<str:token>/", explanation_form, name="explanation-form"),
]

# JSON errors in the API's format under /api/, Django's pages elsewhere.
handler404 = "config.api_urls.not_found"
handler500 = "config.api_urls.server_error"
