"""Reads of computed figures. Every page, API, digest, report and export reads here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet

from disbursement.flags.selectors import open_flags
from disbursement.models import BudgetSource, CapitalStream, Figure, FlagRule, Snapshot
from disbursement.plans.selectors import engine_setting


def city_figure(snapshot: Snapshot) -> Figure | None:
    return (
        Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.CITY).select_related("same_period_snapshot").first()
    )


def source_figures(snapshot: Snapshot) -> QuerySet[Figure]:
    return (
        Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.SOURCE)
        .select_related("source")
        .order_by("source__order")
    )


def stream_figures(snapshot: Snapshot, source: BudgetSource | None = None) -> QuerySet[Figure]:
    """Each stream over all its sources, or over one source."""
    return every_stream_figure(snapshot).filter(source=source)


def every_stream_figure(snapshot: Snapshot) -> QuerySet[Figure]:
    """Each stream over all its sources and over each source."""
    return (
        Figure.objects.filter(snapshot=snapshot, scope=Figure.Scope.STREAM)
        .select_related("stream")
        .order_by("stream__order")
    )


def sources_of_stream(snapshot: Snapshot, stream: CapitalStream) -> list[BudgetSource]:
    """The budget sources a stream has figures for in a snapshot, in the sources' order."""
    return list(
        BudgetSource.objects.filter(
            figure__snapshot=snapshot, figure__scope=Figure.Scope.STREAM, figure__stream=stream
        ).order_by("order")
    )


def ranking(snapshot: Snapshot, stream: CapitalStream, source: BudgetSource | None = None) -> QuerySet[Figure]:
    """The units of a stream, highest ratio first; units without a plan last.

    Over all sources by default; with a source, the units' figures and ranks within that source.
    """
    scope = Figure.Scope.INVESTOR if stream.ranks_investors else Figure.Scope.DISTRICT
    return (
        Figure.objects.filter(snapshot=snapshot, scope=scope, stream=stream, source=source)
        .select_related("investor", "district", "stream")
        .order_by(F("rank").asc(nulls_last=True), "-disbursed", "investor__name", "district__name")
    )


def unit_series(
    snapshot_year: int,
    stream: CapitalStream | None,
    investor=None,
    district=None,
    source: BudgetSource | None = None,
) -> list[Figure]:
    """Figures of one unit (or of the stream, or the city when stream is None) over the year's current snapshots.

    A unit's or stream's figures over all sources, or over `source` alone. For a chart against
    last year, call it again with snapshot_year - 1.
    """
    qs = Figure.objects.filter(snapshot__year=snapshot_year, snapshot__is_current=True)
    if stream is not None:
        qs = qs.filter(source=source)
    if stream is None:
        qs = qs.filter(scope=Figure.Scope.CITY)
    elif investor is not None:
        qs = qs.filter(scope=Figure.Scope.INVESTOR, stream=stream, investor=investor)
    elif district is not None:
        qs = qs.filter(scope=Figure.Scope.DISTRICT, stream=stream, district=district)
    else:
        qs = qs.filter(scope=Figure.Scope.STREAM, stream=stream)
    return list(qs.select_related("snapshot").order_by("snapshot__as_of"))


def stream_unit_series(
    year: int, stream: CapitalStream, source: BudgetSource | None = None
) -> dict[tuple, list[tuple[dt.date, Decimal]]]:
    """(as_of, ratio) of every unit of a stream over the year's current snapshots, keyed (investor_id, district_id).

    One query for the whole stream, for small charts of every unit.
    """
    scope = Figure.Scope.INVESTOR if stream.ranks_investors else Figure.Scope.DISTRICT
    rows = (
        Figure.objects.filter(
            snapshot__year=year,
            snapshot__is_current=True,
            scope=scope,
            stream=stream,
            source=source,
            ratio__isnull=False,
        )
        .order_by("snapshot__as_of")
        .values_list("investor_id", "district_id", "snapshot__as_of", "ratio")
    )
    series: dict[tuple, list[tuple[dt.date, Decimal]]] = {}
    for investor_id, district_id, as_of, ratio in rows:
        series.setdefault((investor_id, district_id), []).append((as_of, ratio))
    return series


@dataclass(frozen=True)
class Candidate:
    figure: Figure
    # Undisbursed amount of a slow unit; room left in a fast unit's plan.
    amount: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReallocationCandidates:
    """Units unlikely to spend their plan, next to units that have nearly exhausted theirs (read only)."""

    stream: CapitalStream
    slow: list[Candidate]
    fast: list[Candidate]

    @property
    def slow_total(self) -> int:
        return sum(c.amount for c in self.slow)


def reallocation_candidates(snapshot: Snapshot, stream: CapitalStream) -> ReallocationCandidates:
    """Slow units: an open lagging flag and money left, largest undisbursed first.

    Fast units: ratio at or above the near-exhaustion threshold (engine setting), highest first.
    """
    near = engine_setting(snapshot.year).near_exhaustion_percent
    lagging: dict[tuple, list[str]] = {}
    for flag in open_flags(snapshot).filter(stream=stream, kind__in=FlagRule.LAGGING_KINDS):
        lagging.setdefault((flag.investor_id, flag.district_id), []).append(flag.reason)
    slow, fast = [], []
    for figure in ranking(snapshot, stream):
        # A unit without a plan, or that has not reported ('chưa báo cáo'), is no candidate either way.
        if not figure.plan or figure.disbursed is None:
            continue
        undisbursed = figure.plan - figure.disbursed
        reasons = lagging.get((figure.investor_id, figure.district_id))
        if reasons and undisbursed > 0:
            slow.append(Candidate(figure, undisbursed, reasons))
        elif figure.ratio is not None and figure.ratio >= Decimal(near):
            fast.append(Candidate(figure, max(0, undisbursed)))
    slow.sort(key=lambda c: (-c.amount, c.figure.ratio or 0))
    return ReallocationCandidates(stream, slow, fast)
