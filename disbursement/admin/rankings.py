"""Rankings of a snapshot per stream, and a unit's history over the year.

Reads only computed figures (disbursement.figures.selectors and Figure fields),
takes its query parameters through the API's FilterSets (disbursement.filtersets)
and writes figures through core.presentation: a unit that has not reported reads
"Chưa báo cáo", a figure carried from an earlier report shows its date and file,
a total summed from the reports received says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from core import presentation
from core.figures import disbursement_ratio
from core.succession import SuccessionKind
from disbursement.admin import display
from disbursement.admin.charts import Bar, Series, bar_chart, line_chart
from disbursement.exporting import csvfiles
from disbursement.exporting import services as exporting
from disbursement.figures import selectors as figure_selectors
from disbursement.figures.lineage import related_units
from disbursement.filtersets import RankingFilterSet, SeriesFilterSet
from disbursement.flags.selectors import flags_by_unit
from disbursement.followup.selectors import (
    FollowUp,
    follow_up_by_unit,
    predecessors_timeline,
    unit_commitments,
    unit_timeline,
)
from disbursement.models import BudgetSource, CapitalStream, Figure, Snapshot
from disbursement.plans.schedules import own_schedules, unit_schedule
from disbursement.report.selectors import BandKind, band_config_for, band_for
from disbursement.snapshots.selectors import latest_snapshot
from districts.models import District
from investors.models import Investor

UNIT_KINDS = {"investor": Investor, "district": District}


def band_css_class(figure: Figure, config) -> str:
    """CSS class of a unit's band, the band being the report's (disbursement.report.selectors.band_for).

    A unit that has not reported is in no band: it is neither 'not disbursed' nor below anything.
    """
    if not presentation.is_reported(figure):
        return "band-not-reported"
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
    "band-not-reported": presentation.NOT_REPORTED_WEB,
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
    as_of: dt.date
    history_url: str
    band: str
    flags: list = field(default_factory=list)
    # Where the follow-up of its flags stands: đã giải trình, quá hạn giải trình, cam kết không đạt (or None).
    follow_up: FollowUp | None = None

    @property
    def unit_name(self) -> str:
        return presentation.unit_name(self.figure)

    @property
    def short_name(self) -> str:
        return presentation.short_name(self.unit_name)

    @property
    def rank(self) -> str:
        return presentation.rank_web(self.figure.rank)

    @property
    def plan(self) -> str:
        return display.money(self.figure.plan)

    @property
    def disbursed(self) -> str:
        return presentation.disbursed_web(self.figure)

    @property
    def ratio(self) -> str:
        return presentation.unit_ratio_web(self.figure)

    @property
    def change_points(self) -> str:
        return presentation.compared(self.figure, "previous_basis", presentation.points_web(self.figure.change_points))

    @property
    def change_amount(self) -> str:
        return presentation.compared(self.figure, "previous_basis", display.money(self.figure.change_amount))

    @property
    def rank_change(self) -> str:
        return presentation.compared(
            self.figure, "previous_basis", presentation.rank_change_web(self.figure.rank_change)
        )

    @property
    def rank_change_class(self) -> str:
        change = self.figure.rank_change
        if not change:
            return ""
        return "rank-up" if change > 0 else "rank-down"

    @property
    def same_period_ratio(self) -> str:
        return presentation.compared(self.figure, "same_period_basis", display.percent(self.figure.same_period_ratio))

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.band]

    @property
    def carried(self) -> str:
        """'số liệu ngày 13/07/2024' when the unit has not reported since; '' otherwise."""
        return presentation.carried_web(self.figure, self.as_of)

    @property
    def source_file(self) -> str:
        return presentation.figure_source_file(self.figure)


def _local_units_header(rows: list[RankingRow]) -> str:
    """The local units' column by the level they are at on the date (communes since 1/7/2025)."""
    if any(r.figure.district is not None and r.figure.district.level == District.Level.COMMUNE for r in rows):
        return "Xã, phường, đặc khu"
    return "Quận, huyện"


def _check_view(model_admin, request) -> None:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def _ranking_query(request, stream_code: str | None) -> RankingFilterSet:
    """The page's parameters read as the API reads a ranking's: an unknown stream or source is not found."""
    query = RankingFilterSet({"stream": stream_code or "", "source": request.GET.get("source", "")})
    if not query.is_valid():
        raise Http404("Không có dòng vốn hoặc nguồn vốn này.")
    return query


