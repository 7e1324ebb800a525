"""Draft the public-investment section of the monthly report from a snapshot's figures.

Figures are read through disbursement.figures.selectors, bands through
disbursement.report.selectors, numbers written through core.notation; the
wording comes from the staff-edited ReportTemplate rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from core.fiscal import year_start
from core.money import TY
from core.notation import (
    format_amount_with_unit,
    format_count,
    format_count_of,
    format_percent,
    format_report_date,
)
from disbursement.figures.selectors import city_figure, source_figures, stream_figures
from disbursement.models import BandConfig, CapitalStream, Figure, ReportTemplate, Snapshot
from disbursement.report.docx import render_docx
from disbursement.report.rendering import render_text
from disbursement.report.selectors import BandedUnits, BandKind, band_config_for, banded_units
from disbursement.report.wording import DEFAULTS

__all__ = ["Draft", "ReportError", "draft_report", "render_docx"]


class ReportError(ValueError):
    """A draft that cannot be written (no figures yet)."""


@dataclass
class Draft:
    snapshot_id: int
    title: str
    sections: list[tuple[str, str]] = field(default_factory=list)

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


class _Wording:
    """The templates in force, read once per draft."""

    def __init__(self) -> None:
        self.rows = {(t.section, t.stream_id): t for t in ReportTemplate.objects.all()}

    def get(self, section: str, stream: CapitalStream | None = None) -> tuple[str, str]:
        row = (stream and self.rows.get((section, stream.id))) or self.rows.get((section, None))
        if row is not None:
            return row.title, row.body
        return DEFAULTS[section]

    def render(self, section: str, context: dict, stream: CapitalStream | None = None) -> tuple[str, str]:
        title, body = self.get(section, stream)
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


def _noun(stream: CapitalStream) -> str:
    if stream.ranks_investors:
        return "chủ đầu tư"
    return "huyện" if stream.rural_only else "quận, huyện"


def _city_context(snapshot: Snapshot, city: Figure) -> dict:
    return {
        "year": str(snapshot.year),
        "year_start": format_report_date(year_start(snapshot.year), padded=True),
        "as_of": format_report_date(snapshot.as_of),
        "is_estimate": snapshot.is_estimate,
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


def _same_period_context(city: Figure) -> dict:
    last_year = city.same_period_snapshot
    return {
        "year": str(last_year.year),
        "as_of": format_report_date(last_year.as_of),
        "disbursed": _amount(city.same_period_disbursed),
        "plan": _amount(city.same_period_plan),
        "ratio": _ratio(city.same_period_ratio),
        "plan_pm": _amount(city.same_period_plan_pm),
        "ratio_pm": _ratio(city.same_period_ratio_pm),
    }


def unit_entry_context(figure: Figure, config: BandConfig) -> dict:
    unit, places = config.amount_unit, config.amount_places
    return {
        "name": _unit_name(figure),
        "disbursed": _amount(figure.disbursed, unit, places),
        "plan": _amount(figure.plan, unit, places),
        "ratio": _ratio(figure.ratio, config.ratio_places),
        "not_disbursed": figure.disbursed == 0 and figure.ratio is not None,
        "no_plan": figure.ratio is None,
        "complete": figure.plan is not None and figure.disbursed >= figure.plan > 0,
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


def _stream_context(snapshot: Snapshot, stream_figure: Figure, wording: _Wording) -> dict | None:
    stream = stream_figure.stream
    config = band_config_for(stream, snapshot.year)
    groups = banded_units(snapshot, stream, config)
    total = groups[0].total if groups else 0
    if not total:
        return None
    bands = []
    for group in groups:
        entries = [wording.render("unit_entry", unit_entry_context(f, config))[1] for f in group.units]
        bands.append(_band_context(group, entries, config))
    average = next((f.stream_average for g in groups for f in g.units), None)
    return {
        "stream_name": stream.name,
        "noun": _noun(stream),
        "disbursed": _amount(stream_figure.disbursed, config.amount_unit, config.amount_places),
        "plan": _amount(stream_figure.plan, config.amount_unit, config.amount_places),
        "ratio": _ratio(stream_figure.ratio),
        "average": _ratio(average),
        "total": total,
        "bands": bands,
    }


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
    draft.sections.append(wording.render("city", _city_context(snapshot, city)))
    if city.same_period_snapshot_id and city.same_period_disbursed is not None:
        draft.sections.append(wording.render("same_period", _same_period_context(city)))
    for stream_figure in stream_figures(snapshot):
        context = _stream_context(snapshot, stream_figure, wording)
        if context is not None:
            draft.sections.append(wording.render("stream", context, stream_figure.stream))
    return draft
