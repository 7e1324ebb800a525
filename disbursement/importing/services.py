"""Import a disbursement workbook: check everything, then write all or nothing.

import_workbook is the one entry point (command, admin, API and Celery job
all call it). Bad input never raises: errors come back in the result. The
steps live in their own modules: parser (reading), matching, checks and
prepare (checking against what is stored), scope (what the file replaces),
writing, and jobs (the upload's life in the admin and the API).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.money import UNIT_NAMES
from disbursement.importing import scope
from disbursement.importing.archive import inspect_archive
from disbursement.importing.issues import Issue, IssueList
from disbursement.importing.parser import ParsedWorkbook, parse_workbook, plain_words
from disbursement.importing.prepare import Checker, Prepared
from disbursement.importing.writing import write_submission
from disbursement.models import CapitalStream, Snapshot, Submission
from disbursement.recompute import request_recompute
from disbursement.snapshots.services import lock_date

logger = logging.getLogger(__name__)

__all__ = ["ImportResult", "Issue", "import_workbook"]

IMPORTED = "imported"
DUPLICATE = "duplicate"
NEEDS_CONFIRMATION = "needs_confirmation"
FAILED = "failed"
DRY_RUN = "dry_run"


@dataclass
class ImportResult:
    status: str
    snapshot: Snapshot | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    submission: Submission | None = None
    to_confirm: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in {IMPORTED, DUPLICATE, DRY_RUN}


def read_upload(source: str | os.PathLike | BinaryIO, issues: IssueList) -> bytes | None:
    limit = settings.IMPORT_MAX_FILE_BYTES
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            issues.error("file_unreadable", f"Không mở được tệp: {exc.strerror or exc}.")
            return None
        if size > limit:
            issues.error("file_too_large", f"Tệp lớn {size // 1_000_000} MB, vượt giới hạn {limit // 1_000_000} MB.")
            return None
        return path.read_bytes()
    if hasattr(source, "seek"):
        try:
            source.seek(0)
        except (OSError, ValueError):
            pass
    data = source.read(limit + 1)
    if len(data) > limit:
        issues.error("file_too_large", f"Tệp vượt giới hạn {limit // 1_000_000} MB.")
        return None
    return data


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _streams() -> dict[str, dict]:
    """What the reader needs of the streams in the database: keywords, the level each ranks, names."""
    keywords, levels, names = {}, {}, {}
    for stream in CapitalStream.objects.all():
        words = [plain_words(w) for w in stream.keywords.split(";")]
        keywords[stream.code] = [w for w in words if w]
        levels[stream.code] = stream.unit_level
        names[stream.code] = stream.name
    return {"stream_keywords": keywords, "stream_levels": levels, "stream_names": names}


def import_workbook(
    source,
    *,
    file_name: str,
    user=None,
    as_of: dt.date | None = None,
    sender: str = "",
    confirm_warnings: bool = False,
    accepted: set[str] | frozenset[str] = frozenset(),
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    writing: Callable[[], None] | None = None,
    written: Callable[[Submission], None] | None = None,
) -> ImportResult:
    """Check a workbook and, if it passes (and warnings are confirmed), import it in one transaction.

    `progress(read, total)` follows the reading; `writing()` is called once the checks pass, just
    before the transaction that writes; `written(submission)` inside that transaction, so what it records
    commits with the import or not at all.
    """
    issues = IssueList(file_name)
    data = read_upload(source, issues)
    if data is None:
        return _result(FAILED, issues)
    digest = content_hash(data)
    existing = _already_imported(digest)
    if existing is not None:
        return _duplicate(existing, issues)
    info = inspect_archive(data, file_name, issues)
    if info is None:
        return _result(FAILED, issues)
    checker = Checker(issues, as_of)
    parsed = parse_workbook(
        data,
        file_name=file_name,
        issues=issues,
        **_streams(),
        has_formulas=info.has_formulas,
        rows_total=info.rows_total,
        progress=progress,
        sink=checker,
    )
    if parsed is None:
        return _result(FAILED, issues)
    # Who sent it: as given, else the sender the title block names ("KHO BẠC NHÀ NƯỚC HẢI PHÒNG").
    sender = sender or parsed.sender or ""
    prepared = checker.finish(parsed)
    if prepared is not None:
        _warn_missing_units(prepared, issues)
    summary = _summary(parsed, prepared)
    summary["sender"] = sender
    if issues.errors or prepared is None:
        return _result(FAILED, issues, summary=summary)
    if dry_run:
        return _result(DRY_RUN, issues, summary=summary)
    if (issues.warnings and not confirm_warnings) or issues.unconfirmed(accepted):
        return _result(NEEDS_CONFIRMATION, issues, summary=summary)
    if writing is not None:
        writing()
    with transaction.atomic():
        # Checked again once the date is this import's: of two uploads of one file at once, the second finds the
        # first's when it has committed.
        lock_date(prepared.as_of)
        existing = _already_imported(digest)
        if existing is not None:
            return _duplicate(existing, IssueList(file_name))
        submission = write_submission(prepared, file_name=file_name, digest=digest, user=user, sender=sender)
        _request_compute(prepared, submission.snapshot)
        if written is not None:
            written(submission)
    summary["snapshot_id"] = submission.snapshot_id
    summary["submission_id"] = submission.id
    logger.info("Imported %s as snapshot %s", file_name, submission.snapshot_id)
    return _result(IMPORTED, issues, snapshot=submission.snapshot, summary=summary, submission=submission)


def _request_compute(prepared: Prepared, snapshot: Snapshot) -> None:
    """The new version and every later date of the year read differently now (plans revised from an
    earlier date reach back further): one request, merged with the plan services' in this transaction."""
    earliest = min(
        [
            prepared.as_of,
            *([prepared.earliest_plan_change] if prepared.earliest_plan_change else []),
            *(c[3] for c in prepared.city_changes),
        ]
    )
    request_recompute(prepared.year, earliest)


