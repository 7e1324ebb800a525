"""A new version of a date computed from the version it superseded.

A file that restates a few units of a date is written as a new version sharing every other line
(snapshots.services.create_snapshot). Its figures are those of the version it superseded, except the
units the file lists, their streams (totals, averages, the ranks the units moved across) and the city:
`incremental_base` says when the superseded version's stored figures are a valid starting point, and
the figures and flags are the same as a full compute's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from core.figures import disbursement_ratio
from disbursement.figures.building import (
    FIGURE_VALUES,
    RATIO_AT,
    STORED_RATIO,
    Comparison,
    FigureRow,
    Inputs,
    Reported,
    _lines_by_unit_and_source,
    _Row,
    city_rows,
    stream_order,
)
from disbursement.figures.lineage import UnitChanges
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    Figure,
    Snapshot,
    SnapshotLine,
    Submission,
)
from disbursement.models.snapshots import rows_read, units_q, versions_read_by
from disbursement.snapshots.selectors import previous_snapshot

# A plan written this long before a version was computed is taken as seen by that computation: a transaction
# that records revisions and commits later than this could otherwise go unnoticed by the incremental path.
PLAN_WRITES_SETTLE = dt.timedelta(hours=1)


def incremental_base(snapshot: Snapshot) -> Snapshot | None:
    """The computed version this snapshot superseded, when its stored figures and this snapshot's own file
    give exactly the inputs a full compute would read; else None.

    That is when: the snapshot was written by an import as that version plus one file (it carries lines
    from other files: a version written before files had scopes replaced everything); that version's
    figures were computed against the same previous snapshot, computed no later than them; and no plan
    has been written since (less PLAN_WRITES_SETTLE). Lines never change once written, and the city
    lines, city plans, last year's and the previous snapshot's figures, settings and rules are read
    afresh either way.
    """
    submission_id = Submission.objects.filter(snapshot=snapshot).values_list("id", flat=True).first()
    if submission_id is None:
        return None
    bases = list(Snapshot.objects.filter(superseded_by=snapshot, year=snapshot.year, as_of=snapshot.as_of)[:2])
    if len(bases) != 1 or bases[0].computed_at is None:
        return None
    base = bases[0]
    if not SnapshotLine.objects.of(snapshot).exclude(submission_id=submission_id).exists():
        return None
    previous = previous_snapshot(snapshot)
    used = Figure.objects.of(base).filter(scope=Figure.Scope.CITY).values_list("previous_snapshot_id", flat=True)
    if list(used) != [previous.id if previous else None]:
        return None
    if previous is not None and (previous.computed_at is None or previous.computed_at > base.computed_at):
        return None
    since = base.computed_at - PLAN_WRITES_SETTLE
    # Every plan written is in its history (the import's bulk writes and the plan services' alike), whose
    # date is indexed: the revisions' own `recorded_at` is not, and a national year holds a hundred thousand.
    if (
        AllocationRevision.history.filter(history_date__gt=since).exists()
        or Allocation.history.filter(history_date__gt=since).exists()
    ):
        return None
    return base


def inputs_from_base(snapshot: Snapshot, base: Snapshot) -> Inputs:
    """The inputs of `snapshot` from the stored per-source unit figures of `base` (see incremental_base),
    with the units of the snapshot's own file read from its lines: each such unit replaces, in its stream,
    every source it had."""
    submission_id = Submission.objects.filter(snapshot=snapshot).values_list("id", flat=True).get()
    from_file = _lines_by_unit_and_source(SnapshotLine.objects.filter(snapshot=snapshot, submission_id=submission_id))
    listed = {(stream_id, investor_id, district_id) for stream_id, _s, investor_id, district_id in from_file}
    plans: dict[tuple, int] = {}
    reported: dict[tuple, Reported] = {}
    for stream_id, source_id, investor_id, district_id, amount, plan, on, from_submission in (
        Figure.objects.of(base)
        .filter(scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT], source__isnull=False)
        .values_list(
            "stream_id", "source_id", "investor_id", "district_id", "disbursed", "plan", "reported_on", "submission_id"
        )
    ):
        key = (stream_id, source_id, investor_id, district_id)
        if plan is not None:
            plans[key] = plan
        if amount is not None and (stream_id, investor_id, district_id) not in listed:
            reported[key] = Reported(amount, on or base.as_of, from_submission)
    for key, (amount, from_submission) in from_file.items():
        reported[key] = Reported(amount, snapshot.as_of, from_submission)
    return Inputs(plans, reported)


# A file listing more units than this is computed from all the superseded version's figures (inputs_from_base):
# each unit moves its stream's totals and the ranks it crosses, and past a few, rebuilding is as quick.
FEW_UNITS = 50
# Stored ratios keep six decimals: a unit whose stored ratio lies within this of a bound is compared exactly.
_ROUNDING = STORED_RATIO
_STREAM_LEVEL = (Figure.Scope.CITY, Figure.Scope.SOURCE, Figure.Scope.STREAM)


@dataclass
class Patch:
    """What a version changes in the figures of the version it superseded (see `patch_from_base`)."""

    figures: list[FigureRow]  # its own figures: those that differ
    replaced: list[int]  # the superseded version's figures they replace
    averages: dict[int, tuple]  # stream id -> (the stream's ratio before, after), over all sources


def _row_of(values: tuple) -> _Row:
    """A stored figure (FIGURE_VALUES) as the row it was built from."""
    v = dict(zip(FIGURE_VALUES, values, strict=True))
    ranked = v["rank_of_pm"] is not None or v["rank_of_detailed"] is not None
    return _Row(
        scope=v["scope"],
        stream_id=v["stream_id"],
        source_id=v["source_id"],
        investor_id=v["investor_id"],
        district_id=v["district_id"],
        disbursed=v["disbursed"],
        plan=v["plan"],
        plan_pm=v["plan_pm"],
        plan_detailed=v["plan_detailed"],
        rank=v["rank"],
        rank_of=v["rank_of"],
        reported_on=v["reported_on"],
        submission_id=v["submission_id"],
        is_partial=v["is_partial"],
        coverage=dict(v["coverage"] or {}),
        ranks={
            "pm": (v["rank_pm"], v["rank_of_pm"]),
            "detailed": (v["rank_detailed"], v["rank_of_detailed"]),
        }
        if ranked
        else {},
    )


def _exact_ratio(row: _Row) -> Decimal | None:
    return disbursement_ratio(row.disbursed, row.plan)


def patch_from_base(snapshot: Snapshot, base: Snapshot, changes: UnitChanges) -> Patch | None:
    """The figures of `snapshot` that differ from those of `base` (incremental_base), built from base's stored
    figures without reading the others: the units its file lists, in each of their streams and sources; the
    streams' totals and coverage; the units whose rank a listed unit crossed; the city and its sources.

    None when the file does not only restate units `base` already reads as reported, in the same sources:
    a unit new to the date, or one that leaves a source, changes how many units are ranked, and the figures
    are then computed from all of base's (inputs_from_base).
    """
    submission_id = Submission.objects.filter(snapshot=snapshot).values_list("id", flat=True).get()
    listed: dict[tuple, dict[int, int]] = defaultdict(dict)  # (stream, investor, district) -> {source: amount}
    for (stream_id, source_id, investor_id, district_id), (amount, _file) in _lines_by_unit_and_source(
        SnapshotLine.objects.filter(snapshot=snapshot, submission_id=submission_id)
    ).items():
        listed[(stream_id, investor_id, district_id)][source_id] = amount
    if len(listed) > FEW_UNITS:
        return None
    day = snapshot.as_of
    rows_of_base = rows_read(Figure.objects.all(), base, versions_read_by(base, "shares_figures"))
    stored = {
        row[1:6]: (row[0], row[1:])
        for row in rows_of_base.filter(Q(scope__in=_STREAM_LEVEL) | units_q({unit[1:] for unit in listed}))
        .values_list("id", *FIGURE_VALUES)
        .order_by()
    }
    rebuilt: dict[tuple, _Row] = {}
    # Per stream and source (None: all sources): the listed units' rows there, with their new amount.
    moved: dict[tuple, list[tuple[_Row, int]]] = defaultdict(list)
    for (stream_id, investor_id, district_id), amounts in listed.items():
        scope = Figure.Scope.INVESTOR if investor_id else Figure.Scope.DISTRICT
        found = {
            key[2]: _row_of(values)
            for key, (_id, values) in stored.items()
            if key[0] == scope and key[1] == stream_id and key[3:5] == (investor_id, district_id)
        }
        whole = found.get(None)
        if whole is None or whole.disbursed is None:
            return None
        if {source for source, row in found.items() if source is not None and row.disbursed is not None} != set(
            amounts
        ):
            return None
        moved[(stream_id, None)].append((whole, sum(amounts.values())))
        for source_id, amount in amounts.items():
            moved[(stream_id, source_id)].append((found[source_id], amount))

    for (stream_id, source_id), units in moved.items():
        entry = stored.get((Figure.Scope.STREAM, stream_id, source_id, None, None))
        if entry is None:
            return None
        stream = _row_of(entry[1])
        for row, amount in units:
            stream.disbursed += amount - row.disbursed
            if row.reported_on != day:
                # Carried from an earlier date until now: reported on the date.
                stream.coverage["units_reported_on_date"] += 1
                stream.coverage["units_carried"] -= 1
        stream.reported_on = day
        average = disbursement_ratio(stream.disbursed, stream.plan)
        stream.stream_average = average
        rebuilt[stream.key] = stream
        for row, key, rank in _ranks_moved(rows_of_base, stored, stream_id, source_id, units):
            row.rank = rank
            row.stream_average = average
            rebuilt[key] = row
        for row, amount in units:
            row.disbursed, row.reported_on, row.submission_id = amount, day, submission_id
            row.stream_average = average
            rebuilt[row.key] = row

    sources = {s.id: s for s in BudgetSource.objects.all()}
    streams = {s.id: s for s in CapitalStream.objects.all()}
    stream_rows = [
        rebuilt.get(key) or _row_of(values) for key, (_id, values) in stored.items() if key[0] == Figure.Scope.STREAM
    ]
    stream_rows.sort(key=lambda r: stream_order(streams, sources, r.stream_id, r.source_id))
    for row in city_rows(snapshot, stream_rows, sources, streams):
        rebuilt[row.key] = row

    comparison = Comparison.of(snapshot, changes, list(rebuilt.values()))
    figures, replaced, averages = [], [], {}
    for row in rebuilt.values():
        figure = comparison.figure(row)
        before = stored.get(row.key)
        if before is not None and tuple(before[1][5:]) == figure.values()[5:]:
            continue
        figures.append(figure)
        if before is not None:
            replaced.append(before[0])
        if row.scope == Figure.Scope.STREAM and row.source_id is None:
            averages[row.stream_id] = (before[1][RATIO_AT] if before else None, figure.ratio)
    # The city's sources no longer stated (a summary replaced by another, or by the sum of the reports).
    replaced += [
        figure_id
        for key, (figure_id, _values) in stored.items()
        if key[0] in (Figure.Scope.CITY, Figure.Scope.SOURCE) and key not in rebuilt
    ]
    return Patch(figures, replaced, averages)


def _ranks_moved(
    rows_of_base, stored: dict, stream_id: int, source_id: int | None, units: list[tuple[_Row, int]]
) -> list[tuple[_Row, tuple, int]]:
    """(row, key, new rank) of every unit of the stream and source whose rank changes as `units` (rows of
    base, with their new amount) move; the units read are added to `stored`.

    A unit's rank is 1 + the number of units with a higher ratio (competition ranking, as rank_by_ratio), so
    another unit moves only if its ratio lies between a listed unit's old and new one. Those are read from
    the database within these bounds and compared exactly (stored ratios are rounded); a listed unit's new
    rank is its old one less those it passed (more those that passed it) and the listed units' moves."""
    olds = [_exact_ratio(row) for row, _amount in units]
    news = [disbursement_ratio(amount, row.plan) for row, amount in units]
    rows = rows_of_base.filter(stream_id=stream_id, scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT])
    rows = rows.filter(source__isnull=True) if source_id is None else rows.filter(source_id=source_id)
    rows = rows.exclude(id__in=[stored[row.key][0] for row, _amount in units])
    bounds = Q()
    for old, new in zip(olds, news, strict=True):
        if new is not None:
            bounds |= Q(ratio__gte=min(old, new) - _ROUNDING, ratio__lte=max(old, new) + _ROUNDING)
    if not bounds:
        return []
    between = []
    for figure_id, *values in rows.filter(bounds).values_list("id", *FIGURE_VALUES).order_by():
        row = _row_of(values)
        stored[row.key] = (figure_id, tuple(values))
        between.append((row, _exact_ratio(row)))
    moved = []
    for row, ratio in between:
        shift = sum((new > ratio) - (old > ratio) for old, new in zip(olds, news, strict=True) if new is not None)
        if shift:
            moved.append((row, row.key, row.rank + shift))
    for index, (row, _amount) in enumerate(units):
        old, new = olds[index], news[index]
        if new is None:
            continue
        others = [(o, n) for j, (o, n) in enumerate(zip(olds, news, strict=True)) if j != index and n is not None]
        # Units the file does not list above it before, from its stored rank; then those it passed or that
        # passed it (all between its two ratios, so read above); then the listed ones above it now.
        higher = row.rank - 1 - sum(1 for o, _n in others if o > old)
        higher += sum(1 for _row, ratio in between if new < ratio <= old) - sum(
            1 for _row, ratio in between if old < ratio <= new
        )
        higher += sum(1 for _o, n in others if n > new)
        moved.append((row, row.key, higher + 1))
    return moved
