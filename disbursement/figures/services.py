"""Compute the figures of a snapshot and store them.

All rows of a snapshot, and the flags raised or cleared on its date, are
replaced in one transaction; computing the same snapshot twice gives identical
rows. The comparison with the previous snapshot and with last year reads the
stored figures of those snapshots when they have been computed, and computes
them in memory otherwise, so the result does not depend on import order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from operator import attrgetter

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q, Sum
from django.utils import timezone

from core.figures import change_in_points, disbursement_ratio
from core.fiscal import disbursement_deadline, weeks_between
from core.notation import format_percent
from core.succession import ComparisonBasis
from disbursement.db import insert_values
from disbursement.figures.lineage import UnitChanges, rekeyed
from disbursement.flags.services import Replacement, evaluate_flags, rules_changed_since
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    CityDisbursement,
    Figure,
    Snapshot,
    SnapshotLine,
    Submission,
)
from disbursement.plans.selectors import allocations_in_force, city_plans_in_force, engine_setting
from disbursement.recompute import request_recompute
from disbursement.snapshots.selectors import previous_snapshot, same_period_snapshot

STORED_RATIO = Decimal("0.000001")

Key = tuple  # (scope, stream_id, source_id, investor_id, district_id)


def _stored(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else ratio.quantize(STORED_RATIO)


@dataclass
class _Row:
    scope: str
    stream_id: int | None = None
    source_id: int | None = None
    investor_id: int | None = None
    district_id: int | None = None
    # None: nothing reported yet this year (chưa báo cáo).
    disbursed: int | None = 0
    plan: int | None = None
    plan_pm: int | None = None
    plan_detailed: int | None = None
    stream_average: Decimal | None = None
    rank: int | None = None
    rank_of: int | None = None
    reported_on: dt.date | None = None
    submission_id: int | None = None
    is_partial: bool = False
    coverage: dict = field(default_factory=dict)
    ranks: dict = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.scope, self.stream_id, self.source_id, self.investor_id, self.district_id)


@dataclass(frozen=True)
class Outlook:
    """What is still to disburse to reach the year's target, and the weekly pace it needs."""

    target_percent: Decimal
    target_date: dt.date
    target_amount: int | None
    remaining_amount: int | None
    weeks_remaining: int
    weekly_required: int | None


def _ceil_div(numerator: Decimal | int, denominator: int) -> int:
    return int((Decimal(numerator) / denominator).to_integral_value(rounding=ROUND_CEILING))


def outlook(
    disbursed: int, plan: int | None, as_of: dt.date, *, target_percent: Decimal, target_date: dt.date
) -> Outlook:
    """Year-end outlook of one figure: target = plan × target %, rounded up to the đồng."""
    weeks = weeks_between(as_of, target_date)
    if not plan:
        return Outlook(target_percent, target_date, None, None, weeks, None)
    target = _ceil_div(Decimal(plan) * target_percent, 100)
    remaining = max(0, target - disbursed)
    weekly = _ceil_div(remaining, weeks) if weeks else None
    return Outlook(target_percent, target_date, target, remaining, weeks, weekly)


def rank_by_ratio(items: list[tuple[tuple, Decimal | None]]) -> dict[tuple, int]:
    """Competition ranking by ratio, highest first; equal ratios share a rank (1, 2, 2, 4).

    Units without a plan (ratio None) are not ranked.
    """
    ranked = sorted(((ratio, key) for key, ratio in items if ratio is not None), key=lambda t: t[0], reverse=True)
    ranks: dict[tuple, int] = {}
    previous_ratio = None
    rank = 0
    for position, (ratio, key) in enumerate(ranked, start=1):
        if ratio != previous_ratio:
            rank = position
            previous_ratio = ratio
        ranks[key] = rank
    return ranks


@dataclass(frozen=True, slots=True)
class Reported:
    """A unit's cumulative amount from one source, with the date and the file it comes from."""

    amount: int
    reported_on: dt.date
    submission_id: int | None


def _lines_by_unit_and_source(lines) -> dict[tuple, tuple[int, int | None]]:
    """Lines summed per (stream_id, source_id, investor_id, district_id), with the file they came from."""
    return {
        (stream_id, source_id, investor_id, district_id): (total, submission_id)
        for stream_id, source_id, investor_id, district_id, total, submission_id in (
            lines.values("stream_id", "source_id", "investor_id", "district_id")
            .annotate(total=Sum("disbursed"), file=Max("submission_id"))
            .values_list("stream_id", "source_id", "investor_id", "district_id", "total", "file")
            .order_by()
        )
    }


