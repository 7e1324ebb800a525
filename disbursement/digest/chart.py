"""The digest's chart: each stream's units by ratio, as a PNG made off-screen."""

from __future__ import annotations

import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure as PlotFigure
from matplotlib.ticker import FuncFormatter

from core.notation import format_percent
from disbursement.digest.selectors import StreamSection

FLAGGED = "#c0392b"
HIGHLIGHT = "#e67e22"
NORMAL = "#2e86c1"
AVERAGE = "#555555"
BAR_HEIGHT_INCHES = 0.26
WIDTH_INCHES = 7.2
DPI = 100


def ranking_chart(sections: list[StreamSection], highlight: set[tuple] | None = None) -> bytes:
    """Horizontal bars of each stream's unit ratios, highest on top, with the stream ratio as a dashed line.

    Flagged units are red; units in `highlight` (keys of UnitLine) are orange.
    """
    sections = [s for s in sections if s.units]
    highlight = highlight or set()
    heights = [max(len(s.units), 2) * BAR_HEIGHT_INCHES + 0.9 for s in sections] or [1.5]
    fig = PlotFigure(figsize=(WIDTH_INCHES, sum(heights)), dpi=DPI)
    if not sections:
        ax = fig.add_subplot()
        ax.axis("off")
        ax.text(0.5, 0.5, "Chưa có số liệu đơn vị", ha="center", va="center")
    else:
        axes = fig.subplots(len(sections), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        for ax, section in zip(axes, sections, strict=True):
            _draw(ax, section, highlight)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _draw(ax, section: StreamSection, highlight: set[tuple]) -> None:
    units = list(reversed(section.units))  # barh draws bottom-up: the first rank ends on top
    values = [float(u.ratio_value) if u.ratio_value is not None else 0.0 for u in units]
    colours = [HIGHLIGHT if u.key in highlight else FLAGGED if u.flagged else NORMAL for u in units]
    positions = range(len(units))
    ax.barh(positions, values, color=colours, height=0.7)
    ax.set_yticks(list(positions), [_short(u.name) for u in units], fontsize=7)
    for y, unit, value in zip(positions, units, values, strict=True):
        # The unit's ratio as the digest writes it: 'chưa báo cáo' for a unit that has not reported.
        ax.text(value, y, " " + unit.ratio, va="center", fontsize=6)
    if section.ratio_value is not None:
        ax.axvline(float(section.ratio_value), color=AVERAGE, linestyle="--", linewidth=1)
    ax.set_title(f"{section.name} – chung {section.ratio}", fontsize=8, loc="left")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_percent(Decimal(str(x)), 0)))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlim(0, max([*values, float(section.ratio_value or 0), 1.0]) * 1.15)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _short(name: str, limit: int = 38) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
