"""Draft the public-investment section of the monthly report from a snapshot's figures.

Figures are read through disbursement.figures.selectors, bands through
disbursement.report.selectors, numbers written through core.notation; the
wording comes from the staff-edited ReportTemplate rows.

The draft tells what the figures are: a unit that has not reported is
"chưa báo cáo", never "chưa giải ngân"; a unit's figure carried from an
earlier report is written with its own date; a city total summed from the
reports received is written as such, with what it covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path

from core.fiscal import same_date_last_year, year_start
from core.money import TY
from core.notation import (
    format_amount_with_unit,
    format_count,
    format_count_of,
    format_percent,
    format_report_date,
)
from disbursement.figures.selectors import city_figure, source_figures, stream_figures
from disbursement.followup.selectors import attention
from disbursement.models import (
    BandConfig,
    BudgetSource,
    CapitalStream,
    ExplanationRequest,
    Figure,
    ReportTemplate,
    Snapshot,
)
from disbursement.report.docx import check_layout, render_docx, uploaded_layout
from disbursement.report.rendering import render_text
from disbursement.report.selectors import BandedUnits, BandKind, band_config_for, banded_units
from disbursement.report.units_change import units_change_context
from disbursement.report.wording import DEFAULTS
from districts.selectors import commune_level_on

__all__ = ["Draft", "ReportError", "draft_report", "render_docx", "replace_layout", "restore_shipped_layout"]


class ReportError(ValueError):
    """A draft that cannot be written (no figures yet)."""


@dataclass
class Draft:
    snapshot_id: int
    title: str
    sections: list[tuple[str, str]] = field(default_factory=list)
    # For the staff, not the report: wording that could not say what this snapshot needs.
    notices: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [self.title]
        for title, text in self.sections:
            parts.append(f"{title}\n{text}" if title else text)
        return "\n\n".join(parts)

    @property
    def html(self) -> str:
        parts = [f"<h2>{escape(self.title)}</h2>"]
        for title, text in self.sections:
            parts.append("<section>")
            if title:
                parts.append(f"<h3>{escape(title)}</h3>")
            parts.extend(f"<p>{escape(line)}</p>" for line in text.splitlines())
            parts.append("</section>")
        return "\n".join(parts)


# What each variable a template may lack tells the reader.
_NEEDED_FOR = {
    "is_partial": "tổng của thành phố là cộng các báo cáo đã nhận, chưa có số liệu tổng hợp",
    "not_reported": "có đơn vị chưa báo cáo số liệu",
    "reported_on": "có đơn vị mà số liệu lấy từ báo cáo trước đó, cần ghi ngày của số liệu",
    "available": "không có số liệu cùng kỳ năm trước",
    "sentence": "nhóm chưa giải ngân được chọn viết thành một câu với tổng số vốn",
}


class _Wording:
    """The templates in force, read once per draft.

    A template that does not use a variable this snapshot needs (a partial
    city total, a unit that has not reported, a figure carried from an earlier
    date, no same-period figures) would write a false picture: wording kept
    from before these variables existed gives way to the shipped default for
    that section, and the draft tells the staff which template to update.
    """

    def __init__(self) -> None:
        self.rows = {(t.section, t.stream_id): t for t in ReportTemplate.objects.all()}
        self.notices: list[str] = []

    def get(self, section: str, stream: CapitalStream | None = None, needs: tuple[str, ...] = ()) -> tuple[str, str]:
        row = (stream and self.rows.get((section, stream.id))) or self.rows.get((section, None))
        if row is None:
            return DEFAULTS[section]
        missing = [name for name in needs if name not in row.title and name not in row.body]
        if missing:
            reasons = "; ".join(f"{name}: {_NEEDED_FOR[name]}" for name in missing)
            notice = (
                f"Mẫu câu '{row}' chưa dùng biến mà số liệu kỳ này cần ({reasons}); phần này của dự thảo được viết "
                "theo mẫu câu mặc định. Hãy bổ sung vào mẫu câu (danh sách biến ở trang sửa mẫu câu)."
            )
            if notice not in self.notices:
                self.notices.append(notice)
            return DEFAULTS[section]
        return row.title, row.body

    def render(
        self, section: str, context: dict, stream: CapitalStream | None = None, needs: tuple[str, ...] = ()
    ) -> tuple[str, str]:
        title, body = self.get(section, stream, needs)
        return render_text(title, context), render_text(body, context)


def _amount(dong: int | None, unit: int = TY, places: int | None = None) -> str:
    return "" if dong is None else format_amount_with_unit(dong, unit, places)


def _ratio(ratio: Decimal | None, places: int | None = None) -> str:
    if ratio is None:
        return ""
    return format_percent(ratio) if places is None else format_percent(ratio, places, drop_zero_fraction=True)


def _unit_name(figure: Figure) -> str:
    unit = figure.unit
    return unit.display_name if unit is not None else ""


def _noun(stream: CapitalStream, commune_level: bool = False) -> str:
    """How the section names its units: by the level they are at on the date (communes since 1/7/2025)."""
    if stream.ranks_investors:
        return "chủ đầu tư"
    if commune_level:
        return "xã" if stream.rural_only else "xã, phường, đặc khu"
    return "huyện" if stream.rural_only else "quận, huyện"


def _units_reported(item: dict) -> int | None:
    """Units of a stream with a figure this year, on the date or carried from an earlier report."""
    if "units_reported" in item:
        return item["units_reported"]
    if "units_total" in item and "units_not_reported" in item:
        return item["units_total"] - item["units_not_reported"]
    return None


def _coverage_context(coverage: dict, commune_level: bool = False) -> dict:
    """What a partial city total covers: each stream with its units reported out of its units, the sources."""
    items = coverage.get("streams") or []
    streams = {s.code: s for s in CapitalStream.objects.filter(code__in=[i.get("code") for i in items])}
    stream_rows = []
    for item in items:
        stream = streams.get(item.get("code"))
        total, reported = item.get("units_total"), _units_reported(item)
        counted = isinstance(reported, int) and isinstance(total, int)
        carried = item.get("units_carried") or 0
        stream_rows.append(
            {
                "code": item.get("code"),
                "name": stream.name if stream else item.get("name") or item.get("code") or "",
                "noun": _noun(stream, commune_level) if stream else "đơn vị",
                "units_reported": reported,
                "units_total": total,
                "count_of_total": format_count_of(reported, total) if counted else "",
                "complete": counted and reported >= total,
                "units_carried": carried,
                "carried_text": format_count(carried),
            }
        )
    sources = BudgetSource.objects.filter(code__in=coverage.get("sources") or []).order_by("order")
    return {
        "streams": stream_rows,
        "sources": [{"code": s.code, "name": s.name, "short_name": s.short_name} for s in sources],
        "summary": bool(coverage.get("summary")),
    }


def _city_context(snapshot: Snapshot, city: Figure) -> dict:
    return {
        "year": str(snapshot.year),
        "year_start": format_report_date(year_start(snapshot.year), padded=True),
        "as_of": format_report_date(snapshot.as_of),
        "is_estimate": snapshot.is_estimate,
        # A sum of the reports received, not a city-wide summary: the wording must say so.
        "is_partial": city.is_partial,
        "coverage": _coverage_context(city.coverage or {}, commune_level_on(snapshot.as_of)) if city.is_partial else {},
        "disbursed": _amount(city.disbursed),
        "plan": _amount(city.plan),
        "ratio": _ratio(city.ratio),
        "plan_pm": _amount(city.plan_pm),
        "ratio_pm": _ratio(city.ratio_pm),
        "sources": [
            {
                "name": f.source.name,
                "short_name": f.source.short_name,
                "disbursed": _amount(f.disbursed),
                "plan": _amount(f.plan),
                "ratio": _ratio(f.ratio),
                "plan_pm": _amount(f.plan_pm),
                "ratio_pm": _ratio(f.ratio_pm),
            }
            for f in source_figures(snapshot)
        ],
    }


def _same_period_context(snapshot: Snapshot, city: Figure) -> dict:
    last_year = city.same_period_snapshot
    context = {
        "year": str(snapshot.year - 1),
        "target_date": format_report_date(same_date_last_year(snapshot.as_of)),
        # The compute finds last year's snapshot near the same day, or none: never one months away.
        "available": last_year is not None and city.same_period_disbursed is not None,
    }
    if not context["available"]:
        return context
    return {
        **context,
        "as_of": format_report_date(last_year.as_of),
        "disbursed": _amount(city.same_period_disbursed),
        "plan": _amount(city.same_period_plan),
        "ratio": _ratio(city.same_period_ratio),
        "plan_pm": _amount(city.same_period_plan_pm),
        "ratio_pm": _ratio(city.same_period_ratio_pm),
    }


def is_carried(figure: Figure, snapshot: Snapshot) -> bool:
    """The figure is the unit's latest earlier report of the year, not one of the snapshot's date."""
    return figure.disbursed is not None and figure.reported_on is not None and figure.reported_on < snapshot.as_of


def unit_entry_context(figure: Figure, config: BandConfig, snapshot: Snapshot) -> dict:
    unit, places = config.amount_unit, config.amount_places
    carried = is_carried(figure, snapshot)
    reported = figure.disbursed is not None
    return {
        "name": _unit_name(figure),
        "disbursed": _amount(figure.disbursed, unit, places),
        "plan": _amount(figure.plan, unit, places),
        "ratio": _ratio(figure.ratio, config.ratio_places),
        "not_reported": not reported,
        "not_disbursed": reported and figure.disbursed == 0 and figure.ratio is not None,
        "no_plan": reported and figure.ratio is None,
        "complete": reported and figure.plan is not None and figure.disbursed >= figure.plan > 0,
        "carried": carried,
        # The date of the report the figure comes from, written only when it is not the snapshot's.
        "reported_on": format_report_date(figure.reported_on) if carried else "",
    }


def _band_context(group: BandedUnits, entries: list[str], config: BandConfig) -> dict:
    return {
        "label": group.label,
        "kind": group.band.kind,
        # The not-disbursed band as one sentence with its total, when the config asks for it.
        "sentence": config.not_disbursed_sentence and group.band.kind == BandKind.NOT_DISBURSED,
        "plan_total": _amount(group.plan_total, config.amount_unit, config.amount_places),
        "count": group.count,
        "count_text": format_count(group.count),
        "count_of_total": format_count_of(group.count, group.total),
        "total": group.total,
        "entries": entries,
        "names": [_unit_name(f) for f in group.units],
    }


def _entry(figure: Figure, config: BandConfig, snapshot: Snapshot, wording: _Wording) -> str:
    context = unit_entry_context(figure, config, snapshot)
    needs = ("reported_on",) if context["carried"] else ()
    return wording.render("unit_entry", context, needs=needs)[1]


def _not_reported_context(group: BandedUnits | None, total: int, config: BandConfig) -> dict:
    units = group.units if group else []
    return {
        "count": len(units),
        "count_text": format_count(len(units)),
        "count_of_total": format_count_of(len(units), total),
        "total": total,
        "names": [_unit_name(f) for f in units],
        "plan_total": _amount(group.plan_total if group else 0, config.amount_unit, config.amount_places),
    }


def _stream_context(
    snapshot: Snapshot, stream_figure: Figure, wording: _Wording
) -> tuple[dict, tuple[str, ...]] | None:
    """The stream section's variables, and the variables its wording must use to tell the truth."""
    stream = stream_figure.stream
    config = band_config_for(stream, snapshot.year)
    groups = banded_units(snapshot, stream, config)
    total = groups[0].total if groups else 0
    if not total:
        return None
    not_reported_group = next((g for g in groups if g.band.kind == BandKind.NOT_REPORTED), None)
    bands = []
    for group in groups:
        if group.band.kind == BandKind.NOT_REPORTED:
            continue
        entries = [_entry(f, config, snapshot, wording) for f in group.units]
        bands.append(_band_context(group, entries, config))
    not_reported = _not_reported_context(not_reported_group, total, config)
    reported = total - not_reported["count"]
    carried = sum(1 for g in groups for f in g.units if is_carried(f, snapshot))
    average = next((f.stream_average for g in groups for f in g.units if f.stream_average is not None), None)
    commune_level = any(f.district is not None and f.district.level == "commune" for g in groups for f in g.units)
    context = {
        "stream_name": stream.name,
        "noun": _noun(stream, commune_level),
        "disbursed": _amount(stream_figure.disbursed, config.amount_unit, config.amount_places),
        "plan": _amount(stream_figure.plan, config.amount_unit, config.amount_places),
        "ratio": _ratio(stream_figure.ratio),
        "average": _ratio(average),
        "total": total,
        "bands": bands,
        "not_reported": not_reported,
        # The stream's total sums the units that have reported: say how many when not all have.
        "is_partial": stream_figure.is_partial or not_reported["count"] > 0,
        "has_reports": reported > 0,
        "reported_count": reported,
        "reported_of_total": format_count_of(reported, total),
        "carried_count": carried,
    }
    needs: tuple[str, ...] = ()
    if not_reported["count"]:
        needs += ("not_reported",)
    if any(b["sentence"] and b["count"] for b in bands):
        needs += ("sentence",)
    return context, needs


