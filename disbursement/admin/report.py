"""Admin of the report: its wording, the banding of units, and the draft for a snapshot."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from disbursement.models import BandConfig, ReportTemplate, Snapshot
from disbursement.report import wording
from disbursement.report.rendering import TemplateError
from disbursement.report.services import ReportError, draft_report, render_docx
from disbursement.snapshots.selectors import latest_snapshot

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["section", "stream", "title", "updated_at"]
    list_filter = ["section", "stream"]
    change_list_template = "admin/report/reporttemplate_change_list.html"
    fieldsets = [
        (None, {"fields": ["section", "stream", "title", "body", "note"]}),
        ("Các biến dùng được trong mẫu", {"fields": [], "description": linebreaksbr(wording.__doc__)}),
    ]

    def get_urls(self):
        urls = [
            path("draft/", self.admin_site.admin_view(self.draft_view), name="disbursement_report_draft"),
            path(
                "draft/<int:snapshot_id>/docx/",
                self.admin_site.admin_view(self.docx_view),
                name="disbursement_report_draft_docx",
            ),
        ]
        return urls + super().get_urls()

    def draft_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        snapshots = Snapshot.objects.current().order_by("-as_of")
        chosen = request.GET.get("snapshot")
        snapshot = get_object_or_404(Snapshot, pk=chosen) if chosen and chosen.isdigit() else latest_snapshot()
        draft = None
        if snapshot is not None:
            try:
                draft = draft_report(snapshot.id)
            except (ReportError, TemplateError) as exc:
                messages.error(request, str(exc))
        context = {
            **self.admin_site.each_context(request),
            "title": "Dự thảo báo cáo tình hình giải ngân",
            "opts": self.model._meta,
            "snapshots": snapshots,
            "snapshot": snapshot,
            "draft": draft,
            # Draft.html escapes every figure and word it writes.
            "draft_html": mark_safe(draft.html) if draft else "",
            "docx_url": (
                reverse("admin:disbursement_report_draft_docx", args=[snapshot.id]) if draft and snapshot else ""
            ),
        }
        return TemplateResponse(request, "admin/report/draft.html", context)

    def docx_view(self, request: HttpRequest, snapshot_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
        try:
            draft = draft_report(snapshot.id)
        except (ReportError, TemplateError) as exc:
            return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        response = HttpResponse(render_docx(draft), content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="du-thao-bao-cao-{snapshot.as_of:%Y-%m-%d}.docx"'
        return response


@admin.register(BandConfig)
class BandConfigAdmin(SimpleHistoryAdmin):
    list_display = ["stream", "year", "limits", "order", "amount_unit", "ratio_places"]
    list_filter = ["year", "stream"]
