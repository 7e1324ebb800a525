"""Snapshots, with the staff pages hung on them: rankings, unit history, import, change log."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.presentation import PARTIAL
from disbursement.admin import audit, imports, master_data, rankings
from disbursement.admin.display import city_percent, money, year
from disbursement.figures.selectors import city_figure, stream_figures
from disbursement.models import CityDisbursement, Snapshot


class CityDisbursementInline(admin.TabularInline):
    model = CityDisbursement
    extra = 0
    fields = ["source", "disbursed_ty"]
    readonly_fields = ["source", "disbursed_ty"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Lũy kế giải ngân (tỷ đồng)")
    def disbursed_ty(self, obj):
        return money(obj.disbursed)


@admin.register(Snapshot)
class SnapshotAdmin(SimpleHistoryAdmin):
    list_display = [
        "as_of",
        year,
        "is_current",
        "is_estimate",
        "city_ratio",
        "rankings_links",
        "file_name",
        "imported_by",
        "imported_at",
    ]
    list_filter = ["year", "is_current", "is_estimate"]
    search_fields = ["file_name", "note"]
    date_hierarchy = "as_of"
    list_select_related = ["imported_by"]
    readonly_fields = [
        "plan_year",
        "as_of",
        "is_current",
        "superseded_by",
        "superseded_at",
        "file_name",
        "content_hash",
        "imported_by",
        "imported_at",
        "computed_at",
        "rankings_links",
    ]
    fields = [*readonly_fields[:-1], "is_estimate", "note", "rankings_links"]
    inlines = [CityDisbursementInline]

    @admin.display(description="Năm kế hoạch")
    def plan_year(self, obj):
        return str(obj.year)

    def has_add_permission(self, request):
        # Snapshots come from imports only.
        return False

    def has_delete_permission(self, request, obj=None):
        # Every version is kept, and later versions of a date read the lines and figures of earlier ones.
        return False

    @admin.display(description="Tỷ lệ toàn thành phố")
    def city_ratio(self, obj):
        figure = city_figure(obj)
        text = city_percent(figure.ratio if figure else None)
        # A sum of the reports received is not the city's figure: say so beside it.
        return f"{text} ({PARTIAL})" if figure is not None and figure.is_partial else text

    @admin.display(description="Xếp hạng")
    def rankings_links(self, obj):
        links = [
            (reverse("admin:disbursement_snapshot_rankings", args=[obj.pk, f.stream.code]), f.stream.name)
            for f in stream_figures(obj)
        ]
        if not links:
            return "Chưa tính"
        return format_html_join(" · ", '<a href="{}" class="rankings-link">{}</a>', links) or format_html("")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:snapshot_id>/rankings/",
                wrap(lambda request, snapshot_id: rankings.rankings_view(self, request, snapshot_id)),
                name="disbursement_snapshot_rankings_default",
            ),
            path(
                "<int:snapshot_id>/rankings/<slug:stream_code>/",
                wrap(
                    lambda request, snapshot_id, stream_code: rankings.rankings_view(
                        self, request, snapshot_id, stream_code
                    )
                ),
                name="disbursement_snapshot_rankings",
            ),
            path(
                "<int:snapshot_id>/rankings/<slug:stream_code>/export.<str:extension>",
                wrap(
                    lambda request, snapshot_id, stream_code, extension: rankings.rankings_export_view(
                        self, request, snapshot_id, stream_code, extension
                    )
                ),
                name="disbursement_snapshot_rankings_export",
            ),
            path(
                "history/<slug:stream_code>/<slug:kind>/<int:unit_id>/export.<str:extension>",
                wrap(
                    lambda request, stream_code, kind, unit_id, extension: rankings.unit_history_export_view(
                        self, request, stream_code, kind, unit_id, extension
                    )
                ),
                name="disbursement_snapshot_unit_history_export",
            ),
            path(
                "history/<slug:stream_code>/<slug:kind>/<int:unit_id>/",
                wrap(
                    lambda request, stream_code, kind, unit_id: rankings.unit_history_view(
                        self, request, stream_code, kind, unit_id
                    )
                ),
                name="disbursement_snapshot_unit_history",
            ),
            path(
                "import/", wrap(lambda request: imports.upload_view(self, request)), name="disbursement_snapshot_import"
            ),
            path(
                "import/<int:job_id>/",
                wrap(lambda request, job_id: imports.job_view(self, request, job_id)),
                name="disbursement_snapshot_import_job",
            ),
            path(
                "import/<int:job_id>/units/",
                wrap(lambda request, job_id: imports.unit_search_view(self, request, job_id)),
                name="disbursement_snapshot_import_units",
            ),
            path(
                "import/<int:job_id>/confirm/",
                wrap(lambda request, job_id: imports.confirm_view(self, request, job_id)),
                name="disbursement_snapshot_import_confirm",
            ),
            path("audit/", wrap(lambda request: audit.audit_view(self, request)), name="disbursement_audit_log"),
            path(
                "master-data/",
                wrap(lambda request: master_data.master_data_view(self, request)),
                name="disbursement_master_data",
            ),
        ]
        return own + super().get_urls()