def draft_report(snapshot_id: int) -> Draft:
    """The draft of the report section for a snapshot, from its computed figures."""
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    city = city_figure(snapshot)
    if city is None:
        raise ReportError(f"Kỳ số liệu {snapshot} chưa được tính; chưa thể lập dự thảo báo cáo.")
    wording = _Wording()
    heading = {
        "year": str(snapshot.year),
        "as_of": format_report_date(snapshot.as_of),
        "is_estimate": snapshot.is_estimate,
    }
    draft = Draft(snapshot_id=snapshot.id, title=wording.render("heading", heading)[1])
    needs = ("is_partial",) if city.is_partial else ()
    draft.sections.append(wording.render("city", _city_context(snapshot, city), needs=needs))
    same_period = _same_period_context(snapshot, city)
    needs = () if same_period["available"] else ("available",)
    draft.sections.append(wording.render("same_period", same_period, needs=needs))
    units_change = units_change_context(snapshot)
    if units_change["changes"]:
        draft.sections.append(wording.render("units_change", units_change))
    for stream_figure in stream_figures(snapshot):
        found = _stream_context(snapshot, stream_figure, wording)
        if found is not None:
            context, needs = found
            draft.sections.append(wording.render("stream", context, stream_figure.stream, needs=needs))
    follow_up = _follow_up_context(snapshot)
    if follow_up is not None:
        draft.sections.append(wording.render("follow_up", follow_up))
    draft.notices = wording.notices
    return draft


