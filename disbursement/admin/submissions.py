"""Files received (báo cáo nhận được) and, per date, who has reported and who has not."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from disbursement.admin.display import money, percent
from disbursement.figures.coverage import CARRIED, NOT_REPORTED, coverage
from disbursement.models import Snapshot, Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["as_of", "sender", "file_name", "covers", "units", "states_city", "imported_by", "imported_at"]
    list_filter = ["year", "states_city", "streams"]
    search_fields = ["file_name", "sender", "note"]
    date_hierarchy = "as_of"
    list_select_related = ["imported_by"]
    fields = [
        "year",
        "as_of",
        "sender",
        "file_name",
        "content_hash",
        "covers",
        "units",
        "states_city",
        "imported_by",
        "imported_at",
        "snapshot",
        "coverage_link",
        "note",
    ]
    readonly_fields = [f for f in fields if f != "note"]

    def has_add_permission(self, request):
        # Submissions come from imports only.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("streams")

    @admin.display(description="Phạm vi")
    def covers(self, obj):
        parts = [s.name for s in obj.streams.all()]
        if obj.states_city:
            parts.append("số liệu toàn thành phố")
        return "; ".join(parts) or "–"

    @admin.display(description="Tình trạng báo cáo của ngày")
    def coverage_link(self, obj):
        current = Snapshot.objects.current().filter(year=obj.year, as_of=obj.as_of).first()
        if current is None:
            return "–"
        url = reverse("admin:disbursement_submission_coverage", args=[current.pk])
        return format_html('<a href="{}">Xem ai đã báo cáo, ai chưa</a>', url)

    def get_urls(self):
        own = [
            path(
                "coverage/<int:snapshot_id>/",
                self.admin_site.admin_view(self.coverage_view),
                name="disbursement_submission_coverage",
            )
        ]
        return own + super().get_urls()

    def coverage_view(self, request, snapshot_id: int):
        if not request.user.has_perm("disbursement.view_snapshot"):
            raise PermissionDenied
        snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
        data = coverage(snapshot)
        streams = [
            {
                "stream": item.stream,
                "reported": item.reported,
                "carried": item.carried,
                "not_reported": item.not_reported,
                "total": len(item.units),
                "units": [
                    {
                        "name": unit.figure.unit.display_name
                        if hasattr(unit.figure.unit, "display_name")
                        else str(unit.figure.unit),
                        "status": unit.status,
                        "status_text": unit.status_text,
                        "reported_on": unit.figure.reported_on,
                        "disbursed": money(unit.figure.disbursed) if unit.status != NOT_REPORTED else "chưa báo cáo",
                        "ratio": percent(unit.figure.ratio),
                        "file": unit.submission.file_name if unit.submission else "",
                        "sender": unit.submission.sender if unit.submission else "",
                        "imported_at": timezone.localtime(unit.submission.imported_at) if unit.submission else None,
                        "late": unit.status in (CARRIED, NOT_REPORTED),
                    }
                    for unit in item.units
                ],
            }
            for item in data.streams
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Tình trạng báo cáo – {snapshot}",
            "snapshot": snapshot,
            "coverage": data,
            "streams": streams,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/disbursement/coverage.html", context)