def _combined(first: Reported, second: Reported) -> Reported:
    """Two units' reports counted under the one unit that holds both (a merger)."""
    return Reported(first.amount + second.amount, max(first.reported_on, second.reported_on), first.submission_id)


def reported_by_unit_and_source(snapshot: Snapshot, changes: UnitChanges | None = None) -> dict[tuple, Reported]:
    """What the date reads per (stream, source, investor, district): the snapshot's own lines, and for a
    unit that has not reported on this date, its latest earlier report of the same year.

    A unit that reported on the date replaces all its sources in that stream (as its file did); a unit
    that has not is carried whole from the previous snapshot, whose figures already carry theirs. An
    earlier report of a unit merged since is carried under its successor (lineage.UnitChanges).
    """
    changes = UnitChanges.read() if changes is None else changes
    own = {
        key: Reported(amount, snapshot.as_of, submission_id)
        for key, (amount, submission_id) in _lines_by_unit_and_source(SnapshotLine.objects.of(snapshot)).items()
    }
    # A line of a merged unit's project on a later date counts under the successor (a file's names already do).
    own = rekeyed(own, snapshot.as_of, changes, _combined, keep_unheld=True)
    present = {(k[0], k[2], k[3]) for k in own}
    previous = previous_snapshot(snapshot)
    if previous is None:
        return own
    carried = rekeyed(_reported_per_source(previous), snapshot.as_of, changes, _combined)
    for key, earlier in carried.items():
        if (key[0], key[2], key[3]) not in present:
            own[key] = earlier
    return own


def _reported_per_source(snapshot: Snapshot) -> dict[tuple, Reported]:
    """Per-source unit figures of an earlier snapshot: stored if computed, else computed in memory."""
    if snapshot.computed_at is not None:
        rows = (
            Figure.objects.of(snapshot)
            .filter(
                scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT],
                source__isnull=False,
                disbursed__isnull=False,
            )
            .values_list(
                "stream_id", "source_id", "investor_id", "district_id", "disbursed", "reported_on", "submission_id"
            )
        )
        stored = {
            (stream_id, source_id, investor_id, district_id): Reported(amount, on or snapshot.as_of, submission_id)
            for stream_id, source_id, investor_id, district_id, amount, on, submission_id in rows
        }
        if stored:
            return stored
    return reported_by_unit_and_source(snapshot)


def _all_sources(by_source: dict[tuple, int]) -> dict[tuple, int]:
    """(stream, source, investor, district) amounts summed over sources: (stream, investor, district)."""
    totals: dict[tuple, int] = defaultdict(int)
    for (stream_id, _source_id, investor_id, district_id), amount in by_source.items():
        totals[(stream_id, investor_id, district_id)] += amount
    return totals


def _ranked(rows: list[_Row], field_name: str) -> tuple[dict[tuple, int], int]:
    ranks = rank_by_ratio([(r.key, disbursement_ratio(r.disbursed, getattr(r, field_name))) for r in rows])
    return ranks, len(ranks)


def _stream_rows(
    stream_id: int,
    source_id: int | None,
    units: set[tuple],
    reported: dict[tuple, Reported],
    plans: dict,
    as_of: dt.date,
) -> list[_Row]:
    """The stream's row and its units' rows, ranked; `reported` and `plans` are keyed (investor_id, district_id).

    A unit with a plan and no report this year has no amount (None): it is neither summed nor ranked.
    """
    unit_rows = []
    for investor_id, district_id in sorted(units, key=lambda u: (u[0] or 0, u[1] or 0)):
        found = reported.get((investor_id, district_id))
        unit_rows.append(
            _Row(
                scope=Figure.Scope.INVESTOR if investor_id else Figure.Scope.DISTRICT,
                stream_id=stream_id,
                source_id=source_id,
                investor_id=investor_id,
                district_id=district_id,
                disbursed=found.amount if found else None,
                plan=plans.get((investor_id, district_id)),
                reported_on=found.reported_on if found else None,
                submission_id=found.submission_id if found else None,
            )
        )
    has_plan = any(r.plan is not None for r in unit_rows)
    reported_rows = [r for r in unit_rows if r.disbursed is not None]
    on_date = sum(1 for r in reported_rows if r.reported_on == as_of)
    stream_row = _Row(
        scope=Figure.Scope.STREAM,
        stream_id=stream_id,
        source_id=source_id,
        disbursed=sum(r.disbursed for r in reported_rows),
        plan=sum(r.plan or 0 for r in unit_rows) if has_plan else None,
        reported_on=max((r.reported_on for r in reported_rows), default=None),
        is_partial=len(reported_rows) < len(unit_rows),
        coverage={
            "units_total": len(unit_rows),
            "units_reported_on_date": on_date,
            "units_carried": len(reported_rows) - on_date,
            "units_not_reported": len(unit_rows) - len(reported_rows),
        },
    )
    # The stream average is the ratio of the stream's totals, not the mean of the units' ratios.
    average = disbursement_ratio(stream_row.disbursed, stream_row.plan)
    stream_row.stream_average = average
    ranks, ranked = _ranked(unit_rows, "plan")
    by_basis = {basis: _ranked(unit_rows, f"plan_{basis}") for basis in ("pm", "detailed")}
    for r in unit_rows:
        r.stream_average = average
        r.rank = ranks.get(r.key)
        r.rank_of = ranked
        r.ranks = {basis: (found.get(r.key), count) for basis, (found, count) in by_basis.items()}
    return [stream_row, *unit_rows]


