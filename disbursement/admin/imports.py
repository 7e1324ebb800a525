"""Import of a workbook from the admin: upload, preview with errors and warnings, confirm.

The importer does the work (disbursement.importing.services); these views only
hand it the file and show the job.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core.notation import format_count, format_number
from disbursement.importing import jobs
from disbursement.models import ImportJob

IMPORT_PERMISSION = "disbursement.add_snapshot"

STATUS_LABELS = {
    "pending": "Đang chờ xử lý",
    "parsing": "Đang đọc tệp",
    "needs_confirmation": "Chờ xác nhận",
    "importing": "Đang ghi số liệu",
    "done": "Đã nhập xong",
    "failed": "Không nhập được",
    "duplicate": "Tệp đã được nhập trước đây",
}
RUNNING = {"pending", "parsing", "importing"}
REFRESH_SECONDS = 2


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel số liệu giải ngân",
        help_text="Tệp .xlsx của Kho bạc hoặc của các chủ đầu tư.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    as_of = forms.DateField(
        label="Số liệu đến hết ngày",
        required=False,
        help_text="Để trống để đọc ngày trong tiêu đề của tệp. Nhập theo dạng ngày/tháng/năm.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xlsx"):
            raise ValidationError("Chỉ nhận tệp Excel .xlsx.")
        return uploaded


def _check(request) -> None:
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied


def _context(model_admin, request, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        # Wide tables and charts: no side menu on these pages.
        "is_nav_sidebar_enabled": False,
        "opts": model_admin.model._meta,
        **extra,
    }


def upload_view(model_admin, request):
    _check(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            job = jobs.create_import_job(
                uploaded, user=request.user, file_name=uploaded.name, as_of=form.cleaned_data["as_of"]
            )
        except (ValidationError, ValueError) as exc:
            form.add_error("file", "; ".join(getattr(exc, "messages", None) or [str(exc)]))
        else:
            return redirect("admin:disbursement_snapshot_import_job", job.pk)
    return TemplateResponse(
        request,
        "admin/disbursement/import_upload.html",
        _context(
            model_admin,
            request,
            title="Nhập tệp số liệu giải ngân",
            form=form,
            recent_jobs=_recent_jobs(),
        ),
    )


def _recent_jobs() -> list:
    return [_job_summary(job) for job in ImportJob.objects.order_by("-pk")[:10]]


def _job_summary(job: ImportJob) -> dict:
    return {
        "job": job,
        "url": reverse("admin:disbursement_snapshot_import_job", args=[job.pk]),
        "status": job.status,
        "status_label": STATUS_LABELS.get(job.status, job.status),
        "file_name": job.file_name,
        "errors": format_number(len(job.errors)),
        "warnings": format_number(len(job.warnings)),
    }


def _progress(job: ImportJob) -> dict:
    read, total = job.rows_read, job.rows_total
    percent = int(read * 100 / total) if total else (100 if job.status not in RUNNING else 0)
    return {
        "read": format_number(read),
        "total": format_number(total) if total else "?",
        "percent": min(percent, 100),
    }


def _issues(items) -> list[dict]:
    rows = []
    for item in items or []:
        if isinstance(item, dict):
            rows.append(
                {key: item.get(key, "") for key in ("file", "sheet", "row", "column", "cell", "code", "message")}
            )
        else:
            rows.append({"message": str(item)})
    return rows


def _preview(job) -> dict | None:
    """The importer's preview: a list of rows (dicts) or a dict of totals, shown as a table."""
    preview = getattr(job, "preview", None)
    if not preview:
        return None
    if isinstance(preview, dict):
        return {"columns": ["Mục", "Giá trị"], "rows": [[key, value] for key, value in preview.items()]}
    if isinstance(preview, list) and preview and isinstance(preview[0], dict):
        columns = list(preview[0].keys())
        return {"columns": columns, "rows": [[row.get(c, "") for c in columns] for row in preview]}
    return None


def job_view(model_admin, request, job_id: int):
    _check(request)
    job = get_object_or_404(ImportJob, pk=job_id)
    summary = _job_summary(job)
    errors, warnings = _issues(job.errors), _issues(job.warnings)
    snapshot = job.snapshot
    running = job.status in RUNNING
    return TemplateResponse(
        request,
        "admin/disbursement/import_job.html",
        _context(
            model_admin,
            request,
            title=f"Nhập tệp: {summary['file_name']}",
            job=job,
            summary=summary,
            running=running,
            refresh_seconds=REFRESH_SECONDS,
            progress=_progress(job),
            errors=errors,
            warnings=warnings,
            error_count=format_count(len(errors)),
            warning_count=format_count(len(warnings)),
            preview=_preview(job),
            can_confirm=job.status == "needs_confirmation" and not errors,
            snapshot=snapshot,
            snapshot_url=reverse("admin:disbursement_snapshot_rankings_default", args=[snapshot.pk])
            if snapshot
            else "",
        ),
    )


def confirm_view(model_admin, request, job_id: int):
    _check(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        jobs.confirm_import_job(job_id, request.user)
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        messages.success(request, "Đã xác nhận nhập số liệu.")
    return redirect("admin:disbursement_snapshot_import_job", job_id)
