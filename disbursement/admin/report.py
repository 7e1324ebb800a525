"""Admin of the report: its wording, the banding of units, and the draft for a snapshot."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from disbursement.models import BandConfig, ReportTemplate, Snapshot
from disbursement.report import docx as docx_module
from disbursement.report import wording
from disbursement.report.docx import LayoutError, layout_path, layout_source
from disbursement.report.rendering import TemplateError
from disbursement.report.services import (
    ReportError,
    draft_report,
    render_docx,
    replace_layout,
    restore_shipped_layout,
)
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
            path("layout/", self.admin_site.admin_view(self.layout_view), name="disbursement_report_layout"),
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
            else:
                for notice in draft.notices:
                    messages.warning(request, notice)
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
        try:
            document = render_docx(draft)
        except LayoutError as exc:
            return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        response = HttpResponse(document, content_type=DOCX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="du-thao-bao-cao-{snapshot.as_of:%Y-%m-%d}.docx"'
        return response

    def layout_view(self, request: HttpRequest) -> HttpResponse:
        """The layout of the official report: which one is used, download it, replace it, go back to the default."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_change = self.has_change_permission(request)
        form = LayoutForm()
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            if "restore" in request.POST:
                restore_shipped_layout()
                messages.success(request, "Đã bỏ mẫu văn bản tải lên; dự thảo dùng lại mẫu mặc định.")
                return HttpResponseRedirect(request.path)
            form = LayoutForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    replace_layout(upload.read(), upload.name)
                except LayoutError as exc:
                    form.add_error("file", str(exc))
                else:
                    messages.success(request, f"Đã dùng tệp {upload.name} làm mẫu văn bản báo cáo.")
                    return HttpResponseRedirect(request.path)
        if request.GET.get("tai") == "1":
            path = layout_path()
            response = HttpResponse(path.read_bytes(), content_type=DOCX_TYPE)
            response["Content-Disposition"] = 'attachment; filename="mau-bao-cao.docx"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": "Mẫu văn bản báo cáo (.docx)",
            "opts": self.model._meta,
            "form": form,
            "may_change": may_change,
            "source": layout_source(),
            "setting_path": settings.REPORT_DOCX_TEMPLATE,
            "variables": linebreaksbr(docx_module.__doc__),
        }
        return TemplateResponse(request, "admin/report/layout.html", context)


class LayoutForm(forms.Form):
    file = forms.FileField(
        label="Tệp mẫu .docx",
        help_text="Một tệp Word có các biến {{ ... }} như mẫu mặc định (tải mẫu đang dùng để sửa).",
    )


class BandConfigForm(forms.ModelForm):
    # The help shown to the staff; the model's own texts stay as its migrations state them.
    class Meta:
        model = BandConfig
        fields = [
            "stream",
            "year",
            "limits",
            "order",
            "average_limit",
            "average_places",
            "ratio_places",
            "amount_unit",
            "amount_places",
            "not_disbursed_sentence",
        ]
        help_texts = {
            "limits": (
                "Phân tách bằng dấu ';', ví dụ '0; 10; 35' hoặc '0; TB'. 'TB' là tỷ lệ giải ngân chung của dòng vốn. "
                "Ngưỡng 0 tách riêng nhóm đơn vị chưa giải ngân (đơn vị chưa báo cáo luôn được liệt kê riêng, "
                "không bao giờ tính là chưa giải ngân). Tỷ lệ bằng ngưỡng được xếp vào nhóm trên."
            ),
            "average_limit": (
                "Cách ghi và áp dụng ngưỡng 'TB'. 'Ghi phần trăm nguyên liền dưới' (mặc định, như các báo cáo đã "
                "ban hành): tỷ lệ chung 35,84% được ghi 'trên 35%' / 'dưới 35%' và đơn vị được xếp nhóm theo đúng "
                "35% đã ghi, nên đơn vị đạt 35,3% nằm trong nhóm 'trên 35%'. 'Ghi đúng tỷ lệ chung': ghi 'trên 35,84%' "
                "và xếp nhóm theo 35,84%, khi đó đơn vị đạt 35,3% nằm trong nhóm dưới."
            ),
            "average_places": (
                "Số chữ số thập phân khi ghi ngưỡng 'TB'. Với cách ghi phần trăm liền dưới: 0 ghi '35%', 1 ghi "
                "'35,8%' (cắt bớt, không làm tròn lên). Với cách ghi đúng tỷ lệ chung: cần ít nhất 1, thường là 2 "
                "('35,84%')."
            ),
            "ratio_places": (
                "Số chữ số thập phân của tỷ lệ từng đơn vị trong danh sách: 1 ghi 'đạt 67,9%', 2 ghi 'đạt 67,92%' "
                "(các báo cáo đã ban hành dùng cả hai cách). Số 0 cuối được bỏ ('đạt 43%')."
            ),
            "amount_unit": "Số tiền của đơn vị và của dòng vốn ghi bằng tỷ đồng hay triệu đồng.",
            "amount_places": (
                "Để trống: 3 chữ số thập phân với tỷ đồng ('183,384 tỷ đồng'), 0 với triệu đồng ('183.384 triệu đồng')."
            ),
            "not_disbursed_sentence": (
                "Đánh dấu: nhóm chưa giải ngân được viết thành một câu với tổng vốn được bố trí, không kể tên từng "
                "đơn vị, ví dụ 'Có 15 chủ đầu tư chưa giải ngân với tổng số vốn được bố trí 476 tỷ đồng'. "
                "Bỏ đánh dấu: kể tên từng đơn vị cùng số vốn được bố trí."
            ),
        }


@admin.register(BandConfig)
class BandConfigAdmin(SimpleHistoryAdmin):
    form = BandConfigForm
    radio_fields = {"average_limit": admin.VERTICAL}
    list_display = ["stream", "year", "limits", "average_limit", "order", "amount_unit", "ratio_places"]
    list_filter = ["year", "stream"]
    fieldsets = [
        (None, {"fields": ["stream", "year", "limits", "order"]}),
        ("Ngưỡng tỷ lệ chung (TB)", {"fields": ["average_limit", "average_places"]}),
        (
            "Cách ghi số liệu trong danh sách",
            {"fields": ["ratio_places", "amount_unit", "amount_places", "not_disbursed_sentence"]},
        ),
    ]