@dataclass
class Inputs:
    """What a snapshot's figures are computed from, per (stream_id, source_id, investor_id, district_id)."""

    # The allocations in force on the date, summed per unit and source (only those with a revision in force).
    plans: dict[tuple, int]
    # What the date reads: the snapshot's own lines, else the unit's latest earlier report.
    reported: dict[tuple, Reported]


def read_inputs(snapshot: Snapshot, changes: UnitChanges | None = None) -> Inputs:
    """The inputs as stored: plans in force and lines (the two reads a full compute pays for).

    Plans of a unit merged since are counted under its successor; those of a unit split or transferred
    away are not listed on dates after the change (lineage.UnitChanges).
    """
    changes = UnitChanges.read() if changes is None else changes
    plans: dict[tuple, int] = {}
    project_plans: dict[tuple, int] = {}
    # Summed in SQL per unit and source; allocations without a revision in force add nothing (SUM skips NULL).
    for stream_id, source_id, investor_id, district_id, of_project, amount in (
        allocations_in_force(snapshot.year, snapshot.as_of)
        .annotate(of_project=ExpressionWrapper(Q(project__isnull=False), output_field=BooleanField()))
        .values("stream_id", "source_id", "investor_id", "district_id", "of_project")
        .annotate(total=Sum("amount"))
        .values_list("stream_id", "source_id", "investor_id", "district_id", "of_project", "total")
        .order_by()
    ):
        if amount is not None:
            (project_plans if of_project else plans)[(stream_id, source_id, investor_id, district_id)] = amount
    held = _held_plans(plans, snapshot, changes)
    # A project's plan is its own: it follows the project to the unit holding it, whatever that unit's own plan.
    for key, amount in rekeyed(project_plans, snapshot.as_of, changes, int.__add__).items():
        held[key] = held.get(key, 0) + amount
    return Inputs(held, reported_by_unit_and_source(snapshot, changes))


def _held_plans(plans: dict[tuple, int], snapshot: Snapshot, changes: UnitChanges) -> dict[tuple, int]:
    """Plans per (stream, source, investor, district) under the units holding them on the snapshot's date.

    A merged unit's plan is added to its successor's, unless the successor's own plan was recorded on or
    after the merger, or the successor was formed by it: that figure is then the merged unit's whole
    plan. A unit split or transferred away holds no plan after the change (its successors' plans are
    their own).
    """
    if not changes:
        return plans
    day = snapshot.as_of
    held: dict[tuple, int] = {}
    moved: list[tuple[tuple, tuple, int]] = []
    for key, amount in plans.items():
        holder = changes.holder(key[-2:], day)
        if holder is None:
            continue
        new_key = (*key[:-2], *holder)
        if new_key == key:
            held[key] = held.get(key, 0) + amount
        else:
            moved.append((key, new_key, amount))
    if not moved:
        return held
    stated = {
        (stream_id, source_id, investor_id, district_id): latest
        for stream_id, source_id, investor_id, district_id, latest in AllocationRevision.objects.filter(
            allocation__year=snapshot.year, allocation__project__isnull=True, effective_from__lte=day
        )
        .values("allocation__stream_id", "allocation__source_id", "allocation__investor_id", "allocation__district_id")
        .annotate(latest=Max("effective_from"))
        .values_list(
            "allocation__stream_id",
            "allocation__source_id",
            "allocation__investor_id",
            "allocation__district_id",
            "latest",
        )
        .order_by()
    }
    for key, new_key, amount in moved:
        since = changes.passed_on(key[-2:], day)
        own = stated.get(new_key)
        if since is not None and own is not None:
            # The successor's own plan was recorded since the merger, or the successor was formed by it.
            started = changes.started_on(new_key[-2:])
            if own >= since or (started is not None and started >= since):
                continue
        held[new_key] = held.get(new_key, 0) + amount
    return held


