"""Master data from a workbook in the admin: upload, preview every change and error, then confirm.

The file is kept in the session between the preview and the confirmation (master-data files are a
few kilobytes); confirming reads it again and writes all of it or nothing
(disbursement.importing.master_data).
"""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from disbursement.importing.master_data import import_master_data, read_master_data

PERMISSIONS = (
    "districts.add_district",
    "districts.change_district",
    "districts.add_districtsuccession",
    "districts.change_districtsuccession",
    "investors.add_investor",
    "investors.change_investor",
    "investors.add_investorsuccession",
    "investors.change_investorsuccession",
)
SESSION_KEY = "master_data_upload"
MAX_BYTES = 2 * 1024 * 1024


class MasterDataUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel danh mục",
        help_text="Trang 'Đơn vị hành chính', 'Chủ đầu tư', 'Kế thừa' (một, hai hoặc cả ba trang).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xlsx"):
            raise ValidationError("Chỉ nhận tệp Excel .xlsx.")
        if uploaded.size > MAX_BYTES:
            raise ValidationError("Tệp danh mục quá lớn (tối đa 2 MB).")
        return uploaded


def _check(request) -> None:
    if not all(request.user.has_perm(p) for p in PERMISSIONS):
        raise PermissionDenied


def master_data_view(model_admin, request):
    _check(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Nhập danh mục đơn vị hành chính, chủ đầu tư và kế thừa",
    }
    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.get(SESSION_KEY)
        if not stored or stored["sha256"] != request.POST.get("sha256"):
            messages.error(request, "Tệp xem trước không còn; hãy tải tệp lên lại.")
            return redirect(reverse("admin:disbursement_master_data"))
        data = base64.b64decode(stored["data"])
        preview = import_master_data(data, stored["name"], confirm=True, user=request.user)
        if preview.ok:
            del request.session[SESSION_KEY]
            messages.success(request, f"Đã ghi danh mục từ tệp {stored['name']}: {preview.summary}.")
            return redirect(reverse("admin:disbursement_master_data"))
        context.update(form=MasterDataUploadForm(), preview=preview)
        return TemplateResponse(request, "admin/disbursement/master_data.html", context)
    form = MasterDataUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        data = uploaded.read()
        preview = read_master_data(data, uploaded.name)
        sha256 = hashlib.sha256(data).hexdigest()
        if preview.ok:
            request.session[SESSION_KEY] = {
                "name": uploaded.name,
                "sha256": sha256,
                "data": base64.b64encode(data).decode("ascii"),
            }
        context.update(
            preview=preview,
            sha256=sha256,
            changes=[c for c in preview.changes if c.action != "unchanged"],
        )
    context["form"] = form
    return TemplateResponse(request, "admin/disbursement/master_data.html", context)
