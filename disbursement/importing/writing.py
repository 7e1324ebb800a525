"""Write a checked file as a new version of its date's snapshot, in the caller's transaction.

The new version holds the file's lines and reads, unchanged and with the
submission they came from, every line of the previous version that lies
outside the file's scope (the units it lists in the streams it lists them
under; the city-wide lines when it states them): those lines are shared, not
copied (models/snapshots.py). The previous version is superseded and kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from core.fiscal import disbursement_deadline
from disbursement.db import insert_history_of, insert_into, insert_values
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
# The temporary table a large file's plan changes are written to, from which the database makes the plan rows.
PLAN_CHANGES = "import_plan_changes"
PLAN_CHANGE_COLUMNS = [
    "n",
    "stream_id",
    "source_id",
    "investor_id",
    "district_id",
    "amount",
    "effective_from",
    "note",
    "allocation_id",
]


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
    """The rows revise_allocation writes, for many units at once (a large file: above BULK_PLAN_CHANGES).

    Same rows and history records as calling revise_allocation per unit: an
    Allocation found or created with the default deadline, then a new
    AllocationRevision linked to the snapshot, each with its "+" history record.
    The changes are made once, in Python, into a temporary table (PLAN_CHANGES);
    the database makes the allocations, revisions and history records from it
    (INSERT ... SELECT), so that no row comes back to Python nor is sent twice.
    """
    year = prepared.year
    now = timezone.now()
    user_id = user.pk if user is not None else None
    ops = connection.ops
    allocations = Allocation.objects.filter(year=year, project__isnull=True)
    fields = ("id", "stream_id", "source_id", "investor_id", "district_id")
    # The year's allocations by packed key (none on a first import).
    existing = {_packed(*k): pk for pk, *k in allocations.values_list(*fields).iterator(chunk_size=5000)}
    dates: dict[dt.date, object] = {}

    def staged() -> Iterator[tuple]:
        for n, c in enumerate(prepared.plan_changes()):
            key = (c.stream.id, c.source.id, c.investor_id, c.district_id)
            day = dates.get(c.effective_from)
            if day is None:
                day = dates[c.effective_from] = ops.adapt_datefield_value(c.effective_from)
            note = f"{c.note} ({file_name})"[:500]
            yield (n, *key, c.amount, day, note, existing.get(_packed(*key)))

    table = ops.quote_name(PLAN_CHANGES)
    allocation_table = ops.quote_name(Allocation._meta.db_table)
    revision_table = ops.quote_name(AllocationRevision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (n integer NOT NULL, stream_id bigint NOT NULL, "
            "source_id bigint NOT NULL, investor_id bigint, district_id bigint, amount bigint NOT NULL, "
            "effective_from date NOT NULL, note varchar(500) NOT NULL, allocation_id bigint, "
            "created integer NOT NULL DEFAULT 0)"
        )
        insert_into(PLAN_CHANGES, PLAN_CHANGE_COLUMNS, staged())
        before = Allocation.objects.aggregate(last=Max("id"))["last"] or 0
        # The missing allocations, in the file's order, with the year's default deadline.
        cursor.execute(
            f"INSERT INTO {allocation_table} "
            "(year, stream_id, source_id, investor_id, district_id, project_id, deadline) "
            f"SELECT %s, stream_id, source_id, investor_id, district_id, NULL, %s FROM {table} "
            "WHERE allocation_id IS NULL ORDER BY n",
            [year, ops.adapt_datefield_value(disbursement_deadline(year))],
        )
        # Their ids, found by their unit's key (the unique constraints' indexes).
        for unit in ("investor_id", "district_id"):
            cursor.execute(
                f"UPDATE {table} SET created = 1, allocation_id = (SELECT a.id FROM {allocation_table} a "
                f"WHERE a.year = %s AND a.project_id IS NULL AND a.stream_id = {table}.stream_id "
                f"AND a.source_id = {table}.source_id AND a.{unit} = {table}.{unit}) "
                f"WHERE allocation_id IS NULL AND {unit} IS NOT NULL",
                [year],
            )
        # Their history records: the new rows (above the last id before, a range of the primary key's index).
        insert_history_of(
            Allocation,
            f"id > %s AND id IN (SELECT allocation_id FROM {table} WHERE created = 1)",
            [before],
            now,
            user_id,
        )
        cursor.execute(
            f"INSERT INTO {revision_table} "
            "(allocation_id, amount, effective_from, note, recorded_by_id, recorded_at, snapshot_id) "
            f"SELECT allocation_id, amount, effective_from, note, %s, %s, %s FROM {table} ORDER BY n",
            [user_id, ops.adapt_datetimefield_value(now), snapshot.id],
        )
        cursor.execute(f"DROP TABLE {table}")
    # The snapshot is new: its revisions are the ones just written; their history is copied by the database.
    insert_history_of(AllocationRevision, "snapshot_id = %s", [snapshot.id], now, user_id)


def _packed(*ids: int | None) -> int:
    """Ids (None as 0) as one integer, each in 64 bits: a key a third the size of a tuple."""
    packed = 0
    for value in ids:
        packed = (packed << 64) | (value or 0)
    return packed
