"""The figures of a snapshot, computed in memory from what it reads: the plans in force and the lines (or a
superseded version's stored figures), ranked, compared with the previous snapshot and last year's, with
the year-end outlook. Nothing here writes: figures.services stores what this builds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from operator import attrgetter

from django.db.models import BooleanField, ExpressionWrapper, Max, Q, Sum

from core.figures import change_in_points, disbursement_ratio
from core.fiscal import disbursement_deadline, weeks_between
from core.succession import ComparisonBasis
from disbursement.figures.lineage import UnitChanges, rekeyed
from disbursement.models import (
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    CityDisbursement,
    Figure,
    Snapshot,
    SnapshotLine,
)
from disbursement.plans.selectors import allocations_in_force, city_plans_in_force, engine_setting
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

    @property
    def coverage_reported(self) -> int:
        """A stream's units with a report this year (on the date or carried)."""
        return self.coverage["units_total"] - self.coverage["units_not_reported"]


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
    day = snapshot.as_of
    sources = {s.id: s for s in BudgetSource.objects.all()}
    streams = {s.id: s for s in CapitalStream.objects.all()}
    inputs = inputs or read_inputs(snapshot)

    plan_by_unit_source = inputs.plans
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

    stream_rows: list[_Row] = []
    for key in sorted(units_by_stream, key=lambda key: stream_order(streams, sources, key[0], (*key, None)[1])):
        stream_id, source_id = key[0], key[1] if len(key) > 1 else None
        found, plans = (reported_groups, plans_all) if source_id is None else (reported_split, plans_split)
        stream_rows += _stream_rows(
            stream_id, source_id, units_by_stream[key], found.get(key, {}), plans.get(key, {}), day
        )

    return city_rows(snapshot, stream_rows, sources, streams) + stream_rows


def stream_order(streams: dict, sources: dict, stream_id: int, source_id: int | None) -> tuple:
    """Where a stream's figures come among the date's: by stream, all sources first, then by source."""
    return (streams[stream_id].order, stream_id, sources[source_id].order if source_id is not None else -1)


def city_rows(snapshot: Snapshot, stream_rows: list[_Row], sources: dict, streams: dict) -> list[_Row]:
    """The city's figure and one per budget source, from the streams' figures of the date.

    The city-wide summary stated for the date (the Treasury's is authoritative) against the citywide plans;
    without one, the sum of the reports received (every stream's units), marked partial with what it covers.
    The detailed allocation (vốn đã phân bổ chi tiết) is the plan entered at that level, else the sum of the
    allocations in force (every stream's plans).
    """
    day = snapshot.as_of
    city_plans = city_plans_in_force(snapshot.year, day)
    city_lines = dict(CityDisbursement.objects.filter(snapshot=snapshot).values_list("source_id", "disbursed"))
    partial = not city_lines
    coverage = _coverage(stream_rows, streams, sources, bool(city_lines))
    whole = [r for r in stream_rows if r.scope == Figure.Scope.STREAM and r.source_id is None]
    allocated_by_source: dict[int, int] = {}
    for r in stream_rows:
        if r.scope == Figure.Scope.STREAM and r.source_id is not None and r.plan is not None:
            allocated_by_source[r.source_id] = allocated_by_source.get(r.source_id, 0) + r.plan
    if partial:
        city_disbursed = sum(r.disbursed or 0 for r in whole)
        city_lines = {}
        for r in stream_rows:
            # A source is listed once a unit has reported from it.
            if r.scope == Figure.Scope.STREAM and r.source_id is not None and r.coverage_reported:
                city_lines[r.source_id] = city_lines.get(r.source_id, 0) + r.disbursed
    else:
        city_disbursed = sum(city_lines.values())

    def plan_total(level: str) -> int | None:
        by_source = city_plans.get(level)
        return sum(by_source.values()) if by_source else None

    has_plans = any(r.plan is not None for r in whole)
    rows = [
        _Row(
            scope=Figure.Scope.CITY,
            disbursed=city_disbursed,
            plan=plan_total("city"),
            plan_pm=plan_total("pm"),
            plan_detailed=plan_total("detailed") or (sum(allocated_by_source.values()) if has_plans else None),
            reported_on=day,
            is_partial=partial,
            coverage=coverage,
        )
    ]
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


