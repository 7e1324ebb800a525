"""Write a checked file as a new version of its date's snapshot, in the caller's transaction.

The new version holds the file's lines and reads, unchanged and with the
submission they came from, every line of the previous version that lies
outside the file's scope (the units it lists in the streams it lists them
under; the city-wide lines when it states them): those lines are shared, not
copied (models/snapshots.py). The previous version is superseded and kept.
"""

from __future__ import annotations

from disbursement.db import insert_values
from disbursement.importing.plan_changes import PlanChange
from disbursement.importing.prepare import Prepared, stored_ratio
from disbursement.models import (
    BudgetSource,
    CityDisbursement,
    Snapshot,
    SnapshotLine,
    StatedSubtotal,
    Submission,
)
from disbursement.plans.services import AllocationChange, revise_allocation, revise_allocations, revise_city_plan
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
        # Made one at a time as the database takes them: a large file's are never all held.
        changes = (
            AllocationChange(
                c.stream, c.source, c.investor_id, c.district_id, c.amount, c.effective_from, _note(c, file_name)
            )
            for c in prepared.plan_changes()
        )
        revise_allocations(prepared.year, changes, user=user, snapshot=snapshot)
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
                note=_note(change, file_name),
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


def _note(change: PlanChange, file_name: str) -> str:
    """A revision's note: the file's cell it was read from, and the file."""
    return f"{change.note} ({file_name})"[:500]
