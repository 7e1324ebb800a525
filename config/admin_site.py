"""The admin site, kept outside the apps' admin modules, which register on it as they load.

Its home page is the staff's week (disbursement.home.selectors); its app list leaves out the
scheduler's solar and clocked schedules, which the service never uses.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

# Models of installed apps that the service does not use, kept out of the home page and the side menu.
HIDDEN_MODELS = {("django_celery_beat", "SolarSchedule"), ("django_celery_beat", "ClockedSchedule")}


class SiteAdmin(admin.AdminSite):
    site_header = "Theo dõi giải ngân vốn đầu tư công"
    site_title = "Giải ngân vốn đầu tư công"
    index_title = "Công việc trong tuần"
    # The service has no public site: the link "Xem trang web" would lead nowhere ("/" leads here).
    site_url = None
    index_template = "admin/index.html"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["models"] = [m for m in app["models"] if (app["app_label"], m["object_name"]) not in HIDDEN_MODELS]
        return [app for app in apps if app["models"]]

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        # Imported when the page is asked for: the site is made while the apps' admin modules load.
        from disbursement.home.selectors import home

        context = dict(extra_context or {})
        if request.user.has_perm("disbursement.view_snapshot"):
            context["home"] = home()
        return super().index(request, context)
