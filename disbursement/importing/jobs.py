"""Import jobs: an upload stored, checked, previewed and confirmed (admin and API).

Each step moves the job's status with a conditional UPDATE, so a retried or
duplicated task never runs a step twice. Whoever moves it also claims it
(claimed_at, attempts): a worker or web process that dies leaves a claim that
nobody renews, and once it is older than IMPORT_CLAIM_TIMEOUT_SECONDS a
redelivered or requeued task retakes the job from the start (at most
IMPORT_MAX_RETAKES times). The write is one transaction that also marks the job
done, so a job retaken after its write committed finds itself done and stops. In the preview a person confirms the
implausible figures one by one (their keys are kept in `accepted`) and
resolves the names the matcher does not know: mapped to an existing unit (an
alias, so the next file matches) or created as a new unit; the preview then
runs again on the same file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from disbursement import outbox
from disbursement.importing.archive import inspect_archive
from disbursement.importing.issues import Issue, IssueList
from disbursement.importing.matching import DISTRICT, INVESTOR, LEVEL_WORDS
from disbursement.importing.preview import unknown_names
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
from disbursement.models import ImportJob, Submission
from districts.models import District
from districts.services import add_district_alias, create_district
from investors.models import Investor
from investors.services import add_investor_alias, create_investor

PROGRESS_SAVE_EVERY = 2000
MAP = "map"
CREATE = "create"
# Permissions a resolution needs: the same as adding the alias or the unit in the admin.
RESOLVE_PERMISSIONS = {
    (INVESTOR, MAP): "investors.add_investoralias",
    (INVESTOR, CREATE): "investors.add_investor",
    (DISTRICT, MAP): "districts.add_districtalias",
    (DISTRICT, CREATE): "districts.add_district",
}
RESOLVABLE = {ImportJob.Status.FAILED, ImportJob.Status.NEEDS_CONFIRMATION}
IMPORT_TASK = "disbursement.importing.tasks.run_import_job_task"
# A job in these states is held by whoever claimed it.
RUNNING = (ImportJob.Status.PARSING, ImportJob.Status.IMPORTING)


def create_import_job(
    uploaded_file, *, user=None, file_name: str | None = None, as_of: dt.date | None = None, sender: str = ""
) -> ImportJob:
    """Store an upload and start its import.

    Small files are checked right away and wait for confirmation with their
    preview; large ones (see `runs_in_background`) run as a background job that
    imports at once when there is no warning. The job's row and its queued task
    commit together: with the broker down the upload still answers, and the
    task is sent when the broker is back.
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
    job.uncompressed_size = info.uncompressed_bytes if info else 0
    job.file.save(os.path.basename(name) or "tep.xlsx", ContentFile(data), save=False)
    if info is None:
        return _failed(job, issues)
    with transaction.atomic():
        job.save()
        if runs_in_background(job):
            queue_import_job(job.id)
            return job
    _preview_job(job.id)
    job.refresh_from_db()
    return job


def runs_in_background(job: ImportJob) -> bool:
    """A file too long to read inside a web request: by rows, by bytes on disk or by bytes once unpacked
    (a wide sheet under the row limit is still long to read)."""
    return (
        job.rows_total > settings.IMPORT_BACKGROUND_ROWS
        or job.file_size > settings.IMPORT_BACKGROUND_BYTES
        or job.uncompressed_size > settings.IMPORT_BACKGROUND_UNCOMPRESSED_BYTES
    )


def queue_import_job(job_id: int) -> None:
    """Run the job on a worker once the current transaction commits; kept in the outbox until the broker takes it."""
    outbox.enqueue(IMPORT_TASK, job_id)


def _store_errors(job: ImportJob, errors: list[Issue]) -> None:
    """At most IMPORT_MAX_STORED_ERRORS errors are kept; the total is counted (a wrong file can give thousands)."""
    limit = settings.IMPORT_MAX_STORED_ERRORS
    job.errors = [i.to_dict() for i in errors[:limit]]
    job.errors_total = len(errors)


def _bounded(items: list, name: str, limit: int) -> dict:
    """The first `limit` items under `name`, and their number under `name`_total."""
    return {name: items[:limit], f"{name}_total": len(items)}


def issue_counts(job: ImportJob) -> dict[str, int]:
    """How many errors, warnings, unknown names and units missing from the file the job found, stored or not.

    A job stored before the totals were kept counts what it stored.
    """
    summary = job.summary or {}
    return {
        "errors": max(job.errors_total, len(job.errors or [])),
        "warnings": summary.get("warnings_total", len(job.warnings or [])),
        "unknown_names": summary.get("unknown_names_total", len(summary.get("unknown_names") or [])),
        "missing_units": summary.get("missing_units_total", len(summary.get("missing_units") or [])),
    }


