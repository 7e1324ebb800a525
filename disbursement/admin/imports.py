"""Import of a workbook from the admin: upload, preview, resolve unknown names, confirm item by item.

The importer does the work (disbursement.importing.jobs); these views only
hand it the file and the person's decisions, and show the job: what the file
replaces, unit by unit old -> new, the figures to confirm (one checkbox each)
and the unknown names with their resolution form.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from core.notation import format_count, format_number, format_report_date
from disbursement.importing import jobs
from disbursement.importing.preview import change_rows
from disbursement.models import ImportJob
from districts.models import District
from districts.selectors import search_districts
from investors.models import Investor
from investors.selectors import search_investors

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
# The job page lists at most this many errors, warnings and units missing from the file, then "và N ... khác".
SHOWN_ISSUES = 100
# Unknown names with their resolution form on one page; the next ones show once these are resolved.
SHOWN_UNKNOWN_NAMES = 20


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
    sender = forms.CharField(
        label="Đơn vị gửi",
        required=False,
        max_length=300,
        help_text="Ví dụ: Kho bạc Nhà nước, Phòng Ngân sách. Để trống để dùng đơn vị ghi ở tiêu đề của tệp.",
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
                uploaded,
                user=request.user,
                file_name=uploaded.name,
                as_of=form.cleaned_data["as_of"],
                sender=form.cleaned_data["sender"],
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
    counts = jobs.issue_counts(job)
    return {
        "job": job,
        "url": reverse("admin:disbursement_snapshot_import_job", args=[job.pk]),
        "status": job.status,
        "status_label": STATUS_LABELS.get(job.status, job.status),
        "file_name": job.file_name,
        "errors": format_number(counts["errors"]),
        "warnings": format_number(counts["warnings"]),
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
            keys = ("file", "sheet", "row", "column", "cell", "code", "message")
            rows.append({key: "" if item.get(key) is None else item[key] for key in keys})
        else:
            rows.append({"message": str(item)})
    return rows


def _more(total: int, shown: int) -> str:
    """The number not shown, in Vietnamese notation; '' when everything is shown."""
    return format_number(total - shown) if total > shown else ""


def _preview(job: ImportJob) -> dict | None:
    """What the file replaces and changes, as the importer's summary says it, in Vietnamese notation."""
    summary = job.summary or {}
    if "replaces" not in summary:
        return None
    as_of = summary.get("as_of")
    changes = change_rows(summary)
    total = summary.get("changes_total") or 0
    counts = [
        ("units-replaced", "đơn vị thay số liệu", summary.get("units_replaced", 0)),
        ("units-new", "đơn vị mới trong ngày", summary.get("units_new_on_date", 0)),
        ("units-unchanged", "đơn vị không đổi", summary.get("units_unchanged", 0)),
        ("units-kept", "đơn vị ngoài tệp giữ nguyên", summary.get("units_kept", 0)),
    ]
    scope = summary.get("scope") or {}
    missing = (summary.get("missing_units") or [])[:SHOWN_ISSUES]
    missing_total = jobs.issue_counts(job)["missing_units"]
    return {
        "replaces": summary["replaces"],
        "as_of": format_report_date(dt.date.fromisoformat(as_of), padded=True) if as_of else "",
        "superseded": summary.get("superseded_snapshot_text") or "",
        "streams": scope.get("streams", []),
        "replaces_city": summary.get("replaces_city", False),
        "counts": [{"id": key, "label": label, "value": format_number(value)} for key, label, value in counts],
        "changes": changes,
        "changes_total": format_number(total),
        "changes_more": format_number(total - len(changes)) if total > len(changes) else "",
        "missing_units": missing,
        "missing_count": format_count(missing_total),
        "missing_more": _more(missing_total, len(missing)),
    }


def _to_confirm(job: ImportJob) -> list[dict]:
    accepted = set(job.accepted or ())
    return [
        {**_issues([item])[0], "key": item.get("key", ""), "accepted": item.get("key") in accepted}
        for item in (job.summary or {}).get("to_confirm", [])
    ]


def _unknown_names(job: ImportJob, user) -> dict:
    """The unknown names with what this person may do about each: map to a unit, create one."""
    stored = (job.summary or {}).get("unknown_names", [])
    names = stored[:SHOWN_UNKNOWN_NAMES]
    total = jobs.issue_counts(job)["unknown_names"]
    allowed = {
        (level, action): user.has_perm(permission) for (level, action), permission in jobs.RESOLVE_PERMISSIONS.items()
    }
    if not names:
        return {"names": [], "allowed": False, "count": "0", "more": ""}
    kinds = {jobs.INVESTOR: Investor.Kind.choices, jobs.DISTRICT: District.Kind.choices}
    units_url = reverse("admin:disbursement_snapshot_import_units", args=[job.pk])
    rows = []
    for index, item in enumerate(names):
        level = item["level"]
        cells = ", ".join(item.get("cells", []))
        cells_more = item.get("cells_total", 0) - len(item.get("cells", []))
        if cells_more > 0:
            cells += f" và {format_number(cells_more)} ô khác"
        rows.append(
            {
                **item,
                "index": index,
                "cells": cells,
                "streams": ", ".join(item.get("streams", [])),
                # The other units are searched as the person types (unit_search_view), never listed whole.
                "search_url": f"{units_url}?{urlencode({'level': level, 'name': index})}",
                "kinds": kinds[level],
                "can_map": allowed[(level, jobs.MAP)],
                "can_create": allowed[(level, jobs.CREATE)],
                "is_investor": level == jobs.INVESTOR,
            }
        )
    return {
        "names": rows,
        "count": format_count(total),
        "more": _more(total, len(rows)),
        "allowed": any(r["can_map"] or r["can_create"] for r in rows),
        "districts_url": f"{units_url}?{urlencode({'level': jobs.DISTRICT})}",
        "resolvable": job.status in jobs.RESOLVABLE,
    }