def _year_charts(snapshot: Snapshot, stream: CapitalStream, source: BudgetSource | None, rows: list[RankingRow]):
    """The stream's curve this year and last, a small such chart for each unit, and whether last year has any."""
    year = snapshot.year
    stream_last_year = unit_series(year - 1, stream, source=source)
    lines = line_chart(
        [
            Series(f"Năm {year}", unit_series(year, stream, source=source), "series-current", year=year),
            Series(
                f"Năm {year - 1}",
                stream_last_year,
                "series-last-year",
                dashed=True,
                year=year - 1,
            ),
        ],
        title=f"Tỷ lệ giải ngân của dòng vốn qua các kỳ – {stream.name}",
    )
    this_year_units = figure_selectors.stream_unit_series(year, stream, source)
    last_year_units = figure_selectors.stream_unit_series(year - 1, stream, source)
    unit_charts = []
    for row in rows:
        key = (row.figure.investor_id, row.figure.district_id)
        chart = line_chart(
            [
                Series(f"Năm {year}", this_year_units.get(key, []), "series-current", year=year),
                Series(f"Năm {year - 1}", last_year_units.get(key, []), "series-last-year", dashed=True, year=year - 1),
            ],
            title=f"{row.unit_name}: tỷ lệ giải ngân năm {year} và năm {year - 1}",
            compact=True,
        )
        unit_charts.append(
            {"name": row.unit_name, "short_name": row.short_name, "url": row.history_url, "chart": chart}
        )
    return lines, unit_charts, bool(stream_last_year or last_year_units)


def _tabs(snapshot: Snapshot, stream: CapitalStream, source: BudgetSource | None, streams_all: list[Figure]):
    """Links to the snapshot's streams (same source) and to the stream's sources.

    Every stream of the snapshot keeps its tab, and the chosen source its own, even where the stream has
    no figure of that source: the page then says so instead of losing the way back.
    """
    suffix = f"?source={source.code}" if source else ""
    streams = [
        {
            "stream": f.stream,
            "url": reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, f.stream.code]) + suffix,
            "active": f.stream_id == stream.id,
        }
        for f in streams_all
    ]
    own_sources = figure_selectors.sources_of_stream(snapshot, stream)
    if source is not None and source not in own_sources:
        own_sources = sorted([*own_sources, source], key=lambda s: s.order)
    sources = [
        {
            "name": name,
            "url": reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, stream.code])
            + (f"?source={code}" if code else ""),
            "active": (source.code if source else None) == code,
        }
        for code, name in [(None, "Mọi nguồn vốn")] + [(s.code, s.name) for s in own_sources]
    ]
    return streams, sources


# Columns shown only when some unit has a figure in them: a column of dashes says nothing.
OPTIONAL_COLUMNS = {
    "change_amount": "Tăng so kỳ trước",
    "change_points": "Tăng tỷ lệ",
    "rank_change": "Thay đổi hạng",
    "same_period_ratio": "Cùng kỳ năm trước",
    "flags": "Cảnh báo",
}


def _shown_columns(rows: list[RankingRow]) -> tuple[dict[str, bool], list[str]]:
    """Which optional columns have a figure for some unit, and the names of those left out."""
    shown = {
        "change_amount": any(r.figure.change_amount is not None for r in rows),
        "change_points": any(r.figure.change_points is not None for r in rows),
        "rank_change": any(r.figure.rank_change is not None for r in rows),
        "same_period_ratio": any(r.figure.same_period_ratio is not None for r in rows),
        "flags": any(r.flags for r in rows),
    }
    return shown, [OPTIONAL_COLUMNS[key] for key, on in shown.items() if not on]


def _common_source_file(rows: list[RankingRow]) -> str:
    """The file every unit's figure came from, when it is one file; '' when the units' files differ."""
    files = {r.source_file for r in rows}
    return files.pop() if len(files) == 1 else ""


def _line_caption(lines_have_last_year: bool, year: int) -> str:
    if lines_have_last_year:
        return "Tỷ lệ giải ngân của dòng vốn qua các kỳ, so với năm trước"
    return f"Tỷ lệ giải ngân của dòng vốn qua các kỳ năm {year} (chưa có số liệu năm {year - 1} để so sánh)"