def _failed(job: ImportJob, issues: IssueList) -> ImportJob:
    """Store a job refused before any checking of its content, with the reasons."""
    job.status = ImportJob.Status.FAILED
    _store_errors(job, issues.errors)
    job.finished_at = timezone.now()
    job.save()
    return job


def _claim(job_id: int, from_status: str, to_status: str, **values) -> ImportJob | None:
    """Move a job on only if nobody else has: the conditional UPDATE is the lock, and the claim its holder's."""
    now = timezone.now()
    moved = ImportJob.objects.filter(id=job_id, status=from_status).update(
        status=to_status, claimed_at=now, attempts=F("attempts") + 1, updated_at=now, **values
    )
    if not moved:
        return None
    return ImportJob.objects.get(id=job_id)


def take_import_job(job_id: int) -> ImportJob | None:
    """Claim a job for a worker: a pending one, or a running one whose claim was released or has expired.

    None when there is nothing to do: the job is finished, waits for a person, or is held by a live claim.
    A job abandoned more than IMPORT_MAX_RETAKES times is failed with the reason instead.
    """
    job = _claim(job_id, ImportJob.Status.PENDING, ImportJob.Status.PARSING)
    if job is not None:
        return job
    job = ImportJob.objects.filter(id=job_id).first()
    if job is None or job.status not in RUNNING:
        return None
    now = timezone.now()
    held = ImportJob.objects.filter(id=job_id, status=job.status, claimed_at=job.claimed_at)
    retake = job.claimed_at is not None
    if retake and job.claimed_at > now - dt.timedelta(seconds=settings.IMPORT_CLAIM_TIMEOUT_SECONDS):
        return None
    if retake and job.retakes >= settings.IMPORT_MAX_RETAKES:
        issues = IssueList(job.file_name)
        issues.error(
            "job_abandoned",
            f"Lượt nhập bị dừng giữa chừng {job.retakes + 1} lần (tiến trình xử lý ngừng hoạt động) nên đã dừng hẳn; "
            "không có số liệu nào được ghi. Hãy tải tệp lên lại.",
        )
        held.update(
            status=ImportJob.Status.FAILED,
            errors=[i.to_dict() for i in issues.errors],
            errors_total=1,
            finished_at=now,
            updated_at=now,
        )
        return None
    # A job a person confirmed is imported again as confirmed; any other starts over from reading.
    status = ImportJob.Status.IMPORTING if job.confirmed_by_id else ImportJob.Status.PARSING
    moved = held.update(
        status=status,
        claimed_at=now,
        attempts=F("attempts") + 1,
        retakes=F("retakes") + int(retake),
        updated_at=now,
    )
    return ImportJob.objects.get(id=job_id) if moved else None


def release_import_job(job_id: int, attempts: int) -> None:
    """Give the claim back after an error worth retrying (the database or broker went away): the retry takes it
    at once, without waiting for the claim to expire."""
    ImportJob.objects.filter(id=job_id, status__in=RUNNING, attempts=attempts).update(claimed_at=None)


def _progress_saver(job_id: int) -> Callable[[int, int], None]:
    state = {"last": 0}

    def save(read: int, total: int) -> None:
        if read - state["last"] >= PROGRESS_SAVE_EVERY or read >= total:
            state["last"] = read
            # The progress renews the claim: a job still being read is not taken for abandoned.
            ImportJob.objects.filter(id=job_id).update(
                rows_read=read, rows_total=max(total, read), claimed_at=timezone.now()
            )

    return save


