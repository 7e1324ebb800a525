"""Compute the figures of a snapshot and store them.

All rows of a snapshot are replaced in one transaction; computing the same
snapshot twice gives identical rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from core.figures import change_in_points, disbursement_ratio
from disbursement.models import BudgetSource, CapitalStream, CityDisbursement, Figure, Snapshot, SnapshotLine
from disbursement.plans.selectors import allocations_in_force, city_plans_in_force
from disbursement.snapshots.selectors import previous_snapshot, same_period_snapshot

STORED_RATIO = Decimal("0.000001")


def _stored(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else ratio.quantize(STORED_RATIO)


@dataclass
class _Row:
    scope: str
    stream_id: int | None = None
    source_id: int | None = None
    investor_id: int | None = None
    district_id: int | None = None
    disbursed: int = 0
    plan: int | None = None
    plan_pm: int | None = None
    plan_detailed: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.scope, self.stream_id, self.source_id, self.investor_id, self.district_id)


def _unit_key(investor_id, district_id) -> tuple:
    return (investor_id, district_id)


def _collect(snapshot: Snapshot) -> list[_Row]:
    rows: list[_Row] = []
    day = snapshot.as_of
    sources = {s.id: s for s in BudgetSource.objects.all()}
    streams = {s.id: s for s in CapitalStream.objects.all()}

    # Citywide and per source: the city sheet, against the citywide plans.
    city_plans = city_plans_in_force(snapshot.year, day)
    code_to_id = {s.code: s.id for s in sources.values()}
    city_lines = {c.source_id: c.disbursed for c in CityDisbursement.objects.filter(snapshot=snapshot)}
    if city_lines:
        city_disbursed = sum(city_lines.values())
    else:
        city_disbursed = SnapshotLine.objects.filter(snapshot=snapshot).aggregate(t=Sum("disbursed"))["t"] or 0

    def plan_total(level: str) -> int | None:
        by_source = city_plans.get(level)
        return sum(by_source.values()) if by_source else None

    rows.append(
        _Row(
            scope=Figure.Scope.CITY,
            disbursed=city_disbursed,
            plan=plan_total("city"),
            plan_pm=plan_total("pm"),
            plan_detailed=plan_total("detailed"),
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
                plan_detailed=city_plans.get("detailed", {}).get(code),
            )
        )
    del code_to_id

    # Per stream and per unit: the snapshot's lines against the allocations in force.
    disbursed_by_unit: dict[tuple, int] = defaultdict(int)
    for line in (
        SnapshotLine.objects.filter(snapshot=snapshot)
        .values("stream_id", "investor_id", "district_id")
        .annotate(total=Sum("disbursed"))
    ):
        disbursed_by_unit[(line["stream_id"], line["investor_id"], line["district_id"])] += line["total"]
    plan_by_unit: dict[tuple, int] = defaultdict(int)
    for alloc in (
        allocations_in_force(snapshot.year, day)
        .filter(amount__isnull=False)
        .values("stream_id", "investor_id", "district_id", "amount")
    ):
        plan_by_unit[(alloc["stream_id"], alloc["investor_id"], alloc["district_id"])] += alloc["amount"]

    units_by_stream: dict[int, set[tuple]] = defaultdict(set)
    for stream_id, investor_id, district_id in set(disbursed_by_unit) | set(plan_by_unit):
        units_by_stream[stream_id].add((investor_id, district_id))

    for stream_id in sorted(units_by_stream, key=lambda sid: streams[sid].order):
        stream = streams[stream_id]
        unit_rows = []
        for investor_id, district_id in units_by_stream[stream_id]:
            key = (stream_id, investor_id, district_id)
            unit_rows.append(
                _Row(
                    scope=Figure.Scope.INVESTOR if investor_id else Figure.Scope.DISTRICT,
                    stream_id=stream_id,
                    investor_id=investor_id,
                    district_id=district_id,
                    disbursed=disbursed_by_unit.get(key, 0),
                    plan=plan_by_unit.get(key),
                )
            )
        stream_row = _Row(
            scope=Figure.Scope.STREAM,
            stream_id=stream_id,
            disbursed=sum(r.disbursed for r in unit_rows),
            plan=sum(r.plan or 0 for r in unit_rows) if any(r.plan is not None for r in unit_rows) else None,
        )
        average = disbursement_ratio(stream_row.disbursed, stream_row.plan)
        ranks = rank_by_ratio([(r.key, disbursement_ratio(r.disbursed, r.plan)) for r in unit_rows])
        for r in unit_rows:
            r.extra["stream_average"] = average
            r.extra["rank"] = ranks.get(r.key)
            r.extra["rank_of"] = len(ranks)
        del stream
        rows.append(stream_row)
        rows.extend(unit_rows)
    return rows


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


def _index(snapshot: Snapshot | None) -> dict[tuple, Figure]:
    if snapshot is None:
        return {}
    return {
        (f.scope, f.stream_id, f.source_id, f.investor_id, f.district_id): f
        for f in Figure.objects.filter(snapshot=snapshot)
    }


@transaction.atomic
def compute_snapshot(snapshot_id: int) -> int:
    """Recompute and store every figure of one snapshot. Returns the number of rows."""
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
    rows = _collect(snapshot)
    previous = previous_snapshot(snapshot)
    same_period = same_period_snapshot(snapshot)
    previous_figures = _index(previous)
    same_period_figures = _index(same_period)

    figures = []
    for row in rows:
        ratio = disbursement_ratio(row.disbursed, row.plan)
        figure = Figure(
            snapshot=snapshot,
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
            stream_average=_stored(row.extra.get("stream_average")),
            rank=row.extra.get("rank"),
            rank_of=row.extra.get("rank_of"),
        )
        before = previous_figures.get(row.key)
        if before is not None:
            figure.previous_snapshot = previous
            figure.previous_disbursed = before.disbursed
            previous_ratio = disbursement_ratio(before.disbursed, before.plan)
            figure.previous_ratio = _stored(previous_ratio)
            figure.change_amount = row.disbursed - before.disbursed
            figure.change_points = _stored(change_in_points(ratio, previous_ratio))
            figure.previous_rank = before.rank
            if before.rank is not None and figure.rank is not None:
                figure.rank_change = before.rank - figure.rank
        last_year = same_period_figures.get(row.key)
        if last_year is not None:
            figure.same_period_snapshot = same_period
            figure.same_period_disbursed = last_year.disbursed
            figure.same_period_plan = last_year.plan
            figure.same_period_ratio = _stored(disbursement_ratio(last_year.disbursed, last_year.plan))
            figure.same_period_plan_pm = last_year.plan_pm
            figure.same_period_ratio_pm = _stored(disbursement_ratio(last_year.disbursed, last_year.plan_pm))
        figures.append(figure)

    Figure.objects.filter(snapshot=snapshot).delete()
    Figure.objects.bulk_create(figures, batch_size=2000)
    Snapshot.objects.filter(pk=snapshot.pk).update(computed_at=timezone.now())
    return len(figures)
