"""Import a disbursement workbook: check everything, then write all or nothing.

import_workbook is the one entry point (command, admin, API and Celery job
all call it). Bad input never raises: errors come back in the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.fiscal import disbursement_deadline, year_start
from core.money import UNIT_NAMES
from core.names import closest_names, normalize_name
from disbursement.importing import checks
from disbursement.importing.archive import inspect_archive
from disbursement.importing.issues import Issue, IssueList
from disbursement.importing.parser import NSDP, NSTW, TOTAL, Line, ParsedWorkbook, Section, parse_workbook
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    CityDisbursement,
    ImportJob,
    Snapshot,
    SnapshotLine,
)
from disbursement.plans.selectors import allocations_in_force, city_plans_in_force
from disbursement.plans.services import revise_allocation, revise_city_plan
from disbursement.snapshots.services import create_snapshot
from districts.selectors import district_name_index
from investors.selectors import investor_name_index

logger = logging.getLogger(__name__)

__all__ = [
    "ImportResult",
    "Issue",
    "confirm_import_job",
    "create_import_job",
    "import_workbook",
    "run_import_job",
]

IMPORTED = "imported"
DUPLICATE = "duplicate"
NEEDS_CONFIRMATION = "needs_confirmation"
FAILED = "failed"
DRY_RUN = "dry_run"

PROGRESS_SAVE_EVERY = 2000
# Above this many plan changes, plans are written in bulk (same rows as revise_allocation).
BULK_PLAN_CHANGES = 200


@dataclass
class ImportResult:
    status: str
    snapshot: Snapshot | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in {IMPORTED, DUPLICATE, DRY_RUN}


@dataclass(slots=True)
class _Entry:
    """One unit's figures in one stream, by budget source code."""

    section: Section
    line: Line
    stream: CapitalStream
    investor_id: int | None
    district_id: int | None
    display_name: str
    plans: dict[str, int | None]
    disbursed: dict[str, int]


@dataclass
class _PlanChange:
    stream: CapitalStream
    source: BudgetSource
    investor_id: int | None
    district_id: int | None
    amount: int
    effective_from: dt.date
    note: str


@dataclass
class _Prepared:
    year: int
    as_of: dt.date
    entries: list[_Entry]
    plan_changes: list[_PlanChange]
    city_changes: list[tuple[str, str, int, dt.date]]
    city_disbursed: dict[str, int]
    superseded: Snapshot | None


# -- reading the upload -----------------------------------------------------


def _read_bytes(source: str | os.PathLike | BinaryIO, issues: IssueList) -> bytes | None:
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


def _stream_keywords() -> dict[str, list[str]]:
    from disbursement.importing.parser import plain_words

    result = {}
    for stream in CapitalStream.objects.all():
        words = [plain_words(w) for w in stream.keywords.split(";")]
        result[stream.code] = [w for w in words if w]
    return result


# -- the entry point --------------------------------------------------------


def import_workbook(
    source,
    *,
    file_name: str,
    user=None,
    as_of: dt.date | None = None,
    confirm_warnings: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    writing: Callable[[], None] | None = None,
) -> ImportResult:
    """Check a workbook and, if it passes (and warnings are confirmed), import it in one transaction.

    `progress(read, total)` follows the reading; `writing()` is called once the checks pass, just
    before the transaction that writes.
    """
    issues = IssueList(file_name)
    data = _read_bytes(source, issues)
    if data is None:
        return _result(FAILED, issues)
    digest = content_hash(data)
    existing = Snapshot.objects.filter(content_hash=digest).order_by("-id").first()
    if existing is not None:
        return _duplicate(existing, issues)
    info = inspect_archive(data, file_name, issues)
    if info is None:
        return _result(FAILED, issues)
    parsed = parse_workbook(
        data,
        file_name=file_name,
        issues=issues,
        stream_keywords=_stream_keywords(),
        has_formulas=info.has_formulas,
        rows_total=info.rows_total,
        progress=progress,
    )
    if parsed is None:
        return _result(FAILED, issues)
    prepared = _prepare(parsed, issues, as_of)
    summary = _summary(parsed, prepared)
    if issues.errors or prepared is None:
        return _result(FAILED, issues, summary=summary)
    if dry_run:
        return _result(DRY_RUN, issues, summary=summary)
    if issues.warnings and not confirm_warnings:
        return _result(NEEDS_CONFIRMATION, issues, summary=summary)
    if writing is not None:
        writing()
    with transaction.atomic():
        # Checked again under the transaction: two uploads of one file must not both import.
        existing = Snapshot.objects.select_for_update().filter(content_hash=digest).first()
        if existing is not None:
            return _duplicate(existing, IssueList(file_name))
        snapshot = _write(prepared, file_name=file_name, digest=digest, user=user)
        from disbursement.figures.tasks import schedule_compute

        schedule_compute(snapshot.id)
    summary["snapshot_id"] = snapshot.id
    logger.info("Imported %s as snapshot %s", file_name, snapshot.id)
    return _result(IMPORTED, issues, snapshot=snapshot, summary=summary)