def rankings_view(model_admin, request, snapshot_id: int, stream_code: str | None = None):
    _check_view(model_admin, request)
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    query = _ranking_query(request, stream_code)
    # ?source=nstw: the units within one budget source; over all sources by default.
    source = query.chosen_source
    stream_rows = list(figure_selectors.stream_figures(snapshot, source=source))
    streams_all = list(figure_selectors.stream_figures(snapshot))
    stream = query.requested_stream
    if stream is None:
        if not (stream_rows or streams_all):
            raise Http404("Kỳ số liệu chưa có số liệu đã tính.")
        stream = (stream_rows or streams_all)[0].stream
    stream_figure = next((f for f in stream_rows if f.stream_id == stream.id), None)
    flags = flags_by_unit(snapshot)
    follow_up = follow_up_by_unit(snapshot)
    band_config = band_config_for(stream, snapshot.year)

    rows = [
        RankingRow(
            figure=figure,
            as_of=snapshot.as_of,
            history_url=history_url(stream, figure, snapshot.year),
            band=band_css_class(figure, band_config),
            flags=flags.get((figure.stream_id, figure.investor_id, figure.district_id), []),
            follow_up=follow_up.get((figure.stream_id, figure.investor_id, figure.district_id)),
        )
        for figure in figure_selectors.ranking(snapshot, stream, source).select_related("submission")
    ]
    average = stream_figure.ratio if stream_figure else None
    bars = bar_chart(
        [Bar(r.short_name, r.figure.ratio, r.band, r.history_url, r.ratio, title=r.unit_name) for r in rows],
        reference=average,
        reference_label="Tỷ lệ chung",
        title=f"Tỷ lệ giải ngân – {stream.name}",
    )
    lines, unit_charts, has_last_year = _year_charts(snapshot, stream, source, rows)
    streams, sources = _tabs(snapshot, stream, source, streams_all)
    city = figure_selectors.city_figure(snapshot)
    shown, hidden = _shown_columns(rows)
    # The follow-up column appears once a unit of the stream has been asked to explain; never named as hidden.
    shown["follow_up"] = any(r.follow_up for r in rows)
    common_file = _common_source_file(rows)
    context = {
        **model_admin.admin_site.each_context(request),
        # Wide tables and charts: no side menu on these pages.
        "is_nav_sidebar_enabled": False,
        "opts": model_admin.model._meta,
        "title": f"Xếp hạng giải ngân: {stream.name}" + (f" – {source.name}" if source else ""),
        "snapshot": snapshot,
        "stream": stream,
        "streams": streams,
        "sources": sources,
        "rows": rows,
        "stream_figure": stream_figure,
        "stream_plan": display.money(stream_figure.plan) if stream_figure else "–",
        "stream_disbursed": display.money(stream_figure.disbursed) if stream_figure else "–",
        "stream_ratio": display.city_percent(average),
        "stream_same_period": display.city_percent(stream_figure.same_period_ratio) if stream_figure else "–",
        "stream_partial": presentation.partial_note(stream_figure),
        "city_ratio": display.city_percent(city.ratio) if city else "–",
        "city_partial": presentation.partial_note(city, display.source_names()),
        "not_reported": sum(1 for r in rows if not presentation.is_reported(r.figure)),
        "carried": sum(1 for r in rows if r.carried),
        "unit_header": "Chủ đầu tư" if stream.ranks_investors else _local_units_header(rows),
        "bar_chart": bars,
        "line_chart": lines,
        "line_caption": _line_caption(has_last_year, snapshot.year),
        "has_last_year": has_last_year,
        "shown": shown,
        "hidden_columns": hidden,
        "common_source_file": common_file,
        "source": source,
        "all_sources_url": reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, stream.code]),
        "unit_charts": unit_charts,
        "bands": BAND_LABELS,
        "has_flags": bool(flags),
        "exports": export_links(
            "admin:disbursement_snapshot_rankings_export",
            [snapshot.pk, stream.code],
            {"source": source.code if source else ""},
        ),
    }
    return TemplateResponse(request, "admin/disbursement/rankings.html", context)


def commitment_points(figures, commitments) -> list[tuple[dt.date, Decimal]]:
    """Each commitment on the curve: its amount as a share of the unit's plan (the latest plan of the year)."""
    plans = [f.plan for f in figures if f.plan]
    if not plans:
        return []
    return [(c.due, disbursement_ratio(c.amount, plans[-1])) for c in commitments]