def collect(snapshot: Snapshot, inputs: Inputs | None = None) -> list[_Row]:
    """Every figure of a snapshot, with stream averages and ranks, without comparisons."""
    rows: list[_Row] = []
    day = snapshot.as_of
    sources = {s.id: s for s in BudgetSource.objects.all()}
    streams = {s.id: s for s in CapitalStream.objects.all()}
    inputs = inputs or read_inputs(snapshot)

    plan_by_unit_source = inputs.plans
    allocated_by_source: dict[int, int] = defaultdict(int)
    for (_stream_id, source_id, _investor_id, _district_id), amount in plan_by_unit_source.items():
        allocated_by_source[source_id] += amount
    plan_by_unit = _all_sources(plan_by_unit_source)

    # Per stream and per unit: what the date reads (own lines, else carried) against the allocations in
    # force, over all sources (source None: the figures every ranking, flag, digest and report reads),
    # then for each source.
    reported_by_source = inputs.reported
    reported_all: dict[tuple, Reported] = {}
    for (stream_id, _source_id, investor_id, district_id), item in reported_by_source.items():
        key = (stream_id, investor_id, district_id)
        before = reported_all.get(key)
        reported_all[key] = (
            item
            if before is None
            else Reported(before.amount + item.amount, max(before.reported_on, item.reported_on), before.submission_id)
        )

    def grouped(values: dict[tuple, object]) -> dict[tuple, dict[tuple, object]]:
        """(stream, [source,] investor, district) -> value, as {(stream, [source]): {(investor, district): value}}."""
        groups: dict[tuple, dict[tuple, object]] = defaultdict(dict)
        for key, value in values.items():
            groups[key[:-2]][key[-2:]] = value
        return groups

    reported_groups, plans_all = grouped(reported_all), grouped(plan_by_unit)
    reported_split, plans_split = grouped(reported_by_source), grouped(plan_by_unit_source)
    units_by_stream: dict[tuple, set[tuple]] = defaultdict(set)
    for group in (reported_groups, plans_all, reported_split, plans_split):
        for key, units in group.items():
            units_by_stream[key] |= units.keys()

    def order(key: tuple) -> tuple:
        stream_id, *source_id = key
        return (streams[stream_id].order, stream_id, sources[source_id[0]].order if source_id else -1)

    stream_rows: list[_Row] = []
    for key in sorted(units_by_stream, key=order):
        stream_id, source_id = key[0], key[1] if len(key) > 1 else None
        found, plans = (reported_groups, plans_all) if source_id is None else (reported_split, plans_split)
        stream_rows += _stream_rows(
            stream_id, source_id, units_by_stream[key], found.get(key, {}), plans.get(key, {}), day
        )

    # Citywide and per source: the city-wide summary stated for the date (the Treasury's is authoritative),
    # against the citywide plans; without one, the sum of the reports received, marked partial with what
    # it covers. The detailed allocation (vốn đã phân bổ chi tiết) is the plan entered at that level, else
    # the sum of the allocations in force.
    city_plans = city_plans_in_force(snapshot.year, day)
    city_lines = dict(CityDisbursement.objects.filter(snapshot=snapshot).values_list("source_id", "disbursed"))
    partial = not city_lines
    coverage = _coverage(stream_rows, streams, sources, bool(city_lines))
    if partial:
        unit_all = [r for r in stream_rows if r.scope == Figure.Scope.STREAM and r.source_id is None]
        city_disbursed = sum(r.disbursed or 0 for r in unit_all)
        city_lines = defaultdict(int)
        for (_stream, source_id, _i, _d), item in reported_by_source.items():
            city_lines[source_id] += item.amount
    else:
        city_disbursed = sum(city_lines.values())

    def plan_total(level: str) -> int | None:
        by_source = city_plans.get(level)
        return sum(by_source.values()) if by_source else None

    rows.append(
        _Row(
            scope=Figure.Scope.CITY,
            disbursed=city_disbursed,
            plan=plan_total("city"),
            plan_pm=plan_total("pm"),
            plan_detailed=plan_total("detailed") or (sum(allocated_by_source.values()) if plan_by_unit else None),
            reported_on=day,
            is_partial=partial,
            coverage=coverage,
        )
    )
    split_sources = {sid for sid in city_lines if sources[sid].code != BudgetSource.UNSPLIT}
    for source_id in sorted(split_sources, key=lambda sid: sources[sid].order):
        code = sources[source_id].code
        rows.append(
            _Row(
                scope=Figure.Scope.SOURCE,
                source_id=source_id,
                disbursed=city_lines[source_id],
                plan=city_plans.get("city", {}).get(code),
                plan_pm=city_plans.get("pm", {}).get(code),
                plan_detailed=city_plans.get("detailed", {}).get(code) or allocated_by_source.get(source_id),
                reported_on=day,
                is_partial=partial,
            )
        )
    rows += stream_rows
    return rows