def _finish(job: ImportJob, result: ImportResult, *, preview: bool = False) -> ImportJob:
    # A job retaken by someone else meanwhile is theirs to finish.
    if not ImportJob.objects.filter(id=job.id, attempts=job.attempts).exists():
        return ImportJob.objects.get(id=job.id)
    status = {
        IMPORTED: ImportJob.Status.DONE,
        DUPLICATE: ImportJob.Status.DUPLICATE,
        NEEDS_CONFIRMATION: ImportJob.Status.NEEDS_CONFIRMATION,
        DRY_RUN: ImportJob.Status.NEEDS_CONFIRMATION,
        FAILED: ImportJob.Status.FAILED,
    }[result.status]
    job.status = status
    # Errors and warnings are stored up to IMPORT_MAX_STORED_ERRORS each, unknown names and units missing from
    # the file up to IMPORT_MAX_STORED_NAMES, with their totals: a file of 200,000 wrong rows keeps a job, its
    # page and its API answers small. Figures to confirm are all kept: each is accepted by its key.
    _store_errors(job, result.errors)
    names = settings.IMPORT_MAX_STORED_NAMES
    warnings = _bounded([i.to_dict() for i in result.warnings], "warnings", settings.IMPORT_MAX_STORED_ERRORS)
    job.warnings = warnings["warnings"]
    accepted = set(job.accepted or ())
    summary = {
        **result.summary,
        "warnings_total": warnings["warnings_total"],
        "to_confirm": [{**i.to_dict(), "accepted": i.key in accepted} for i in result.to_confirm],
        **_bounded(unknown_names(result.errors), "unknown_names", names),
    }
    if "missing_units" in summary:
        summary.update(_bounded(summary["missing_units"] or [], "missing_units", names))
    job.summary = summary
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
                status=ImportJob.Status.IMPORTING, claimed_at=timezone.now(), updated_at=timezone.now()
            ),
            written=lambda submission: _record_written(job, submission),
            **kwargs,
        )


