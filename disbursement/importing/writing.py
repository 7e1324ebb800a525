"""Write a checked file as a new version of its date's snapshot, in the caller's transaction.

The new version holds the file's lines and reads, unchanged and with the
submission they came from, every line of the previous version that lies
outside the file's scope (the units it lists in the streams it lists them
under; the city-wide lines when it states them): those lines are shared, not
copied (models/snapshots.py). The previous version is superseded and kept.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator

from django.db.models import Max
from django.utils import timezone

from core.fiscal import disbursement_deadline
from disbursement.db import insert_history, insert_history_of, insert_values
from disbursement.importing.prepare import Prepared, stored_ratio
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CityDisbursement,
    Snapshot,
    SnapshotLine,
    StatedSubtotal,
    Submission,
)
from disbursement.plans.services import revise_allocation, revise_city_plan
from disbursement.snapshots.services import create_snapshot, end_replaced_lines
from districts.models import District
from investors.models import Investor

# Above this many plan changes, plans are written in bulk (same rows as revise_allocation).
BULK_PLAN_CHANGES = 200
LINE_COLUMNS = [
    "snapshot_id",
    "stream_id",
    "source_id",
    "investor_id",
    "district_id",
    "project_id",
    "disbursed",
    "stated_plan",
    "stated_ratio",
    "sheet",
    "row",
    "submission_id",
]
ALLOCATION_COLUMNS = ["year", "stream_id", "source_id", "investor_id", "district_id", "project_id", "deadline"]
REVISION_COLUMNS = ["allocation_id", "amount", "effective_from", "note", "recorded_by_id", "recorded_at", "snapshot_id"]


def write_submission(prepared: Prepared, *, file_name: str, digest: str, user, sender: str = "") -> Submission:
    snapshot = create_snapshot(
        year=prepared.year,
        as_of=prepared.as_of,
        file_name=file_name,
        content_hash=digest,
        user=user,
        shares_lines=True,
    )
    submission = Submission.objects.create(
        year=prepared.year,
        as_of=prepared.as_of,
        sender=sender[:300],
        file_name=file_name[:300],
        content_hash=digest,
        imported_by=user,
        snapshot=snapshot,
        states_city=prepared.states_city,
        units=len(prepared.entries),
    )
    sources = {s.code: s for s in BudgetSource.objects.all()}
    submission.streams.set(prepared.entries.streams)
    submission.sources.set(
        {sources[code].id for code in prepared.entries.source_codes}
        | {sources[code].id for code in prepared.city_disbursed}
    )
    # What the new version carries comes from the version create_snapshot has just superseded (locked): another
    # file for the date may have landed since the preview read prepared.superseded.
    superseded = Snapshot.objects.filter(superseded_by=snapshot).order_by("-id").first()
    _write_lines(prepared, snapshot, submission, sources, superseded)
    _write_city(prepared, snapshot, submission, sources, superseded)
    _write_subtotals(prepared, snapshot, submission, sources, superseded)
    _write_plans(prepared, snapshot, file_name=file_name, user=user, sources=sources)
    return submission


def _write_lines(
    prepared: Prepared, snapshot: Snapshot, submission: Submission, sources: dict, superseded: Snapshot | None
) -> None:
    def lines():
        for entry in prepared.entries:
            line, disbursed, plans = entry.line, entry.disbursed, entry.plans
            ratio = stored_ratio(line.ratio) if len(disbursed) == 1 else None
            stream_id, investor_id, district_id = entry.key
            for code in entry.line_sources:
                yield (
                    snapshot.id,
                    stream_id,
                    sources[code].id,
                    investor_id,
                    district_id,
                    None,
                    disbursed.get(code, 0),
                    plans.get(code),
                    ratio,
                    line.sheet[:100],
                    line.row,
                    submission.id,
                )

    insert_values(SnapshotLine, LINE_COLUMNS, lines())
    if superseded is not None:
        # The file's lines are the scope: they end the earlier lines they restate; the others are shared.
        end_replaced_lines(snapshot)


def _write_city(
    prepared: Prepared, snapshot: Snapshot, submission: Submission, sources: dict, superseded: Snapshot | None
) -> None:
    if prepared.states_city:
        rows = [
            CityDisbursement(
                snapshot_id=snapshot.id, source_id=sources[code].id, disbursed=amount, submission=submission
            )
            for code, amount in prepared.city_disbursed.items()
        ]
    elif superseded is not None:
        rows = list(CityDisbursement.objects.filter(snapshot=superseded))
        for row in rows:
            row.pk = None
            row.snapshot_id = snapshot.id
    else:
        rows = []
    CityDisbursement.objects.bulk_create(rows)


def _write_subtotals(
    prepared: Prepared, snapshot: Snapshot, submission: Submission, sources: dict, superseded: Snapshot | None
) -> None:
    """The file's stated subtotals; those of streams the file does not state are carried over."""
    stated = {(t.stream.id, t.source_code) for t in prepared.subtotals}
    rows = [
        StatedSubtotal(
            snapshot=snapshot,
            stream=t.stream,
            source=sources[t.source_code] if t.source_code else None,
            disbursed=t.disbursed,
            plan=t.plan,
            stated_ratio=stored_ratio(t.ratio),
            sheet=t.sheet[:100],
            row=t.row,
            submission=submission,
        )
        for t in prepared.subtotals
    ]
    if superseded is not None:
        codes = {s.id: s.code for s in sources.values()}
        for row in StatedSubtotal.objects.filter(snapshot=superseded):
            if (row.stream_id, codes.get(row.source_id)) in stated:
                continue
            row.pk = None
            row.snapshot_id = snapshot.id
            rows.append(row)
    StatedSubtotal.objects.bulk_create(rows)