def _coverage(stream_rows: list[_Row], streams: dict, sources: dict, summary: bool) -> dict:
    """What the city figure covers: a stated summary, or which streams' reports and how many units."""
    return {
        "summary": summary,
        "streams": [
            {"code": streams[r.stream_id].code, "name": streams[r.stream_id].name, **r.coverage}
            for r in stream_rows
            if r.scope == Figure.Scope.STREAM and r.source_id is None
        ],
    }


@dataclass(frozen=True)
class Past:
    """What a comparison needs of another snapshot's figure."""

    disbursed: int | None
    plan: int | None
    plan_pm: int | None
    rank: int | None


def past_figures(snapshot: Snapshot | None) -> dict[Key, Past]:
    """Figures of another snapshot: stored ones if it has been computed, else computed in memory."""
    if snapshot is None:
        return {}
    if snapshot.computed_at is not None:
        stored = {
            (scope, stream_id, source_id, investor_id, district_id): Past(disbursed, plan, plan_pm, rank)
            for scope, stream_id, source_id, investor_id, district_id, disbursed, plan, plan_pm, rank in (
                Figure.objects.of(snapshot).values_list(
                    "scope",
                    "stream_id",
                    "source_id",
                    "investor_id",
                    "district_id",
                    "disbursed",
                    "plan",
                    "plan_pm",
                    "rank",
                )
            )
        }
        if stored:
            return stored
    return {r.key: Past(r.disbursed, r.plan, r.plan_pm, r.rank) for r in collect(snapshot)}


_UNIT_SCOPES = (Figure.Scope.INVESTOR, Figure.Scope.DISTRICT)


def _summed(pasts: list[Past]) -> Past | None:
    """Predecessors' figures as one (a clean merger): amounts added, no rank."""
    found = [p for p in pasts if p.disbursed is not None]
    if not found:
        return None

    def total(name: str) -> int | None:
        values = [getattr(p, name) for p in found if getattr(p, name) is not None]
        return sum(values) if values else None

    return Past(sum(p.disbursed for p in found), total("plan"), total("plan_pm"), None)


def _compared(
    row: _Row, index: dict[Key, Past], other: Snapshot | None, today: dt.date, changes: UnitChanges
) -> tuple[Past | None, str]:
    """The earlier figure `row` is compared with in `other`, and what it is made of (ComparisonBasis)."""
    if other is None:
        return None, ComparisonBasis.SAME_UNIT
    if row.scope not in _UNIT_SCOPES or not changes:
        return index.get(row.key), ComparisonBasis.SAME_UNIT
    units, comparable = changes.lineage((row.investor_id, row.district_id), today, other.as_of)
    if not comparable:
        return None, ComparisonBasis.NOT_COMPARABLE
    if units == [(row.investor_id, row.district_id)]:
        return index.get(row.key), ComparisonBasis.SAME_UNIT
    pasts = [index.get((row.scope, row.stream_id, row.source_id, *unit)) for unit in units]
    found = _summed([p for p in pasts if p is not None])
    return found, ComparisonBasis.PREDECESSORS if found is not None else ComparisonBasis.SAME_UNIT


# Every stored column of a figure, and those that say what it reads (not where it is stored).
FIGURE_COLUMNS = [f.attname for f in Figure._meta.concrete_fields if not f.primary_key]
FIGURE_VALUES = [name for name in FIGURE_COLUMNS if name not in ("snapshot_id", "until_id")]
_DEFAULTS = {f.attname: f.get_default() for f in Figure._meta.concrete_fields if not f.primary_key}


class FigureRow:
    """A computed figure before it is stored: the Figure's columns by attname, the snapshots it was compared
    with and its stream's average, as a reader of a fresh computation (the flags) asks for them.

    Built for every figure of a date at each computation, so it is a plain object, not a model instance:
    what a row does not set reads as the column's default.
    """

    previous_snapshot = None
    same_period_snapshot = None
    stream_average = None

    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def key(self) -> Key:
        return (self.scope, self.stream_id, self.source_id, self.investor_id, self.district_id)

    def stored(self) -> tuple:
        return _stored_columns(self)

    def values(self) -> tuple:
        return _compared_columns(self)