def _already_imported(digest: str) -> Submission | None:
    return Submission.objects.select_related("snapshot").filter(content_hash=digest).order_by("-id").first()


def _result(status: str, issues: IssueList, *, snapshot=None, summary=None, submission=None) -> ImportResult:
    return ImportResult(
        status, snapshot, list(issues.errors), list(issues.warnings), summary or {}, submission, list(issues.to_confirm)
    )


def _duplicate(submission: Submission, issues: IssueList) -> ImportResult:
    snapshot = submission.snapshot
    summary = {
        "snapshot_id": snapshot.id,
        "submission_id": submission.id,
        "as_of": submission.as_of.isoformat(),
        "year": submission.year,
        "message": f"Tệp này đã được nhập ngày {timezone.localtime(submission.imported_at):%d/%m/%Y %H:%M} "
        f"(kỳ số liệu {snapshot}); không thay đổi gì.",
    }
    return _result(DUPLICATE, issues, snapshot=snapshot, summary=summary, submission=submission)


def _warn_missing_units(prepared: Prepared, issues: IssueList) -> None:
    """Units the date already has in a stream the file lists, that the file leaves out: they keep their figures."""
    if prepared.superseded is None:
        return
    listed = prepared.entries
    streams = prepared.entries.streams
    by_stream: dict[int, list] = {}
    on_date = scope.units_on_date(prepared.superseded)
    for key in on_date:
        if key[0] in streams and key not in listed:
            by_stream.setdefault(key[0], []).append(key)
    for stream_id, keys in by_stream.items():
        names = scope.unit_names(keys, on_date)
        shown = ", ".join(names[:20]) + (f" và {len(names) - 20} đơn vị khác" if len(names) > 20 else "")
        issues.warning(
            "units_missing_from_file",
            f"{len(names)} đơn vị đã có số liệu ngày {prepared.as_of:%d/%m/%Y} trong dòng vốn "
            f"{streams[stream_id].name} không có trong tệp này và được giữ nguyên số liệu đã có: {shown}.",
        )


def _summary(parsed: ParsedWorkbook, prepared: Prepared | None) -> dict:
    summary: dict = {
        "file_name": parsed.file_name,
        "sheets": parsed.sheets,
        "rows_read": parsed.rows_read,
        "unit": UNIT_NAMES.get(parsed.unit) if parsed.unit else None,
        "as_of": parsed.as_of.isoformat() if parsed.as_of else None,
        "year": parsed.year,
        "sections": [],
    }
    if prepared is None:
        return summary
    summary["as_of"] = prepared.as_of.isoformat()
    summary["year"] = prepared.year
    summary["sections"] = [dict(totals) for totals in prepared.entries.section_totals]
    summary["units"] = len(prepared.entries)
    summary["lines"] = prepared.entries.lines
    summary["plan_revisions"] = prepared.plan_revisions
    summary["city_plan_revisions"] = len(prepared.city_changes)
    summary["city_disbursed"] = sum(prepared.city_disbursed.values()) if prepared.city_disbursed else None
    summary["stated_subtotals"] = len(prepared.subtotals)
    summary["superseded_snapshot"] = prepared.superseded.id if prepared.superseded else None
    summary["superseded_snapshot_text"] = str(prepared.superseded) if prepared.superseded else None
    summary["scope"] = {
        "streams": sorted(stream.name for stream in prepared.entries.streams.values()),
        "units": len(prepared.entries),
        "city": prepared.states_city,
    }
    summary.update(
        scope.preview(
            entries=prepared.entries,
            superseded=prepared.superseded,
            reference=prepared.reference,
            plans_in_force=prepared.plans_in_force,
            states_city=prepared.states_city,
        )
    )
    summary["replaces"] = _replaces_text(prepared, summary)
    return summary


def _replaces_text(prepared: Prepared, summary: dict) -> str:
    """One sentence for the preview: what the file replaces on its date and what stays."""
    day = f"{prepared.as_of:%d/%m/%Y}"
    parts = []
    if prepared.entries:
        parts.append(f"{len(prepared.entries)} đơn vị trong {', '.join(summary['scope']['streams'])}")
    if prepared.states_city:
        parts.append("số liệu toàn thành phố")
    covered = "; ".join(parts) or "không có số liệu nào"
    if prepared.superseded is None:
        return f"Số liệu đầu tiên của ngày {day}: {covered}."
    kept = summary["units_kept"]
    city_kept = "" if prepared.states_city else "; số liệu toàn thành phố giữ nguyên"
    return f"Thay số liệu ngày {day} của: {covered}. Giữ nguyên {kept} đơn vị khác{city_kept}."