def unit_history_view(model_admin, request, stream_code: str, kind: str, unit_id: int):
    _check_view(model_admin, request)
    unit, year, stream = _history_unit_and_year(request, stream_code, kind, unit_id)
    unit_filter = {"investor": unit} if kind == "investor" else {"district": unit}
    name = unit.display_name

    figures = figure_selectors.unit_series(year, stream, **unit_filter)
    band_config = band_config_for(stream, year)
    rows = [
        {
            "as_of": f.snapshot.as_of,
            "rankings_url": reverse("admin:disbursement_snapshot_rankings", args=[f.snapshot_id, stream.code]),
            "plan": display.money(f.plan),
            "disbursed": presentation.disbursed_web(f),
            "ratio": presentation.unit_ratio_web(f),
            "change_points": presentation.compared(f, "previous_basis", presentation.points_web(f.change_points)),
            "rank": presentation.rank_web(f.rank, f.rank_of),
            "rank_change": presentation.compared(f, "previous_basis", presentation.rank_change_web(f.rank_change)),
            "same_period_ratio": presentation.compared(f, "same_period_basis", display.percent(f.same_period_ratio)),
            "band": band_css_class(f, band_config),
            "carried": presentation.carried_web(f, f.snapshot.as_of),
            "source_file": presentation.figure_source_file(f),
        }
        for f in figures
    ]
    predecessors, successors = _related(stream, kind, unit)
    last_year = unit_series(year - 1, stream, **unit_filter)
    chart = line_chart(
        [
            Series(f"Năm {year}", unit_series(year, stream, **unit_filter), "series-current", year=year),
            Series(
                f"Năm {year - 1}",
                last_year,
                "series-last-year",
                dashed=True,
                year=year - 1,
            ),
            Series(f"Tỷ lệ chung {year}", unit_series(year, stream), "series-stream", year=year),
            Series(
                "Cam kết của đơn vị",
                commitment_points(figures, unit_commitments(year, stream=stream, **unit_filter)),
                "series-commitment",
                dashed=True,
                year=year,
            ),
        ],
        title=f"Tỷ lệ giải ngân của {name} qua các kỳ năm {year}",
    )
    timeline = unit_timeline(year, stream=stream, **unit_filter)
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
        "line_caption": (
            "Tỷ lệ giải ngân qua các kỳ, so với năm trước và với tỷ lệ chung"
            if last_year
            else f"Tỷ lệ giải ngân qua các kỳ năm {year}, so với tỷ lệ chung (chưa có số liệu năm {year - 1})"
        ),
        "timeline": timeline,
        "previous_year_url": f"?year={year - 1}",
        "next_year_url": f"?year={year + 1}",
        "exports": export_links(
            "admin:disbursement_snapshot_unit_history_export", [stream.code, kind, unit.pk], {"year": str(year)}
        ),
        "predecessors": predecessors,
        "successors": successors,
        "predecessor_rows": _predecessor_rows(stream, year, predecessors),
        "predecessor_timeline": predecessors_timeline(
            year, [(p["unit"], p["date"]) for p in predecessors], stream=stream
        ),
        "schedule_rows": _schedule_rows(stream, year, kind, unit, predecessors),
    }
    return TemplateResponse(request, "admin/disbursement/unit_history.html", context)


QUARTERS = (1, 2, 3, 4)


def _schedule_rows(stream: CapitalStream, year: int, kind: str, unit, predecessors: list[dict]) -> list[dict]:
    """The registered quarterly schedule the unit is held to at the end of the year (its own, else the sum of
    its merged predecessors', marked), then each predecessor's own registration of the year."""

    def row(name: str, schedule, note: str = "") -> dict:
        return {
            "name": name,
            "note": note,
            "quarters": [display.money(schedule.quarters[q]) if q in schedule.quarters else "–" for q in QUARTERS],
            "total": display.money(schedule.total),
        }

    unit_ids = {"investor_id": unit.id} if kind == "investor" else {"district_id": unit.id}
    rows = []
    schedule = unit_schedule(year, dt.date(year, 12, 31), stream.id, **unit_ids)
    if schedule is not None:
        note = "cộng tiến độ đăng ký của các đơn vị trước sắp xếp" if schedule.inherited else "đơn vị đăng ký"
        rows.append(row(unit.display_name, schedule, note))
    ids = [p["unit"].id for p in predecessors]
    if ids:
        given = {"investor_ids": ids} if kind == "investor" else {"district_ids": ids}
        own = own_schedules(year, stream.id, **given)
        for p in predecessors:
            if p["unit"].id in own:
                rows.append(row(p["name"], own[p["unit"].id], f"đơn vị trước sắp xếp ({p['change']})"))
    return rows


def _related(stream: CapitalStream, kind: str, unit) -> tuple[list[dict], list[dict]]:
    """The unit's predecessors and successors, each with its kind of change, date and history link."""
    back, forward = related_units((unit.id, None) if kind == "investor" else (None, unit.id))
    units = UNIT_KINDS[kind].objects.in_bulk({k[0] or k[1] for k, _, _ in back + forward})

    def describe(items) -> list[dict]:
        return [
            {
                "unit": units[k[0] or k[1]],
                "name": units[k[0] or k[1]].display_name,
                "change": SuccessionKind(change).label,
                "date": day,
                "url": reverse("admin:disbursement_snapshot_unit_history", args=[stream.code, kind, k[0] or k[1]])
                + f"?year={day.year}",
            }
            for k, change, day in items
            if (k[0] or k[1]) in units
        ]

    return describe(back), describe(forward)