for _name, _default in _DEFAULTS.items():
    setattr(FigureRow, _name, _default)
_stored_columns = attrgetter(*FIGURE_COLUMNS)
_compared_columns = attrgetter(*FIGURE_VALUES)


def build_figures(snapshot: Snapshot, inputs: Inputs | None = None) -> list[FigureRow]:
    """The figures of a snapshot, with comparisons and outlook, unsaved.

    A unit formed by mergers since the snapshot compared with is compared with its predecessors'
    sum; one formed by a split or a partial transfer is not compared (ComparisonBasis.NOT_COMPARABLE).
    """
    changes = UnitChanges.read()
    rows = collect(snapshot, inputs if inputs is not None else read_inputs(snapshot, changes))
    previous = previous_snapshot(snapshot)
    setting = engine_setting(snapshot.year)
    same_period = same_period_snapshot(snapshot, tolerance_days=setting.same_period_tolerance_days)
    before_index = past_figures(previous)
    last_year_index = past_figures(same_period)
    target_date = setting.target_date or disbursement_deadline(snapshot.year)

    figures = []
    for row in rows:
        ratio = disbursement_ratio(row.disbursed, row.plan)
        # A unit that has not reported has no outlook: its remaining amount is not known.
        ahead = outlook(
            row.disbursed or 0,
            row.plan if row.disbursed is not None else None,
            snapshot.as_of,
            target_percent=setting.target_percent,
            target_date=target_date,
        )
        figure = FigureRow(
            snapshot_id=snapshot.id,
            scope=row.scope,
            stream_id=row.stream_id,
            source_id=row.source_id,
            investor_id=row.investor_id,
            district_id=row.district_id,
            disbursed=row.disbursed,
            plan=row.plan,
            plan_pm=row.plan_pm,
            plan_detailed=row.plan_detailed,
            ratio=_stored(ratio),
            ratio_pm=_stored(disbursement_ratio(row.disbursed, row.plan_pm)),
            ratio_detailed=_stored(disbursement_ratio(row.disbursed, row.plan_detailed)),
            rank=row.rank,
            rank_of=row.rank_of,
            reported_on=row.reported_on,
            submission_id=row.submission_id,
            is_partial=row.is_partial,
            coverage=row.coverage,
            stream_average_pm=_stored(disbursement_ratio(row.disbursed, row.plan_pm))
            if row.scope == "stream"
            else None,
            stream_average_detailed=(
                _stored(disbursement_ratio(row.disbursed, row.plan_detailed)) if row.scope == "stream" else None
            ),
            rank_pm=row.ranks.get("pm", (None, None))[0],
            rank_of_pm=row.ranks.get("pm", (None, None))[1],
            rank_detailed=row.ranks.get("detailed", (None, None))[0],
            rank_of_detailed=row.ranks.get("detailed", (None, None))[1],
            target_amount=ahead.target_amount,
            remaining_amount=ahead.remaining_amount,
            weekly_required=ahead.weekly_required,
            target_date=ahead.target_date,
            weeks_remaining=ahead.weeks_remaining,
        )
        # Read with the figures (FigureQuerySet.of), stored once on the stream's figure as its ratio.
        figure.stream_average = _stored(row.stream_average)
        before, figure.previous_basis = _compared(row, before_index, previous, snapshot.as_of, changes)
        if before is not None and before.disbursed is not None and row.disbursed is not None:
            figure.previous_snapshot, figure.previous_snapshot_id = previous, previous.id
            figure.previous_disbursed = before.disbursed
            previous_ratio = disbursement_ratio(before.disbursed, before.plan)
            figure.previous_ratio = _stored(previous_ratio)
            figure.change_amount = row.disbursed - before.disbursed
            figure.change_points = _stored(change_in_points(ratio, previous_ratio))
            figure.previous_rank = before.rank
            if before.rank is not None and figure.rank is not None:
                # Positive: moved up the ranking.
                figure.rank_change = before.rank - figure.rank
        last_year, figure.same_period_basis = _compared(row, last_year_index, same_period, snapshot.as_of, changes)
        if last_year is not None and last_year.disbursed is not None:
            figure.same_period_snapshot, figure.same_period_snapshot_id = same_period, same_period.id
            figure.same_period_disbursed = last_year.disbursed
            figure.same_period_plan = last_year.plan
            figure.same_period_ratio = _stored(disbursement_ratio(last_year.disbursed, last_year.plan))
            figure.same_period_plan_pm = last_year.plan_pm
            figure.same_period_ratio_pm = _stored(disbursement_ratio(last_year.disbursed, last_year.plan_pm))
        figures.append(figure)
    return figures


