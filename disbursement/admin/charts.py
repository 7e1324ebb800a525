"""Small SVG charts drawn on the server: no script, no external asset, readable when printed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.notation import format_percent, format_unit_percent
from core.presentation import date_web


@dataclass
class Bar:
    label: str
    value: Decimal | None
    css_class: str = ""
    href: str = ""
    # What is written beside the bar; the value as a unit's ratio by default ('–' without one).
    text: str = ""
    # The full name, for the tooltip and screen readers, when the label is a short form.
    title: str = ""


@dataclass
class Series:
    label: str
    # (date, ratio in percent); dates of last year's series are in last year.
    points: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    css_class: str = ""
    dashed: bool = False
    # The plan year; snapshots of January next year still belong to it.
    year: int | None = None


def _axis_max(values: list[Decimal]) -> Decimal:
    """At least 100%, the target; else the next ten above the largest value."""
    top = max([Decimal(100), *values])
    return ((top + 9) // 10) * 10


def _svg_opening(css_class: str, width: int, height: int, title: str) -> list[SafeString]:
    """The opening tag of a chart and its accessible title."""
    return [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart {}" viewBox="0 0 {} {}" '
            'width="{}" height="{}" role="img" aria-label="{}">',
            css_class,
            width,
            height,
            width,
            height,
            title,
        ),
        format_html("<title>{}</title>", title),
    ]


def _n(value: float) -> str:
    return f"{value:.1f}"


# Width of a character of the charts' 11px sans-serif, rounded up (DejaVu Sans, the widest usual default),
# so that a label measured by it always fits the room given to it.
CHAR_W = 7.0
LABEL_MIN_W, LABEL_MAX_W = 120, 280


def _text_w(text: str) -> float:
    return len(text) * CHAR_W


def _wrap(text: str, width: float) -> list[str]:
    """`text` in lines that each fit `width` (at most two; a second line too long is cut with '…')."""
    if _text_w(text) <= width:
        return [text]
    words, first = text.split(), ""
    while words and _text_w(f"{first} {words[0]}".strip()) <= width:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one word longer than the room: cut it
        first, words = text[: int(width // CHAR_W) - 1] + "…", []
    rest = " ".join(words)
    if rest and _text_w(rest) > width:
        rest = rest[: int(width // CHAR_W) - 1].rstrip() + "…"
    return [first, rest] if rest else [first]


def bar_chart(
    bars: list[Bar], *, reference: Decimal | None = None, reference_label: str = "", title: str = ""
) -> SafeString:
    """Horizontal bars of ratios, one per unit, with a vertical line at `reference` (the stream's ratio).

    Labels get the room their text needs (two lines at most, never cut by the chart's edge); values are
    written in their own column right of the plot, so the reference line never crosses them.
    """
    longest = max((_text_w(b.label) for b in bars), default=0)
    label_w = int(min(max(longest + 12, LABEL_MIN_W), LABEL_MAX_W))
    lines = [_wrap(b.label, label_w - 12) for b in bars]
    two_lines = any(len(label) > 1 for label in lines)
    plot_w, value_w, top, bottom = 440, 70, 28, 28
    row_h = 32 if two_lines else 22
    width = label_w + plot_w + value_w
    height = top + row_h * max(len(bars), 1) + bottom
    values = [b.value for b in bars if b.value is not None]
    if reference is not None:
        values.append(reference)
    axis_max = _axis_max(values)

    def x(value: Decimal) -> float:
        return label_w + float(min(value, axis_max) / axis_max) * plot_w

    parts = _svg_opening("chart-bar", width, height, title)
    for tick in range(0, int(axis_max) + 1, 20 if axis_max > 100 else 10):
        tx = _n(x(Decimal(tick)))
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="middle">{}%</text>',
                tx,
                top - 4,
                tx,
                height - bottom,
                tx,
                height - bottom + 16,
                tick,
            )
        )
    if reference is not None:
        # Drawn before the bars: a bar over the line stays readable.
        rx = x(reference)
        text = f"{reference_label} {format_percent(reference)}".strip()
        half = _text_w(text) / 2
        lx = min(max(rx, label_w + half), label_w + plot_w + value_w - half - 2)
        parts.append(
            format_html(
                '<line class="reference" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="reference-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(rx),
                top - 4,
                _n(rx),
                height - bottom,
                _n(lx),
                top - 10,
                text,
            )
        )
    for i, (bar, label_lines) in enumerate(zip(bars, lines, strict=True)):
        y = top + i * row_h
        middle = y + row_h / 2
        first_y = middle + 4 - (6 if len(label_lines) > 1 else 0)
        spans = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            ((label_w - 6, _n(first_y + n * 12), line) for n, line in enumerate(label_lines)),
        )
        label = format_html("<title>{}</title>{}", bar.title or bar.label, spans)
        if bar.href:
            label = format_html('<a href="{}">{}</a>', bar.href, label)
        parts.append(format_html('<text class="label" text-anchor="end">{}</text>', label))
        if bar.value is not None:
            parts.append(
                format_html(
                    '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                    bar.css_class,
                    label_w,
                    _n(middle - 8),
                    _n(max(x(bar.value) - label_w, 0.5)),
                    16,
                    bar.title or bar.label,
                    format_unit_percent(bar.value),
                )
            )
        parts.append(
            format_html(
                '<text class="value" x="{}" y="{}" text-anchor="end">{}</text>',
                width - 4,
                _n(middle + 4),
                bar.text or format_unit_percent(bar.value),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


NO_POINTS = "(chưa có số liệu)"
MONTH_STARTS = [dt.date(2001, m, 1).timetuple().tm_yday - 1 for m in range(1, 13)]
# The disbursement period runs to 31 January of the next year.
X_DAYS = 396


def _day(point_date: dt.date, year: int) -> int:
    return (point_date - dt.date(year, 1, 1)).days


def line_chart(series: list[Series], *, title: str = "", compact: bool = False) -> SafeString:
    """Ratio over the plan year, one line per series; x is the day of the series' own plan year.

    compact draws a small chart without legend, for one chart per unit side by side.
    """
    if compact:
        left, plot_w, right, top, plot_h, bottom = 34, 190, 6, 8, 70, 18
    else:
        left, plot_w, right, top, plot_h, bottom = 48, 600, 170, 16, 240, 30
    size_class = "chart-small" if compact else ""
    width, height = left + plot_w + right, top + plot_h + bottom
    values = [v for s in series for _, v in s.points]
    axis_max = _axis_max(values)

    def xy(point_date: dt.date, value: Decimal, year: int) -> tuple[str, str]:
        day = min(max(_day(point_date, year), 0), X_DAYS)
        return _n(left + day / X_DAYS * plot_w), _n(top + plot_h - float(min(value, axis_max) / axis_max) * plot_h)

    parts = _svg_opening(f"chart-line {size_class}", width, height, title)
    for tick in range(0, int(axis_max) + 1, 50 if compact else 20):
        ty = _n(top + plot_h - tick / float(axis_max) * plot_h)
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="tick" x="{}" y="{}" text-anchor="end">{}%</text>',
                left,
                ty,
                left + plot_w,
                ty,
                left - 6,
                ty,
                tick,
            )
        )
    for month, day in enumerate(MONTH_STARTS, start=1):
        if compact and month % 3 != 1:
            continue
        tx = _n(left + day / X_DAYS * plot_w)
        # The month under the axis, its baseline high enough that no letter is cut by the chart's edge.
        ty = top + plot_h + (13 if compact else 18)
        parts.append(format_html('<text class="tick" x="{}" y="{}">T{}</text>', tx, ty, month))
    legend_y = top + 14
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        if s.points:
            year = s.year or min(p.year for p, _ in s.points)
            coords = [xy(d, v, year) for d, v in s.points]
            parts.append(
                format_html(
                    '<polyline class="line {}" fill="none" points="{}"{}/>',
                    s.css_class,
                    " ".join(f"{cx},{cy}" for cx, cy in coords),
                    mark_safe(dash),
                )
            )
            for (d, v), (cx, cy) in zip(s.points, coords, strict=True):
                parts.append(
                    format_html(
                        '<circle class="point {}" cx="{}" cy="{}" r="{}"><title>{}: {} ({})</title></circle>',
                        s.css_class,
                        cx,
                        cy,
                        2 if compact else 3,
                        s.label,
                        format_unit_percent(v),
                        date_web(d),
                    )
                )
        if compact:
            continue
        # Every series has its legend; one without a point says so rather than vanish.
        parts.append(
            format_html(
                '<line class="line {}" x1="{}" y1="{}" x2="{}" y2="{}"{}/><text class="legend" x="{}" y="{}">{}</text>',
                s.css_class,
                left + plot_w + 10,
                legend_y - 4,
                left + plot_w + 34,
                legend_y - 4,
                mark_safe(dash),
                left + plot_w + 40,
                legend_y,
                s.label,
            )
        )
        if not s.points:
            legend_y += 14
            parts.append(
                format_html(
                    '<text class="legend legend-empty" x="{}" y="{}">{}</text>',
                    left + plot_w + 40,
                    legend_y,
                    NO_POINTS,
                )
            )
        legend_y += 18
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))


__all__ = ["Bar", "Series", "bar_chart", "line_chart"]