def _write_plans(prepared: Prepared, snapshot: Snapshot, *, file_name: str, user, sources: dict) -> None:
    if prepared.plan_revisions > BULK_PLAN_CHANGES:
        _bulk_revise_allocations(prepared, snapshot=snapshot, file_name=file_name, user=user)
    else:
        for change in prepared.plan_changes():
            revise_allocation(
                year=prepared.year,
                stream=change.stream,
                source=change.source,
                amount=change.amount,
                effective_from=change.effective_from,
                investor=Investor(pk=change.investor_id) if change.investor_id else None,
                district=District(pk=change.district_id) if change.district_id else None,
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


def _bulk_revise_allocations(prepared: Prepared, *, snapshot: Snapshot, file_name: str, user) -> None:
    """The rows revise_allocation writes, for many units at once (first import of a large file).

    Same rows and history records as calling revise_allocation per unit: an
    Allocation found or created with the default deadline, then a new
    AllocationRevision linked to the snapshot, each with its "+" history record.
    Written as plain values (no model instances): tens of thousands of them.
    """
    year = prepared.year
    now = timezone.now()
    user_id = user.pk if user is not None else None
    allocations = Allocation.objects.filter(year=year, project__isnull=True)
    fields = ("id", "stream_id", "source_id", "investor_id", "district_id")

    def key(change) -> tuple:
        return (change.stream.id, change.source.id, change.investor_id, change.district_id)

    # The year's allocations by packed key (none on a first import); those to create are made as they are written.
    existing = {_packed(*k): pk for pk, *k in allocations.values_list(*fields).iterator(chunk_size=5000)}

    def missing() -> Iterator[tuple]:
        return (k for c in prepared.plan_changes() if _packed(*(k := key(c))) not in existing)

    deadline = disbursement_deadline(year)
    before = Allocation.objects.aggregate(last=Max("id"))["last"] or 0
    created = insert_values(Allocation, ALLOCATION_COLUMNS, ((year, *k, None, deadline) for k in missing()))
    new = _new_allocations(allocations.filter(id__gt=before).order_by("id").values_list(*fields), created, missing)
    insert_history(
        Allocation,
        ["id", *ALLOCATION_COLUMNS],
        ((row[0], year, *row[1:], None, deadline) for row in new),
        now,
        user_id,
    )
    new_ids = iter(new.ids)
    revisions = (
        (
            existing.get(_packed(*key(c))) or next(new_ids),
            c.amount,
            c.effective_from,
            f"{c.note} ({file_name})"[:500],
            user_id,
            now,
            snapshot.id,
        )
        for c in prepared.plan_changes()
    )
    insert_values(AllocationRevision, REVISION_COLUMNS, revisions)
    # The snapshot is new: its revisions are the ones just written; their history is copied by the database.
    insert_history_of(AllocationRevision, "snapshot_id = %s", [snapshot.id], now, user_id)


def _packed(*ids: int | None) -> int:
    """Ids (None as 0) as one integer, each in 64 bits: a key a third the size of a tuple."""
    packed = 0
    for value in ids:
        packed = (packed << 64) | (value or 0)
    return packed


class _Rows:
    """Rows of (id, stream_id, source_id, investor_id, district_id) held as five arrays of integers."""

    def __init__(self) -> None:
        self._columns = [array("q") for _ in range(5)]

    def append(self, row: tuple) -> None:
        for column, value in zip(self._columns, row, strict=True):
            column.append(value or 0)

    def __len__(self) -> int:
        return len(self._columns[0])

    @property
    def ids(self) -> array:
        return self._columns[0]

    def __iter__(self) -> Iterator[tuple]:
        for pk, stream_id, source_id, investor_id, district_id in zip(*self._columns, strict=True):
            yield pk, stream_id, source_id, investor_id or None, district_id or None


def _new_allocations(read_back, created: int, expected: Callable[[], Iterator[tuple]]) -> _Rows:
    """The allocations just inserted, in the order written (primary keys are not returned by every backend):
    the year's rows above the last id before the insert, in id order. When another transaction has committed
    some of its own there meanwhile, ours are told by their keys, in the order `expected()` gives them."""
    found = _Rows()
    if created:
        for row in read_back.iterator(chunk_size=5000):
            found.append(row)
    if len(found) == created:
        return found
    rows = _Rows()
    wanted = expected()
    want = next(wanted, None)
    for pk, *k in found:
        if tuple(k) == want:
            rows.append((pk, *k))
            want = next(wanted, None)
    if len(rows) != created:
        raise RuntimeError(f"{created} allocations written, {len(rows)} read back")
    return rows