def _result(status: str, issues: IssueList, *, snapshot=None, summary=None) -> ImportResult:
    return ImportResult(status, snapshot, list(issues.errors), list(issues.warnings), summary or {})


def _duplicate(snapshot: Snapshot, issues: IssueList) -> ImportResult:
    summary = {
        "snapshot_id": snapshot.id,
        "as_of": snapshot.as_of.isoformat(),
        "year": snapshot.year,
        "message": f"Tệp này đã được nhập ngày {timezone.localtime(snapshot.imported_at):%d/%m/%Y %H:%M} "
        f"(kỳ số liệu {snapshot}); không thay đổi gì.",
    }
    return _result(DUPLICATE, issues, snapshot=snapshot, summary=summary)


# -- matching and checking --------------------------------------------------


def _prepare(parsed: ParsedWorkbook, issues: IssueList, as_of_given: dt.date | None) -> _Prepared | None:
    as_of = as_of_given or parsed.as_of
    if as_of is None:
        issues.error(
            "date_missing",
            "Không tìm thấy ngày số liệu trong tiêu đề (ví dụ 'tính đến hết ngày 20/7/2024'); hãy nhập ngày số liệu.",
        )
        return None
    year = parsed.year or as_of.year
    checks.check_period(year, as_of, issues, None if as_of_given else parsed.as_of_position)
    if not parsed.sections and parsed.city is None:
        issues.error("no_data", "Không tìm thấy bảng số liệu giải ngân nào trong tệp.")
        return None

    streams = {s.code: s for s in CapitalStream.objects.all()}
    sources = {s.code: s for s in BudgetSource.objects.all()}
    investors = investor_name_index()
    districts = district_name_index(on=as_of)
    investor_names = {k: v.name for k, v in investors.items()}
    district_names = {k: v.display_name for k, v in districts.items()}

    previous = Snapshot.objects.current().filter(year=year, as_of__lt=as_of).order_by("-as_of", "-id").first()
    superseded = Snapshot.objects.current().filter(year=year, as_of=as_of).first()
    previous_by_unit: dict[tuple, int] = defaultdict(int)
    if previous is not None:
        for row in SnapshotLine.objects.filter(snapshot=previous, project__isnull=True).values(
            "stream_id", "investor_id", "district_id", "disbursed"
        ):
            previous_by_unit[(row["stream_id"], row["investor_id"], row["district_id"])] += row["disbursed"]
    in_force: dict[tuple, dict[str, int | None]] = defaultdict(dict)
    for alloc in allocations_in_force(year, as_of).filter(project__isnull=True).select_related("source"):
        in_force[(alloc.stream_id, alloc.investor_id, alloc.district_id)][alloc.source.code] = alloc.amount

    entries: list[_Entry] = []
    seen: dict[tuple, Line] = {}
    for section in parsed.sections:
        checks.check_subtotals(section, issues)
        stream = streams.get(section.stream_code) if section.stream_code else None
        for line in section.lines:
            checks.check_line(line, section.unit, section.split, issues)
            if stream is None:
                continue
            key = normalize_name(line.name)
            at_name = {"sheet": line.sheet, "row": line.row, "column": line.name_column}
            if stream.ranks_investors:
                unit = investors.get(key)
                names = investor_names
                what = "chủ đầu tư"
            else:
                unit = districts.get(key)
                names = district_names
                what = "quận, huyện"
            if unit is None:
                near = closest_names(line.name, names)
                hint = f" Tên gần giống: {', '.join(near)}." if near else ""
                issues.error(
                    "unknown_name",
                    f"Không nhận ra {what} '{line.name}' (phần {section.label or section.title}).{hint} "
                    "Nếu đúng là đơn vị đã có, hãy thêm tên gọi khác rồi nhập lại.",
                    **at_name,
                )
                continue
            if stream.rural_only and not stream.ranks_investors and not unit.is_rural:
                issues.warning(
                    "not_rural",
                    f"{unit.display_name} không phải huyện, nhưng có tên trong phần {stream.name} "
                    "(chỉ dành cho các huyện). Kiểm tra lại tên hoặc phần của dòng này.",
                    **at_name,
                )
            investor_id = unit.id if stream.ranks_investors else None
            district_id = None if stream.ranks_investors else unit.id
            unit_key = (stream.id, investor_id, district_id)
            if unit_key in seen:
                issues.error(
                    "duplicate_unit",
                    f"'{line.name}' xuất hiện hai lần trong dòng vốn {stream.name} "
                    f"(lần đầu ở dòng {seen[unit_key].row}).",
                    **at_name,
                )
                continue
            seen[unit_key] = line
            if section.split:
                plans = {BudgetSource.CENTRAL: line.plan.get(NSTW), BudgetSource.LOCAL: line.plan.get(NSDP)}
                disbursed = {
                    BudgetSource.CENTRAL: line.disbursed.get(NSTW),
                    BudgetSource.LOCAL: line.disbursed.get(NSDP),
                }
            else:
                plans = {BudgetSource.UNSPLIT: line.plan.get(TOTAL)}
                disbursed = {BudgetSource.UNSPLIT: line.disbursed.get(TOTAL)}
            entry = _Entry(
                section=section,
                line=line,
                stream=stream,
                investor_id=investor_id,
                district_id=district_id,
                display_name=getattr(unit, "display_name", str(unit)),
                plans=plans,
                disbursed={k: v or 0 for k, v in disbursed.items()},
            )
            entries.append(entry)
            existing_plans = in_force.get(unit_key, {})
            force_total = sum(v for v in existing_plans.values() if v is not None) if existing_plans else None
            checks.check_against_history(
                name=line.name,
                line=line,
                unit=section.unit,
                plan=line.plan.get(TOTAL),
                disbursed=line.disbursed.get(TOTAL),
                plan_in_force=force_total or None,
                previous_disbursed=previous_by_unit.get(unit_key) if previous else None,
                previous_date=previous.as_of if previous else None,
                issues=issues,
            )
    for total_line, sections in parsed.grand_totals:
        checks.check_grand_total(total_line, sections, sections[0].unit if sections else parsed.unit or 1, issues)

    plan_changes = _plan_changes(entries, in_force, sources, year, as_of, issues)

    city_changes: list[tuple[str, str, int, dt.date]] = []
    city_disbursed: dict[str, int] = {}
    if parsed.city is not None:
        city = parsed.city
        city_in_force = city_plans_in_force(year, as_of)
        previous_city = None
        if previous is not None:
            previous_city = sum(c.disbursed for c in CityDisbursement.objects.filter(snapshot=previous)) or None
        checks.check_city(
            city,
            plans_in_force=city_in_force,
            previous_disbursed=previous_city,
            previous_date=previous.as_of if previous else None,
            issues=issues,
        )
        for level, figures in city.plans.items():
            wanted = _by_source({k: f.amount for k, f in figures.items()}, city.split)
            for code, amount, effective in _changes(city_in_force.get(level, {}), wanted, year, as_of):
                city_changes.append((level, code, amount, effective))
        city_disbursed = _by_source({k: f.amount for k, f in city.disbursed.items()}, city.split)
    return _Prepared(year, as_of, entries, plan_changes, city_changes, city_disbursed, superseded)