# Units offered per page of the search box.
UNITS_PER_PAGE = 20


def unit_search_view(model_admin, request, job_id: int):
    """The units valid on the job's date whose names hold the typed text, a page at a time, for the search box
    of "là đơn vị đã có" (select2's format). Before anything is typed, the closest units to the unknown name
    come first."""
    _check(request)
    job = get_object_or_404(ImportJob, pk=job_id)
    level = request.GET.get("level")
    if level not in (jobs.INVESTOR, jobs.DISTRICT):
        return JsonResponse({"results": [], "pagination": {"more": False}}, status=400)
    term = request.GET.get("term", "")[:200]
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        page = 1
    as_of = jobs.job_date(job)
    if level == jobs.INVESTOR:
        found = search_investors(term, as_of)
        label = lambda unit: unit.name  # noqa: E731  (an investor is offered by its full name)
    else:
        found = search_districts(term, as_of)
        label = lambda unit: unit.display_name  # noqa: E731
    start = (page - 1) * UNITS_PER_PAGE
    units = list(found[start : start + UNITS_PER_PAGE + 1])
    results: list[dict] = []
    if page == 1 and not term.strip():
        closest = _closest(job, level, request.GET.get("name"))
        if closest:
            results.append({"text": "Gần giống nhất", "children": closest})
    results += [{"id": unit.id, "text": label(unit)} for unit in units[:UNITS_PER_PAGE]]
    return JsonResponse({"results": results, "pagination": {"more": len(units) > UNITS_PER_PAGE}})


def _closest(job: ImportJob, level: str, index) -> list[dict]:
    """The closest units stored with the job for its unknown name at `index` (of those the page shows)."""
    try:
        item = (job.summary or {}).get("unknown_names", [])[:SHOWN_UNKNOWN_NAMES][int(index)]
    except (TypeError, ValueError, IndexError):
        return []
    if item.get("level") != level:
        return []
    return [{"id": c["id"], "text": c["name"]} for c in item.get("candidates", [])]


def _resolutions_from(post) -> list[dict]:
    """The resolution form, one block of fields per unknown name; names left undecided are skipped."""
    try:
        count = int(post.get("resolve-count", "0"))
    except ValueError:
        count = 0
    items = []
    for index in range(min(count, 1000)):
        prefix = f"resolve-{index}-"
        action = post.get(prefix + "action", "")
        if action not in (jobs.MAP, jobs.CREATE):
            continue
        item = {"name": post.get(prefix + "name", ""), "level": post.get(prefix + "level") or None, "action": action}
        if action == jobs.MAP:
            item["unit_id"] = post.get(prefix + "unit")
        else:
            item["kind"] = post.get(prefix + "kind")
            if post.get(prefix + "district"):
                item["district_id"] = post.get(prefix + "district")
        items.append(item)
    return items


def job_view(model_admin, request, job_id: int):
    _check(request)
    job = get_object_or_404(ImportJob, pk=job_id)
    if request.method == "POST":
        return _resolve(request, job)
    summary = _job_summary(job)
    errors, warnings = _issues(job.errors[:SHOWN_ISSUES]), _issues(job.warnings[:SHOWN_ISSUES])
    counts = jobs.issue_counts(job)
    to_confirm = _to_confirm(job)
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
            error_count=format_count(counts["errors"]),
            errors_more=_more(counts["errors"], len(errors)),
            warning_count=format_count(counts["warnings"]),
            warnings_more=_more(counts["warnings"], len(warnings)),
            preview=_preview(job),
            to_confirm=to_confirm,
            to_confirm_count=format_count(len(to_confirm)),
            unknown=_unknown_names(job, request.user),
            can_confirm=job.status == "needs_confirmation" and not errors,
            snapshot=snapshot,
            snapshot_url=reverse("admin:disbursement_snapshot_rankings_default", args=[snapshot.pk])
            if snapshot
            else "",
        ),
    )


def _resolve(request, job: ImportJob):
    items = _resolutions_from(request.POST)
    try:
        # PermissionDenied propagates: the admin answers 403, nothing written.
        jobs.resolve_unknown_names(job.pk, items, request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Đã lưu cách xử lý {format_number(len(items))} tên chưa nhận ra; tệp đã được kiểm tra lại."
        )
    return redirect("admin:disbursement_snapshot_import_job", job.pk)


def confirm_view(model_admin, request, job_id: int):
    _check(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        # Each checked item of the preview, by its key; unchecked ones keep the import waiting.
        job = jobs.confirm_import_job(job_id, request.user, accept=request.POST.getlist("accept"))
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        if job.status == ImportJob.Status.NEEDS_CONFIRMATION:
            pending = [i for i in job.summary.get("to_confirm", []) if not i.get("accepted")]
            messages.warning(
                request,
                f"Chưa nhập: còn {format_count(len(pending))} mục bất thường chưa được xác nhận. "
                "Kiểm tra từng mục, đánh dấu rồi xác nhận lại.",
            )
        elif job.status == ImportJob.Status.FAILED:
            messages.error(request, "Không nhập được: xem các lỗi bên dưới.")
        else:
            messages.success(request, "Đã xác nhận nhập số liệu.")
    return redirect("admin:disbursement_snapshot_import_job", job_id)
