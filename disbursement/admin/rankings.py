"""Rankings of a snapshot per stream, and a unit's history over the year.

Reads only computed figures (disbursement.figures.selectors and Figure fields)
and formats them through core.notation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from disbursement.admin import display
from disbursement.admin.charts import Bar, Series, bar_chart, line_chart
from disbursement.figures import selectors as figure_selectors
from disbursement.flags.selectors import flags_by_unit
from disbursement.models import BudgetSource, CapitalStream, Figure, Snapshot
from disbursement.report.selectors import BandKind, band_config_for, band_for
from disbursement.snapshots.selectors import latest_snapshot
from districts.models import District
from investors.models import Investor

UNIT_KINDS = {"investor": Investor, "district": District}


def band_css_class(figure: Figure, config) -> str:
    """CSS class of a unit's band, the band being the report's (disbursement.report.selectors.band_for)."""
    band = band_for(figure, config)
    if band.kind == BandKind.NO_PLAN:
        return "band-no-plan"
    if band.kind == BandKind.NOT_DISBURSED:
        return "band-zero"
    # The top band (no upper limit) is at or above the highest limit; the others are below it.
    return "band-above" if band.upper is None else "band-below"


BAND_LABELS = {
    "band-zero": "Chưa giải ngân",
    "band-below": "Thấp hơn tỷ lệ chung",
    "band-above": "Bằng hoặc cao hơn tỷ lệ chung",
    "band-no-plan": "Chưa có kế hoạch",
}


def unit_series(
    year: int,
    stream: CapitalStream,
    investor: Investor | None = None,
    district: District | None = None,
    source: BudgetSource | None = None,
) -> list[tuple[dt.date, Decimal]]:
    """(as_of, ratio) of a unit (or of the whole stream) over the year's current snapshots."""
    figures = figure_selectors.unit_series(year, stream, investor=investor, district=district, source=source)
    return [(figure.snapshot.as_of, figure.ratio) for figure in figures if figure.ratio is not None]


def history_url(stream: CapitalStream, figure: Figure, year: int) -> str:
    kind, unit_id = ("investor", figure.investor_id) if figure.investor_id else ("district", figure.district_id)
    url = reverse("admin:disbursement_snapshot_unit_history", args=[stream.code, kind, unit_id])
    return f"{url}?year={year}"


@dataclass
class RankingRow:
    figure: Figure
    unit_name: str
    history_url: str
    band: str
    flags: list = field(default_factory=list)

    @property
    def rank(self) -> str:
        return "–" if self.figure.rank is None else str(self.figure.rank)

    @property
    def plan(self) -> str:
        return display.money(self.figure.plan)

    @property
    def disbursed(self) -> str:
        return display.money(self.figure.disbursed)

    @property
    def ratio(self) -> str:
        return display.percent(self.figure.ratio)

    @property
    def change_points(self) -> str:
        return display.points(self.figure.change_points)

    @property
    def change_amount(self) -> str:
        return display.money(self.figure.change_amount)

    @property
    def rank_change(self) -> str:
        return display.rank_change(self.figure.rank_change)

    @property
    def rank_change_class(self) -> str:
        change = self.figure.rank_change
        if not change:
            return ""
        return "rank-up" if change > 0 else "rank-down"

    @property
    def same_period_ratio(self) -> str:
        return display.percent(self.figure.same_period_ratio)

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.band]


def _unit_name(figure: Figure) -> str:
    if figure.investor_id:
        return figure.investor.display_name
    return figure.district.display_name