def _by_source(values: dict[str, int], split: bool) -> dict[str, int]:
    if split:
        return {BudgetSource.CENTRAL: values.get(NSTW, 0), BudgetSource.LOCAL: values.get(NSDP, 0)}
    if TOTAL in values:
        return {BudgetSource.UNSPLIT: values[TOTAL]}
    return {BudgetSource.UNSPLIT: sum(values.values())} if values else {}


def _changes(existing: dict[str, int | None], wanted: dict[str, int | None], year: int, as_of: dt.date):
    """(source code, amount, effective_from) to record so the plan in force matches the file.

    A plan recorded for the first time takes effect on 1 January; a later
    difference takes effect on the as-of date. When the file splits sources
    differently from the plan in force, a changed total is recorded on the
    existing basis if it is a single source, and otherwise left alone.
    """
    known = {code: amount for code, amount in existing.items() if amount is not None}
    wanted = {code: amount for code, amount in wanted.items() if amount is not None}
    if not wanted:
        return []
    if not known:
        return [(code, amount, year_start(year)) for code, amount in wanted.items() if amount or len(wanted) == 1]
    if set(wanted) >= set(known):
        return [
            (code, amount, as_of if code in known else year_start(year))
            for code, amount in wanted.items()
            if known.get(code) != amount and (code in known or amount)
        ]
    total = sum(wanted.values())
    if total != sum(known.values()) and len(known) == 1:
        return [(next(iter(known)), total, as_of)]
    return []


