"""Import jobs: an upload stored, checked, previewed and confirmed (admin and API).

Each step moves the job's status with a conditional UPDATE, so a retried or
duplicated task never runs a step twice.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from disbursement.importing.archive import inspect_archive
from disbursement.importing.issues import IssueList
from disbursement.importing.services import (
    DRY_RUN,
    DUPLICATE,
    FAILED,
    IMPORTED,
    NEEDS_CONFIRMATION,
    ImportResult,
    content_hash,
    import_workbook,
    read_upload,
)
from disbursement.models import ImportJob

PROGRESS_SAVE_EVERY = 2000


def create_import_job(
    uploaded_file, *, user=None, file_name: str | None = None, as_of: dt.date | None = None, sender: str = ""
) -> ImportJob:
    """Store an upload and start its import.

    Small files are checked right away and wait for confirmation with their
    preview; large ones (more than IMPORT_BACKGROUND_ROWS rows) run as a
    background job that imports at once when there is no warning.
    """
    name = file_name or os.path.basename(getattr(uploaded_file, "name", "") or "tep.xlsx")
    issues = IssueList(name)
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > settings.IMPORT_MAX_FILE_BYTES:
        issues.error("file_too_large", f"Tệp vượt giới hạn {settings.IMPORT_MAX_FILE_BYTES // 1_000_000} MB.")
        return _failed(ImportJob(file_name=name, file_size=size, as_of=as_of, created_by=user), issues)
    data = read_upload(uploaded_file, issues)
    job = ImportJob(file_name=name, as_of=as_of, created_by=user, file_size=len(data or b""), sender=sender)
    if data is None:
        return _failed(job, issues)
    job.content_hash = content_hash(data)
    info = inspect_archive(data, name, issues)
    job.rows_total = info.rows_total if info else 0
    job.file.save(os.path.basename(name) or "tep.xlsx", ContentFile(data), save=False)
    if info is None:
        return _failed(job, issues)
    job.save()
    if job.rows_total > settings.IMPORT_BACKGROUND_ROWS:
        from disbursement.importing.tasks import run_import_job_task  # tasks import this module

        transaction.on_commit(lambda: run_import_job_task.delay(job.id))
        return job
    _preview_job(job.id)
    job.refresh_from_db()
    return job


def _failed(job: ImportJob, issues: IssueList) -> ImportJob:
    """Store a job refused before any checking of its content, with the reasons."""
    job.status = ImportJob.Status.FAILED
    job.errors = [i.to_dict() for i in issues.errors]
    job.finished_at = timezone.now()
    job.save()
    return job


def _claim(job_id: int, from_status: str, to_status: str) -> ImportJob | None:
    """Move a job on only if nobody else has: the conditional UPDATE is the lock."""
    if not ImportJob.objects.filter(id=job_id, status=from_status).update(status=to_status, updated_at=timezone.now()):
        return None
    return ImportJob.objects.get(id=job_id)


def _progress_saver(job_id: int) -> Callable[[int, int], None]:
    state = {"last": 0}

    def save(read: int, total: int) -> None:
        if read - state["last"] >= PROGRESS_SAVE_EVERY or read >= total:
            state["last"] = read
            ImportJob.objects.filter(id=job_id).update(rows_read=read, rows_total=max(total, read))

    return save


def _finish(job: ImportJob, result: ImportResult, *, preview: bool = False) -> ImportJob:
    status = {
        IMPORTED: ImportJob.Status.DONE,
        DUPLICATE: ImportJob.Status.DUPLICATE,
        NEEDS_CONFIRMATION: ImportJob.Status.NEEDS_CONFIRMATION,
        DRY_RUN: ImportJob.Status.NEEDS_CONFIRMATION,
        FAILED: ImportJob.Status.FAILED,
    }[result.status]
    job.status = status
    job.errors = [i.to_dict() for i in result.errors]
    job.warnings = [i.to_dict() for i in result.warnings]
    job.summary = result.summary
    job.snapshot = result.snapshot
    job.submission = result.submission
    rows = result.summary.get("rows_read")
    if rows:
        job.rows_read = rows
        job.rows_total = max(job.rows_total, rows)
    if status != ImportJob.Status.NEEDS_CONFIRMATION:
        job.finished_at = timezone.now()
    job.save()
    return job


def _run(job: ImportJob, **kwargs) -> ImportResult:
    with job.file.open("rb") as handle:
        return import_workbook(
            handle,
            file_name=job.file_name,
            user=kwargs.pop("user", job.created_by),
            as_of=job.as_of,
            sender=job.sender,
            accepted=set(job.accepted or ()),
            progress=_progress_saver(job.id),
            # Committed before the write transaction, so a poll shows the job is writing.
            writing=lambda: ImportJob.objects.filter(id=job.id).update(
                status=ImportJob.Status.IMPORTING, updated_at=timezone.now()
            ),
            **kwargs,
        )


def _preview_job(job_id: int) -> ImportJob | None:
    job = _claim(job_id, ImportJob.Status.PENDING, ImportJob.Status.PARSING)
    if job is None:
        return None
    return _finish(job, _run(job, dry_run=True), preview=True)


def run_import_job(job_id: int) -> ImportJob | None:
    """Task body for a large upload: check, then import unless there are warnings to confirm."""
    job = _claim(job_id, ImportJob.Status.PENDING, ImportJob.Status.PARSING)
    if job is None:
        return ImportJob.objects.filter(id=job_id).first()
    try:
        result = _run(job, confirm_warnings=False)
    except Exception:
        ImportJob.objects.filter(id=job_id).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    return _finish(job, result)


def confirm_import_job(job_id: int, user) -> ImportJob:
    """Import a previewed job, accepting its warnings."""
    job = _claim(job_id, ImportJob.Status.NEEDS_CONFIRMATION, ImportJob.Status.IMPORTING)
    if job is None:
        return ImportJob.objects.get(id=job_id)
    job.confirmed_by = user
    try:
        result = _run(job, confirm_warnings=True, user=user)
    except Exception:
        ImportJob.objects.filter(id=job_id).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    return _finish(job, result)