def _predecessor_rows(stream: CapitalStream, year: int, predecessors: list[dict]) -> list[dict]:
    """The predecessors' own figures in this year (before they passed to this unit), by date."""
    rows = []
    for item in predecessors:
        unit = item["unit"]
        unit_filter = {"investor": unit} if isinstance(unit, Investor) else {"district": unit}
        for f in figure_selectors.unit_series(year, stream, **unit_filter):
            rows.append(
                {
                    "as_of": f.snapshot.as_of,
                    "name": item["name"],
                    "plan": display.money(f.plan),
                    "disbursed": presentation.disbursed_web(f),
                    "ratio": presentation.unit_ratio_web(f),
                    "rank": presentation.rank_web(f.rank, f.rank_of),
                }
            )
    return sorted(rows, key=lambda r: (r["as_of"], r["name"]))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, name: str, extension: str) -> HttpResponse:
    content_type = XLSX if extension == "xlsx" else "text/csv; charset=utf-8"
    return HttpResponse(
        data, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _dialect(request) -> str:
    code = request.GET.get("dialect") or csvfiles.MACHINE.code
    if code not in csvfiles.DIALECTS:
        raise Http404("Không có kiểu CSV này.")
    return code


EXTENSIONS = ("xlsx", "csv")


def export_links(url_name: str, args: list, query: dict[str, str]) -> list[dict[str, str]]:
    """The page's downloads: the workbook, the CSV for Excel and the plain CSV, with the page's own query."""

    def link(extension: str, **extra: str) -> str:
        params = urlencode({**{k: v for k, v in query.items() if v}, **extra})
        url = reverse(url_name, args=[*args, extension])
        return url + (f"?{params}" if params else "")

    return [
        {"url": link("xlsx"), "label": "Tải Excel (.xlsx)", "kind": "xlsx"},
        {"url": link("csv", dialect=csvfiles.EXCEL.code), "label": "Tải CSV cho Excel", "kind": "csv-excel"},
        {"url": link("csv"), "label": "Tải CSV (dấu phẩy)", "kind": "csv"},
    ]


def rankings_export_view(model_admin, request, snapshot_id: int, stream_code: str, extension: str):
    """The page's ranking as a workbook or CSV: the same snapshot, stream and source."""
    _check_view(model_admin, request)
    if extension not in EXTENSIONS:
        raise Http404
    snapshot = get_object_or_404(Snapshot, pk=snapshot_id)
    query = _ranking_query(request, stream_code)
    source = query.chosen_source
    source_code = source.code if source else None
    stem = f"xep-hang-{stream_code}{'-' + source_code if source_code else ''}-{snapshot.as_of:%Y-%m-%d}"
    if extension == "xlsx":
        data = exporting.ranking_workbook(snapshot.pk, stream_code=stream_code, source_code=source_code)
    else:
        data = exporting.ranking_csv(snapshot.pk, stream_code, source_code=source_code, dialect=_dialect(request))
    return _download(data, f"{stem}.{extension}", extension)


def _history_unit_and_year(request, stream_code: str, kind: str, unit_id: int):
    if kind not in UNIT_KINDS:
        raise Http404
    unit = get_object_or_404(UNIT_KINDS[kind], pk=unit_id)
    if "year" in request.GET:
        year = request.GET["year"]
    else:
        latest = latest_snapshot()
        year = latest.year if latest else dt.date.today().year
    # The page's parameters read as the API reads a unit's series.
    query = SeriesFilterSet({"year": year, "stream": stream_code, kind: unit.code})
    if not query.is_valid():
        raise Http404("Không có dòng vốn hoặc năm này.")
    return unit, query.query["year"], query.query["stream"]


def unit_history_export_view(model_admin, request, stream_code: str, kind: str, unit_id: int, extension: str):
    """A unit's history over the year as a workbook or CSV."""
    _check_view(model_admin, request)
    if extension not in EXTENSIONS:
        raise Http404
    unit, year, stream = _history_unit_and_year(request, stream_code, kind, unit_id)
    stem = f"dien-bien-{unit.code}-{stream.code}-{year}"
    if extension == "xlsx":
        data = exporting.unit_history_workbook(year, stream.code, kind, unit.pk)
    else:
        data = exporting.unit_history_csv(year, stream.code, kind, unit.pk, dialect=_dialect(request))
    return _download(data, f"{stem}.{extension}", extension)