def _record_written(job: ImportJob, submission: Submission) -> None:
    """In the write's transaction: the job is done exactly when the import is."""
    ImportJob.objects.filter(id=job.id).update(
        status=ImportJob.Status.DONE,
        submission=submission,
        snapshot_id=submission.snapshot_id,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _preview_job(job_id: int) -> ImportJob | None:
    job = _claim(job_id, ImportJob.Status.PENDING, ImportJob.Status.PARSING)
    if job is None:
        return None
    return _finish(job, _run(job, dry_run=True), preview=True)


def run_import_job(job_id: int) -> ImportJob | None:
    """Task body: check a large upload, then import it unless there are warnings to confirm.

    A small upload's job gets here only when the web request that previewed it died: it is previewed again and
    waits for a person, as it would have. A confirmed job retaken after its importer died is imported as confirmed.
    """
    job = take_import_job(job_id)
    if job is None:
        return ImportJob.objects.filter(id=job_id).first()
    if job.status == ImportJob.Status.IMPORTING:
        kwargs = {"confirm_warnings": True, "user": job.confirmed_by}
    elif runs_in_background(job):
        kwargs = {"confirm_warnings": False}
    else:
        kwargs = {"dry_run": True}
    try:
        result = _run(job, **kwargs)
    except outbox.RETRY_ON:
        try:
            if not connection.in_atomic_block:
                close_old_connections()  # a connection the database cut is replaced by a new one
            release_import_job(job_id, job.attempts)
        except outbox.RETRY_ON:
            pass  # the database is still away: the claim expires on its own
        raise
    except Exception:
        ImportJob.objects.filter(id=job_id, attempts=job.attempts).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    return _finish(job, result, preview=kwargs.get("dry_run", False))


def confirm_import_job(job_id: int, user, accept: list[str] | None = None) -> ImportJob:
    """Import a previewed job, accepting its warnings and the implausible figures whose keys are in `accept`.

    `accept` lists every item confirmed so far (it replaces the previous list); None keeps it.
    A figure to confirm that is not in the list keeps the job waiting: the warnings alone never pass it.
    """
    if accept is not None:
        ImportJob.objects.filter(id=job_id, status=ImportJob.Status.NEEDS_CONFIRMATION).update(
            accepted=sorted({str(key) for key in accept}), updated_at=timezone.now()
        )
    job = _claim(job_id, ImportJob.Status.NEEDS_CONFIRMATION, ImportJob.Status.IMPORTING, confirmed_by=user)
    if job is None:
        return ImportJob.objects.get(id=job_id)
    try:
        result = _run(job, confirm_warnings=True, user=user)
    except Exception:
        ImportJob.objects.filter(id=job_id).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    return _finish(job, result)


def resolve_unknown_names(job_id: int, items: list[dict], user) -> ImportJob:
    """Resolve unknown names of a previewed job, then preview the same file again.

    Each item is {"name", "action": "map", "unit_id"} (the name becomes an alias of that unit, so
    every later file matches it) or {"name", "action": "create", "kind"} (a new investor or district
    under that name; a district committee also names its "district_id"). "level" tells an investor
    from a district when a file uses one name for both. Nothing is written unless every item is
    allowed and valid. Raises PermissionDenied, ValidationError (an item), or ValueError (the job is no
    longer waiting).
    """
    job = ImportJob.objects.get(id=job_id)
    if job.status not in RESOLVABLE:
        raise ValueError("Lượt nhập này không còn chờ xử lý tên chưa nhận ra.")
    if not items:
        raise ValidationError("Chưa chọn cách xử lý tên nào.")
    unknown = {(u["level"], u["name"]): u for u in (job.summary or {}).get("unknown_names", [])}
    plans = [_resolution_plan(item, unknown) for item in items]
    for level, action, _item in plans:
        if user is None or not user.has_perm(RESOLVE_PERMISSIONS[(level, action)]):
            raise PermissionDenied(f"Bạn không có quyền {_ACTION_WORDS[action]} {LEVEL_WORDS[level]}.")
    year = (job.summary or {}).get("year") or (job.as_of or timezone.localdate()).year
    as_of = job_date(job)
    records = dict(job.resolutions or {})
    old_status = job.status
    with transaction.atomic():
        for level, action, item in plans:
            records[f"{level}:{item['name']}"] = _apply(level, action, item, user, year, as_of)
        moved = ImportJob.objects.filter(id=job.id, status=old_status).update(
            resolutions=records, status=ImportJob.Status.PENDING, finished_at=None, updated_at=timezone.now()
        )
        if not moved:
            raise ValueError("Lượt nhập vừa được xử lý ở nơi khác; mở lại trang để xem.")
    return _rerun(job.id)


_ACTION_WORDS = {MAP: "thêm tên gọi khác cho", CREATE: "tạo mới"}


def job_date(job: ImportJob) -> dt.date | None:
    """The date of the job's figures: read from the file, else typed at upload."""
    text = (job.summary or {}).get("as_of")
    return dt.date.fromisoformat(text) if text else job.as_of


def _resolution_plan(item: dict, unknown: dict) -> tuple[str, str, dict]:
    name = str(item.get("name") or "")
    level = item.get("level")
    found = [key for key in unknown if key[1] == name and (level is None or key[0] == level)]
    if not found:
        raise ValidationError(f"'{name}' không có trong danh sách tên chưa nhận ra của lượt nhập này.")
    if len(found) > 1:
        raise ValidationError(f"'{name}' vừa là chủ đầu tư vừa là quận, huyện trong tệp: cần ghi rõ level.")
    action = item.get("action")
    if action not in (MAP, CREATE):
        raise ValidationError(f"Cách xử lý '{action}' không hợp lệ cho '{name}' (chọn map hoặc create).")
    return found[0][0], action, {**item, "name": name}


def _apply(level: str, action: str, item: dict, user, year: int, as_of: dt.date | None) -> dict:
    """Write one resolution; what is kept of it in ImportJob.resolutions."""
    name = item["name"]
    record = {
        "level": level,
        "action": action,
        "by": getattr(user, "username", "") or "",
        "at": timezone.now().isoformat(),
    }
    if action == MAP:
        unit = _unit(level, item.get("unit_id"), name)
        if level == DISTRICT and as_of is not None and not unit.is_valid_on(as_of):
            raise ValidationError(f"{unit} không còn hiệu lực ngày {as_of:%d/%m/%Y}: chọn đơn vị khác cho '{name}'.")
        if level == INVESTOR:
            add_investor_alias(investor=unit, name=name, user=user)
        else:
            add_district_alias(district=unit, name=name, user=user)
        return {**record, "unit_id": unit.id, "unit_name": str(unit)}
    kind = item.get("kind")
    if level == INVESTOR:
        district = _unit(DISTRICT, item["district_id"], name) if item.get("district_id") else None
        unit = create_investor(name=name, kind=kind, district=district, user=user)
    else:
        unit = create_district(name=name, kind=kind, valid_from=dt.date(year, 1, 1), user=user)
    return {**record, "kind": unit.kind, "unit_id": unit.id, "unit_name": str(unit)}


def _unit(level: str, unit_id, name: str):
    model = Investor if level == INVESTOR else District
    try:
        return model.objects.get(id=int(unit_id))
    except (TypeError, ValueError, model.DoesNotExist):
        raise ValidationError(f"Không tìm thấy {LEVEL_WORDS[level]} đã chọn cho '{name}'.") from None


def _rerun(job_id: int) -> ImportJob:
    """The preview again, as the upload ran it: at once for a small file, as a background job for a large one."""
    job = ImportJob.objects.get(id=job_id)
    if runs_in_background(job):
        queue_import_job(job.id)
        return job
    _preview_job(job.id)
    job.refresh_from_db()
    return job