def _check_view(model_admin, request) -> None:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def rankings_view(model_admin, request, snapshot_id: int, stream_code: str | None = None):
    _check_view(model_admin, request)
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    # ?source=nstw: the units within one budget source; over all sources by default.
    source = get_object_or_404(BudgetSource, code=request.GET["source"]) if request.GET.get("source") else None
    stream_rows = list(figure_selectors.stream_figures(snapshot, source=source))
    if stream_code is None:
        if not stream_rows:
            raise Http404("Kỳ số liệu chưa có số liệu đã tính.")
        stream = stream_rows[0].stream
    else:
        stream = get_object_or_404(CapitalStream, code=stream_code)
    stream_figure = next((f for f in stream_rows if f.stream_id == stream.id), None)
    flags = flags_by_unit(snapshot)
    band_config = band_config_for(stream, snapshot.year)

    rows = []
    for figure in figure_selectors.ranking(snapshot, stream, source):
        rows.append(
            RankingRow(
                figure=figure,
                unit_name=_unit_name(figure),
                history_url=history_url(stream, figure, snapshot.year),
                band=band_css_class(figure, band_config),
                flags=flags.get((figure.stream_id, figure.investor_id, figure.district_id), []),
            )
        )
    average = stream_figure.ratio if stream_figure else None
    bars = bar_chart(
        [Bar(r.unit_name, r.figure.ratio, r.band, r.history_url) for r in rows],
        reference=average,
        reference_label="Tỷ lệ chung",
        title=f"Tỷ lệ giải ngân – {stream.name}",
    )
    this_year = Series(
        f"Năm {snapshot.year}", unit_series(snapshot.year, stream, source=source), "series-current", year=snapshot.year
    )
    last_year = Series(
        f"Năm {snapshot.year - 1}",
        unit_series(snapshot.year - 1, stream, source=source),
        "series-last-year",
        dashed=True,
        year=snapshot.year - 1,
    )
    lines = line_chart([this_year, last_year], title=f"Tỷ lệ giải ngân của dòng vốn qua các kỳ – {stream.name}")

    this_year_units = figure_selectors.stream_unit_series(snapshot.year, stream, source)
    last_year_units = figure_selectors.stream_unit_series(snapshot.year - 1, stream, source)
    unit_charts = []
    for row in rows:
        key = (row.figure.investor_id, row.figure.district_id)
        chart = line_chart(
            [
                Series(f"Năm {snapshot.year}", this_year_units.get(key, []), "series-current", year=snapshot.year),
                Series(
                    f"Năm {snapshot.year - 1}",
                    last_year_units.get(key, []),
                    "series-last-year",
                    dashed=True,
                    year=snapshot.year - 1,
                ),
            ],
            title=f"{row.unit_name}: tỷ lệ giải ngân năm {snapshot.year} và năm {snapshot.year - 1}",
            compact=True,
        )
        unit_charts.append({"name": row.unit_name, "url": row.history_url, "chart": chart})

    city = figure_selectors.city_figure(snapshot)
    context = {
        **model_admin.admin_site.each_context(request),
        # Wide tables and charts: no side menu on these pages.
        "is_nav_sidebar_enabled": False,
        "opts": model_admin.model._meta,
        "title": f"Xếp hạng giải ngân: {stream.name}" + (f" – {source.name}" if source else ""),
        "snapshot": snapshot,
        "stream": stream,
        "streams": [
            {
                "stream": f.stream,
                "url": reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, f.stream.code])
                + (f"?source={source.code}" if source else ""),
                "active": f.stream_id == stream.id,
            }
            for f in stream_rows
        ],
        "sources": [
            {
                "name": name,
                "url": reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, stream.code])
                + (f"?source={code}" if code else ""),
                "active": (source.code if source else None) == code,
            }
            for code, name in [(None, "Mọi nguồn vốn")]
            + [(s.code, s.name) for s in figure_selectors.sources_of_stream(snapshot, stream)]
        ],
        "rows": rows,
        "stream_figure": stream_figure,
        "stream_plan": display.money(stream_figure.plan) if stream_figure else "–",
        "stream_disbursed": display.money(stream_figure.disbursed) if stream_figure else "–",
        "stream_ratio": display.city_percent(average),
        "stream_same_period": display.city_percent(stream_figure.same_period_ratio) if stream_figure else "–",
        "city_ratio": display.city_percent(city.ratio) if city else "–",
        "unit_header": "Chủ đầu tư" if stream.ranks_investors else "Quận, huyện",
        "bar_chart": bars,
        "line_chart": lines,
        "unit_charts": unit_charts,
        "bands": BAND_LABELS,
        "has_flags": bool(flags),
    }
    return TemplateResponse(request, "admin/disbursement/rankings.html", context)


def unit_history_view(model_admin, request, stream_code: str, kind: str, unit_id: int):
    _check_view(model_admin, request)
    if kind not in UNIT_KINDS:
        raise Http404
    stream = get_object_or_404(CapitalStream, code=stream_code)
    unit = get_object_or_404(UNIT_KINDS[kind], pk=unit_id)
    try:
        year = int(request.GET["year"])
    except (KeyError, ValueError):
        latest = latest_snapshot()
        year = latest.year if latest else dt.date.today().year
    unit_filter = {"investor": unit} if kind == "investor" else {"district": unit}
    name = unit.display_name

    figures = figure_selectors.unit_series(year, stream, **unit_filter)
    band_config = band_config_for(stream, year)
    rows = [
        {
            "as_of": f.snapshot.as_of,
            "rankings_url": reverse("admin:disbursement_snapshot_rankings", args=[f.snapshot_id, stream.code]),
            "plan": display.money(f.plan),
            "disbursed": display.money(f.disbursed),
            "ratio": display.percent(f.ratio),
            "change_points": display.points(f.change_points),
            "rank": "–" if f.rank is None else f"{f.rank}/{f.rank_of}",
            "rank_change": display.rank_change(f.rank_change),
            "same_period_ratio": display.percent(f.same_period_ratio),
            "band": band_css_class(f, band_config),
        }
        for f in figures
    ]
    chart = line_chart(
        [
            Series(f"Năm {year}", unit_series(year, stream, **unit_filter), "series-current", year=year),
            Series(
                f"Năm {year - 1}",
                unit_series(year - 1, stream, **unit_filter),
                "series-last-year",
                dashed=True,
                year=year - 1,
            ),
            Series(f"Tỷ lệ chung {year}", unit_series(year, stream), "series-stream", year=year),
        ],
        title=f"Tỷ lệ giải ngân của {name} qua các kỳ năm {year}",
    )
    context = {
        **model_admin.admin_site.each_context(request),
        # Wide tables and charts: no side menu on these pages.
        "is_nav_sidebar_enabled": False,
        "opts": model_admin.model._meta,
        "title": f"Diễn biến giải ngân: {name}",
        "unit_name": name,
        "stream": stream,
        # Years as text: a localized integer would print 2.024.
        "year": str(year),
        "previous_year": str(year - 1),
        "next_year": str(year + 1),
        "rows": rows,
        "line_chart": chart,
        "previous_year_url": f"?year={year - 1}",
        "next_year_url": f"?year={year + 1}",
    }
    return TemplateResponse(request, "admin/disbursement/unit_history.html", context)