def _insert_figures(figures: list[FigureRow]) -> None:
    insert_values(Figure, FIGURE_COLUMNS, (figure.stored() for figure in figures))


# The first key of the compute's advisory locks (PostgreSQL); the second is the year.
COMPUTE_LOCK_KEY = 0x6769_6E00  # "gin\0"


def lock_year(year: int) -> None:
    """Wait for any other computation of `year` to commit, and hold the year until this transaction ends.

    A PostgreSQL advisory transaction lock: it locks no row, so reads and writes that refer to the year's
    snapshots never wait for it. SQLite runs one writing transaction at a time, which serialises computations
    without it.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", [COMPUTE_LOCK_KEY, year])


def next_version(snapshot: Snapshot) -> Snapshot | None:
    """The version of the same date written right after this one, if any."""
    return Snapshot.objects.filter(year=snapshot.year, as_of=snapshot.as_of, id__gt=snapshot.id).order_by("id").first()


def _store_whole(snapshot: Snapshot, figures: list[FigureRow], following: Snapshot | None) -> None:
    """Store every figure of a version as its own.

    A current version ends the earlier versions' figures it no longer reads, so that the figures with no end
    are those of each date's latest computed version (FigureQuerySet.current). A superseded version's figures
    end where the next version begins.
    """
    Figure.objects.filter(snapshot=snapshot).delete()
    for figure in figures:
        figure.until_id = None if snapshot.is_current or following is None else following.id
    _insert_figures(figures)
    earlier = _earlier_versions(snapshot) if snapshot.is_current else []
    if earlier:
        Figure.objects.filter(snapshot_id__in=earlier, until__isnull=True).update(until=snapshot)


def _store_changes(snapshot: Snapshot, figures: list[FigureRow], base: Snapshot) -> frozenset:
    """Store, as the version's own, only the figures that differ from those of `base`, the version it
    superseded; it reads the others from there (FigureQuerySet.of). The base's figures it replaces end
    at it, so `base` still reads them. Returns the units whose flags may now be judged otherwise."""
    # A version computed again starts from the base as it was: nothing of it replaced yet.
    Figure.objects.filter(snapshot=snapshot).delete()
    Figure.objects.filter(snapshot_id__in=_earlier_versions(snapshot), until=snapshot).update(until=None)
    stored = {
        row[1:6]: (row[0], row[6:])
        for row in Figure.objects.rows_of(base).values_list("id", "scope", *FIGURE_VALUES[1:]).order_by()
    }
    changed, ended = [], []
    averages: dict[int, tuple] = {}
    for figure in figures:
        before = stored.pop(figure.key, None)
        if before is None or before[1] != figure.values()[5:]:
            changed.append(figure)
            if before is not None:
                ended.append(before[0])
            if figure.scope == Figure.Scope.STREAM and figure.source_id is None:
                averages[figure.stream_id] = (before[1][RATIO_AT] if before else None, figure.ratio)
    gone = set(stored)
    ended += [figure_id for figure_id, _values in stored.values()]
    _insert_figures(changed)
    for start in range(0, len(ended), 5000):
        Figure.objects.filter(id__in=ended[start : start + 5000]).update(until=snapshot)
    return _units_judged_again(figures, changed, gone, averages)


# Where a figure's ratio lies among the values compared in _store_changes.
RATIO_AT = FIGURE_VALUES.index("ratio") - 5


def _units_judged_again(figures: list[FigureRow], changed: list[FigureRow], gone: set, averages: dict) -> frozenset:
    """The units whose flags a version computed from the one it superseded may judge otherwise: those whose
    figures changed or left, and where a stream's average moved, those it may have crossed or whose
    "below the stream average" text quotes it."""
    units = {(f.stream_id, f.investor_id, f.district_id) for f in changed if f.scope in _UNIT_SCOPES}
    units |= {key[1:2] + key[3:5] for key in gone if key[0] in _UNIT_SCOPES}
    for stream_id, (old, new) in averages.items():
        if old == new:
            continue
        quoted = old is None or new is None or format_percent(old) != format_percent(new)
        low, high = (None, None) if quoted else (min(old, new), max(old, new))
        for f in figures:
            if f.scope not in _UNIT_SCOPES or f.stream_id != stream_id or f.source_id is not None:
                continue
            if quoted or (f.ratio is not None and low <= f.ratio < high):
                units.add((f.stream_id, f.investor_id, f.district_id))
    return frozenset(units)


def _earlier_versions(snapshot: Snapshot) -> list[int]:
    # Ids, not a subquery: SQLite would rather walk the index of the figures' end than the version's.
    return list(
        Snapshot.objects.filter(year=snapshot.year, as_of=snapshot.as_of, id__lt=snapshot.id).values_list(
            "id", flat=True
        )
    )


def later_snapshots(snapshot: Snapshot):
    return Snapshot.objects.current().filter(year=snapshot.year, as_of__gt=snapshot.as_of).order_by("as_of", "id")


@transaction.atomic
def compute_snapshot(snapshot_id: int, *, cascade: bool = True, incremental: bool = False) -> int:
    """Recompute and store every figure and flag of one snapshot. Returns the number of figures.

    With `cascade`, later snapshots of the year are recomputed after commit, as their
    comparisons and flags depend on this one (a snapshot imported out of date order).
    With `incremental`, a version that differs from the computed version it superseded only by its
    file's scope is computed from that version's stored figures (see `incremental_base`); the
    figures and flags are the same as a full compute's.
    """
    year = Snapshot.objects.values_list("year", flat=True).get(pk=snapshot_id)
    # Flags of a year are one history: computations of the same year run one at a time. That is all the
    # year's lock serialises: it is no row lock, so nothing but another computation of the year waits for it.
    lock_year(year)
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    following = next_version(snapshot)
    if following is not None and following.shares_figures and snapshot.computed_at is not None:
        # A superseded version whose figures the next version reads is history: it stays as it was computed.
        return Figure.objects.of(snapshot).count()
    base = incremental_base(snapshot) if incremental else None
    figures = build_figures(snapshot, inputs_from_base(snapshot, base) if base is not None else None)
    # The snapshot's row is locked only to write its figures, and without its key (FOR NO KEY UPDATE):
    # rows that refer to the snapshot (an import job, a digest delivery) are written meanwhile, while an
    # import that supersedes it waits for the figures. is_current is read again under the lock.
    snapshot = Snapshot.objects.select_for_update(no_key=True).get(pk=snapshot_id)
    replacing = None
    if base is not None and snapshot.is_current:
        units = _store_changes(snapshot, figures, base)
        snapshot.shares_figures = True
        # The flags stand as `base` left them only if it was judged: computed while it was the current version.
        judged = base.superseded_at is None or base.computed_at <= base.superseded_at
        if judged and not rules_changed_since(base.computed_at - PLAN_WRITES_SETTLE):
            replacing = Replacement(base, units)
    else:
        # Read again under the lock: a version of the date may have been written since.
        _store_whole(snapshot, figures, next_version(snapshot))
        snapshot.shares_figures = False
    if snapshot.is_current:
        evaluate_flags(snapshot, figures, replacing)
    snapshot.computed_at = timezone.now()
    snapshot.save(update_fields=["computed_at", "shares_figures"])
    if cascade and snapshot.is_current and later_snapshots(snapshot).exists():
        request_recompute(snapshot.year, snapshot.as_of + dt.timedelta(days=1))
    return len(figures)


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
    if (
        AllocationRevision.objects.filter(recorded_at__gt=since).exists()
        or AllocationRevision.history.filter(history_date__gt=since).exists()
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


def recompute_year(
    year: int, *, from_date: dt.date | None = None, after: dt.date | None = None, incremental: bool = False
) -> int:
    """Recompute the year's current snapshots in date order, each in its own transaction.

    `from_date` includes snapshots on that date, `after` starts strictly later. `incremental`: see
    compute_snapshot (the nightly and manual recomputes compute everything from the lines).
    Returns the number of snapshots recomputed.
    """
    snapshots = Snapshot.objects.current().filter(year=year)
    if from_date is not None:
        snapshots = snapshots.filter(as_of__gte=from_date)
    if after is not None:
        snapshots = snapshots.filter(as_of__gt=after)
    ids = list(snapshots.order_by("as_of", "id").values_list("id", flat=True))
    for snapshot_id in ids:
        compute_snapshot(snapshot_id, cascade=False, incremental=incremental)
    return len(ids)


def recompute_recent(today: dt.date | None = None) -> int:
    """The nightly job: every year still in its disbursement period (to 31 January next year)."""
    today = today or timezone.localdate()
    years = [today.year]
    if today <= disbursement_deadline(today.year - 1):
        years.insert(0, today.year - 1)
    return sum(recompute_year(year) for year in years)