def past_figures(snapshot: Snapshot | None, units: set[tuple] | None = None) -> dict[Key, Past]:
    """Figures of another snapshot: stored ones if it has been computed, else computed in memory.

    With `units` ((investor_id, district_id)), the stored figures of those units, the streams, the sources and
    the city (some others may come too).
    """
    if snapshot is None:
        return {}
    if snapshot.computed_at is not None:
        read = Figure.objects.of(snapshot)
        if units is not None:
            read = read.filter(
                Q(scope__in=[Figure.Scope.CITY, Figure.Scope.SOURCE, Figure.Scope.STREAM])
                | Q(investor_id__in={i for i, _d in units if i is not None})
                | Q(district_id__in={d for i, d in units if i is None and d is not None})
            )
        stored = {
            (scope, stream_id, source_id, investor_id, district_id): Past(disbursed, plan, plan_pm, rank)
            for scope, stream_id, source_id, investor_id, district_id, disbursed, plan, plan_pm, rank in (
                read.values_list(
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
# Where a figure's ratio lies in FIGURE_VALUES.
RATIO_AT = FIGURE_VALUES.index("ratio")
_compared_columns = attrgetter(*FIGURE_VALUES)


@dataclass
class Comparison:
    """What a snapshot's figures are compared with: the previous snapshot's and last year's figures, and the
    year's outlook setting."""

    snapshot: Snapshot
    changes: UnitChanges
    setting: object
    target_date: dt.date
    previous: Snapshot | None
    before_index: dict[Key, Past]
    same_period: Snapshot | None
    last_year_index: dict[Key, Past]

    @classmethod
    def of(cls, snapshot: Snapshot, changes: UnitChanges, rows: list[_Row] | None = None) -> Comparison:
        """With `rows`, only what those rows are compared with is read (their units, or their predecessors)."""
        previous = previous_snapshot(snapshot)
        setting = engine_setting(snapshot.year)
        same_period = same_period_snapshot(snapshot, tolerance_days=setting.same_period_tolerance_days)

        def index(other: Snapshot | None) -> dict[Key, Past]:
            if rows is None or other is None:
                return past_figures(other)
            units = set()
            for row in rows:
                if row.scope in _UNIT_SCOPES:
                    unit = (row.investor_id, row.district_id)
                    units.update(changes.lineage(unit, snapshot.as_of, other.as_of)[0] if changes else [unit])
            return past_figures(other, units)

        return cls(
            snapshot,
            changes,
            setting,
            setting.target_date or disbursement_deadline(snapshot.year),
            previous,
            index(previous),
            same_period,
            index(same_period),
        )

    def figure(self, row: _Row) -> FigureRow:
        """One figure, with its comparisons and outlook."""
        snapshot, setting = self.snapshot, self.setting
        previous, same_period = self.previous, self.same_period
        ratio = disbursement_ratio(row.disbursed, row.plan)
        # A unit that has not reported has no outlook: its remaining amount is not known.
        ahead = outlook(
            row.disbursed or 0,
            row.plan if row.disbursed is not None else None,
            snapshot.as_of,
            target_percent=setting.target_percent,
            target_date=self.target_date,
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
        before, figure.previous_basis = _compared(row, self.before_index, previous, snapshot.as_of, self.changes)
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
        last_year, figure.same_period_basis = _compared(
            row, self.last_year_index, same_period, snapshot.as_of, self.changes
        )
        if last_year is not None and last_year.disbursed is not None:
            figure.same_period_snapshot, figure.same_period_snapshot_id = same_period, same_period.id
            figure.same_period_disbursed = last_year.disbursed
            figure.same_period_plan = last_year.plan
            figure.same_period_ratio = _stored(disbursement_ratio(last_year.disbursed, last_year.plan))
            figure.same_period_plan_pm = last_year.plan_pm
            figure.same_period_ratio_pm = _stored(disbursement_ratio(last_year.disbursed, last_year.plan_pm))
        return figure


def build_figures(
    snapshot: Snapshot, inputs: Inputs | None = None, changes: UnitChanges | None = None
) -> list[FigureRow]:
    """The figures of a snapshot, with comparisons and outlook, unsaved.

    A unit formed by mergers since the snapshot compared with is compared with its predecessors'
    sum; one formed by a split or a partial transfer is not compared (ComparisonBasis.NOT_COMPARABLE).
    """
    changes = UnitChanges.read() if changes is None else changes
    rows = collect(snapshot, inputs if inputs is not None else read_inputs(snapshot, changes))
    comparison = Comparison.of(snapshot, changes)
    return [comparison.figure(row) for row in rows]