def _plan_changes(entries, in_force, sources, year, as_of, issues) -> list[_PlanChange]:
    changes = []
    for entry in entries:
        existing = in_force.get((entry.stream.id, entry.investor_id, entry.district_id), {})
        found = _changes(existing, entry.plans, year, as_of)
        wanted_sources = {c for c, a in entry.plans.items() if a is not None}
        known_sources = {c for c, a in existing.items() if a is not None}
        if known_sources and not wanted_sources >= known_sources and not found and len(known_sources) > 1:
            total = sum(a for a in entry.plans.values() if a is not None)
            if total != sum(existing[c] for c in known_sources):
                issues.warning(
                    "plan_basis_differs",
                    f"Kế hoạch của '{entry.line.name}' trong tệp không tách nguồn như kế hoạch đang có hiệu lực: "
                    "không ghi nhận điều chỉnh kế hoạch từ tệp này.",
                    sheet=entry.line.sheet,
                    row=entry.line.row,
                    column=entry.line.columns.get(("plan", TOTAL)),
                )
        for code, amount, effective in found:
            changes.append(
                _PlanChange(
                    stream=entry.stream,
                    source=sources[code],
                    investor_id=entry.investor_id,
                    district_id=entry.district_id,
                    amount=amount,
                    effective_from=effective,
                    note=f"Theo tệp {entry.line.sheet}, dòng {entry.line.row}",
                )
            )
    return changes


def _summary(parsed: ParsedWorkbook, prepared: _Prepared | None) -> dict:
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
    per_section: dict[int, dict] = {}
    for entry in prepared.entries:
        data = per_section.setdefault(
            id(entry.section),
            {
                "stream": entry.stream.code,
                "stream_name": entry.stream.name,
                "label": entry.section.label,
                "units": 0,
                "plan": 0,
                "disbursed": 0,
            },
        )
        data["units"] += 1
        data["plan"] += sum(v or 0 for v in entry.plans.values())
        data["disbursed"] += sum(entry.disbursed.values())
    summary["sections"] = list(per_section.values())
    summary["units"] = len(prepared.entries)
    summary["lines"] = sum(len(_line_sources(e)) for e in prepared.entries)
    summary["plan_revisions"] = len(prepared.plan_changes)
    summary["city_plan_revisions"] = len(prepared.city_changes)
    summary["city_disbursed"] = sum(prepared.city_disbursed.values()) if prepared.city_disbursed else None
    summary["superseded_snapshot"] = prepared.superseded.id if prepared.superseded else None
    summary["superseded_snapshot_text"] = str(prepared.superseded) if prepared.superseded else None
    return summary


def _line_sources(entry: _Entry) -> list[str]:
    """Sources that get a snapshot line: drop the all-zero parts of a split row."""
    codes = list(entry.disbursed)
    if len(codes) == 1:
        return codes
    kept = [c for c in codes if entry.disbursed.get(c) or entry.plans.get(c)]
    return kept or codes[-1:]


# -- writing ----------------------------------------------------------------