def _follow_up_context(snapshot: Snapshot) -> dict | None:
    """Units that have not explained by their deadline and commitments missed; None when no unit of the year
    has been asked to explain (the draft then has no such section)."""
    if not ExplanationRequest.objects.filter(year=snapshot.year).exclude(status="cancelled").exists():
        return None
    found = attention(snapshot)
    return {
        "as_of": format_report_date(snapshot.as_of),
        "not_explained": [
            {
                "name": item.name,
                "stream": item.stream,
                "requested": item.requested,
                "deadline": item.deadline,
                "days_overdue": item.days_overdue,
            }
            for item in found.overdue
        ],
        "not_explained_count_text": format_count(len(found.overdue)),
        "missed": [
            {
                "name": item.name,
                "stream": item.stream,
                "due": item.due,
                "committed": item.committed,
                "disbursed": item.disbursed,
                "shortfall": item.shortfall,
                "as_of": item.as_of,
            }
            for item in found.missed
        ],
        "missed_count_text": format_count(len(found.missed)),
        "explained_count": found.explained_count,
    }


# --- The layout of the official report ----------------------------------------------------------------


def replace_layout(data: bytes, name: str) -> Path:
    """Keep an uploaded .docx as the report's layout, once it is checked; the previous one is replaced whole."""
    check_layout(data, name)
    path = uploaded_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def restore_shipped_layout() -> None:
    """Drop the uploaded layout: the setting's, or the shipped one, is used again."""
    uploaded_layout().unlink(missing_ok=True)
