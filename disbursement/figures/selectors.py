"""Reads of computed figures. Every page, API, digest, report and export reads here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from disbursement.flags.selectors import open_flags
from disbursement.models import BudgetSource, CapitalStream, Figure, FlagRule, Snapshot
from disbursement.plans.selectors import engine_setting


def city_figure(snapshot: Snapshot) -> Figure | None:
    return Figure.objects.of(snapshot).filter(scope=Figure.Scope.CITY).select_related("same_period_snapshot").first()


def source_figures(snapshot: Snapshot) -> QuerySet[Figure]:
    return (
        Figure.objects.of(snapshot).filter(scope=Figure.Scope.SOURCE).select_related("source").order_by("source__order")
    )


def stream_figures(snapshot: Snapshot, source: BudgetSource | None = None) -> QuerySet[Figure]:
    """Each stream over all its sources, or over one source."""
    return every_stream_figure(snapshot).filter(source=source)


def every_stream_figure(snapshot: Snapshot) -> QuerySet[Figure]:
    """Each stream over all its sources and over each source."""
    return (
        Figure.objects.of(snapshot).filter(scope=Figure.Scope.STREAM).select_related("stream").order_by("stream__order")
    )


def sources_of_stream(snapshot: Snapshot, stream: CapitalStream) -> list[BudgetSource]:
    """The budget sources a stream has figures for in a snapshot, in the sources' order."""
    return list(
        BudgetSource.objects.filter(
            id__in=Figure.objects.of(snapshot).filter(scope=Figure.Scope.STREAM, stream=stream).values("source_id")
        ).order_by("order")
    )


def ranking(snapshot: Snapshot, stream: CapitalStream, source: BudgetSource | None = None) -> QuerySet[Figure]:
    """The units of a stream, highest ratio first; units without a plan last.

    Over all sources by default; with a source, the units' figures and ranks within that source.
    """
    scope = Figure.Scope.INVESTOR if stream.ranks_investors else Figure.Scope.DISTRICT
    return (
        Figure.objects.of(snapshot)
        .filter(scope=scope, stream=stream, source=source)
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
    qs = Figure.objects.current().filter(snapshot__year=snapshot_year)
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
    figures = list(qs.select_related("snapshot").order_by("snapshot__as_of"))
    # A figure a version shares with the one it superseded is read in that version.
    reading = {
        s.as_of: s
        for s in Snapshot.objects.current().filter(year=snapshot_year, shares_figures=True, computed_at__isnull=False)
    }
    for figure in figures:
        version = reading.get(figure.snapshot.as_of)
        if version is not None:
            figure.snapshot = version
    return figures


def stream_unit_series(
    year: int, stream: CapitalStream, source: BudgetSource | None = None
) -> dict[tuple, list[tuple[dt.date, Decimal]]]:
    """(as_of, ratio) of every unit of a stream over the year's current snapshots, keyed (investor_id, district_id).

    One query for the whole stream, for small charts of every unit.
    """
    scope = Figure.Scope.INVESTOR if stream.ranks_investors else Figure.Scope.DISTRICT
    rows = (
        Figure.objects.current()
        .filter(
            snapshot__year=year,
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
    """Units unlikely to spend their plan, next to units that have nearly exhausted theirs (read only).

    With a limit, `slow` and `fast` hold the first ones; the counts and the slow units' total are of all.
    """

    stream: CapitalStream
    slow: list[Candidate]
    fast: list[Candidate]
    slow_count: int | None = None
    fast_count: int | None = None
    slow_amount: int | None = None

    @property
    def slow_total(self) -> int:
        return self.slow_amount if self.slow_amount is not None else sum(c.amount for c in self.slow)

    @property
    def slow_more(self) -> int:
        """Slow units not in `slow` (a limit was asked for)."""
        return (self.slow_count or len(self.slow)) - len(self.slow)

    @property
    def fast_more(self) -> int:
        return (self.fast_count or len(self.fast)) - len(self.fast)


def unit_columns(stream: CapitalStream) -> tuple[str, str]:
    """The column naming a unit in the stream's ranking, and the other unit column (empty there)."""
    return ("investor_id", "district_id") if stream.ranks_investors else ("district_id", "investor_id")


def reallocation_candidates(
    snapshot: Snapshot, stream: CapitalStream, *, limit: int | None = None
) -> ReallocationCandidates:
    """Slow units: an open lagging flag and money left, largest undisbursed first.

    Fast units: ratio at or above the near-exhaustion threshold (engine setting), highest first.
    A unit without a plan, or that has not reported ('chưa báo cáo'), is no candidate either way.
    The database selects and orders them, so `limit` (the first of each) reads only those rows.
    """
    near = Decimal(engine_setting(snapshot.year).near_exhaustion_percent)
    unit, other = unit_columns(stream)
    lagging_flags = open_flags(snapshot).filter(stream=stream, kind__in=FlagRule.LAGGING_KINDS)
    lagging = lagging_flags.filter(**{unit: OuterRef(unit), f"{other}__isnull": True})
    ranked = ranking(snapshot, stream)
    order = [*ranked.query.order_by, "pk"]
    rows = (
        ranked.filter(plan__isnull=False, disbursed__isnull=False)
        .exclude(plan=0)
        .annotate(undisbursed=F("plan") - F("disbursed"), lagging=Exists(lagging))
    )
    is_slow = Q(lagging=True, undisbursed__gt=0)
    slow_rows = rows.filter(is_slow).order_by("-undisbursed", "ratio", *order)
    fast_rows = rows.filter(ratio__gte=near).exclude(is_slow).order_by(*order)
    if limit is not None:
        slow_rows, fast_rows = slow_rows[:limit], fast_rows[:limit]
    slow_figures, fast_figures = list(slow_rows), list(fast_rows)
    reasons: dict[int, list[str]] = {}
    ids = {getattr(f, unit) for f in slow_figures}
    for flag in lagging_flags.filter(**{f"{unit}__in": ids, f"{other}__isnull": True}):
        reasons.setdefault(getattr(flag, unit), []).append(flag.reason)
    slow = [Candidate(f, f.undisbursed, reasons.get(getattr(f, unit), [])) for f in slow_figures]
    fast = [Candidate(f, max(0, f.undisbursed)) for f in fast_figures]
    if limit is None:
        return ReallocationCandidates(stream, slow, fast)
    totals = rows.filter(is_slow).aggregate(count=Count("pk"), amount=Sum("undisbursed"))
    return ReallocationCandidates(
        stream,
        slow,
        fast,
        slow_count=totals["count"],
        fast_count=rows.filter(ratio__gte=near).exclude(is_slow).count(),
        slow_amount=totals["amount"] or 0,
    )