def _write(prepared: _Prepared, *, file_name: str, digest: str, user) -> Snapshot:
    snapshot = create_snapshot(
        year=prepared.year, as_of=prepared.as_of, file_name=file_name, content_hash=digest, user=user
    )
    sources = {s.code: s for s in BudgetSource.objects.all()}
    lines = []
    for entry in prepared.entries:
        for code in _line_sources(entry):
            plan = entry.plans.get(code)
            lines.append(
                SnapshotLine(
                    snapshot=snapshot,
                    stream=entry.stream,
                    source=sources[code],
                    investor_id=entry.investor_id,
                    district_id=entry.district_id,
                    disbursed=entry.disbursed.get(code, 0),
                    stated_plan=plan,
                    stated_ratio=_stored_ratio(entry.line.ratio) if len(entry.disbursed) == 1 else None,
                    sheet=entry.line.sheet[:100],
                    row=entry.line.row,
                )
            )
    SnapshotLine.objects.bulk_create(lines, batch_size=2000)
    if len(prepared.plan_changes) > BULK_PLAN_CHANGES:
        _bulk_revise_allocations(prepared, snapshot=snapshot, file_name=file_name, user=user)
        changes = []
    else:
        changes = prepared.plan_changes
    for change in changes:
        revise_allocation(
            year=prepared.year,
            stream=change.stream,
            source=change.source,
            amount=change.amount,
            effective_from=change.effective_from,
            investor=_unit_ref("investor", change.investor_id),
            district=_unit_ref("district", change.district_id),
            note=f"{change.note} ({file_name})"[:500],
            user=user,
            snapshot=snapshot,
        )
    for level, code, amount, effective in prepared.city_changes:
        revise_city_plan(
            year=prepared.year,
            level=level,
            source=sources[code],
            amount=amount,
            effective_from=effective,
            note=f"Theo tệp {file_name}"[:500],
            user=user,
        )
    CityDisbursement.objects.bulk_create(
        [
            CityDisbursement(snapshot=snapshot, source=sources[code], disbursed=amount)
            for code, amount in prepared.city_disbursed.items()
        ]
    )
    return snapshot


def _bulk_revise_allocations(prepared: _Prepared, *, snapshot: Snapshot, file_name: str, user) -> None:
    """The rows revise_allocation writes, for many units at once (first import of a large file).

    Same rows and history records as calling revise_allocation per unit: an
    Allocation found or created with the default deadline, then a new
    AllocationRevision linked to the snapshot.
    """
    from simple_history.utils import bulk_create_with_history

    def key(stream_id, source_id, investor_id, district_id):
        return (stream_id, source_id, investor_id, district_id)

    existing = {
        key(a.stream_id, a.source_id, a.investor_id, a.district_id): a
        for a in Allocation.objects.filter(year=prepared.year, project__isnull=True)
    }
    missing = {}
    for change in prepared.plan_changes:
        k = key(change.stream.id, change.source.id, change.investor_id, change.district_id)
        if k not in existing and k not in missing:
            missing[k] = Allocation(
                year=prepared.year,
                stream_id=change.stream.id,
                source_id=change.source.id,
                investor_id=change.investor_id,
                district_id=change.district_id,
                deadline=disbursement_deadline(prepared.year),
            )
    if missing:
        bulk_create_with_history(list(missing.values()), Allocation, batch_size=2000, default_user=user)
        # Primary keys are not returned by every backend: read the new rows back.
        existing = {
            key(a.stream_id, a.source_id, a.investor_id, a.district_id): a
            for a in Allocation.objects.filter(year=prepared.year, project__isnull=True)
        }
    revisions = [
        AllocationRevision(
            allocation=existing[key(c.stream.id, c.source.id, c.investor_id, c.district_id)],
            amount=c.amount,
            effective_from=c.effective_from,
            note=f"{c.note} ({file_name})"[:500],
            recorded_by=user,
            snapshot=snapshot,
        )
        for c in prepared.plan_changes
    ]
    bulk_create_with_history(revisions, AllocationRevision, batch_size=2000, default_user=user)


def _unit_ref(kind: str, pk: int | None):
    """A model instance carrying only its id: enough for a foreign key, no query."""
    if pk is None:
        return None
    from districts.models import District
    from investors.models import Investor

    model = Investor if kind == "investor" else District
    return model(pk=pk)


def _stored_ratio(ratio):
    if ratio is None:
        return None
    from decimal import Decimal

    value = ratio.quantize(Decimal("0.0001"))
    return value if abs(value) < Decimal("99999999") else None


# -- jobs (admin and API) ---------------------------------------------------


def create_import_job(
    uploaded_file, *, user=None, file_name: str | None = None, as_of: dt.date | None = None
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
    data = _read_bytes(uploaded_file, issues)
    job = ImportJob(file_name=name, as_of=as_of, created_by=user, file_size=len(data or b""))
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
        from disbursement.importing.tasks import run_import_job_task

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


def read_source_bytes(source) -> bytes:
    """Bytes of a path or file-like, for callers that need them (tests, benchmarks)."""
    if isinstance(source, str | os.PathLike):
        return Path(source).read_bytes()
    return io.BytesIO(source.read()).getvalue()
