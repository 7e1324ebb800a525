"""Vietnamese number notation: '.' groups thousands, ',' is the decimal mark.

Rounding is half-up and happens here only, for display.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from core.money import TRIEU, TY, UNIT_NAMES

# Precision the reports use.
CITY_RATIO_PLACES = 2
UNIT_RATIO_PLACES = 1
TY_PLACES = 3


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | int, places: int = 0, *, drop_zero_fraction: bool = False) -> str:
    """Format with thousands dots and a decimal comma: 6086.143 -> '6.086,143'.

    drop_zero_fraction drops an all-zero fraction ('43,0' -> '43'), as the
    reports write unit ratios.
    """
    d = round_half_up(Decimal(value), places)
    sign = "-" if d < 0 else ""
    d = abs(d)
    text = f"{d:.{places}f}"
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    if frac and not (drop_zero_fraction and set(frac) == {"0"}):
        out += "," + frac
    if out == "0" or set(out.replace(".", "").replace(",", "")) == {"0"}:
        sign = ""
    return sign + out


def format_amount(dong: int, unit: int = TY, places: int | None = None) -> str:
    """An amount of đồng in tỷ (3 decimals) or triệu (0 decimals) đồng, without the unit."""
    if places is None:
        places = TY_PLACES if unit == TY else 0
    return format_number(Decimal(dong) / Decimal(unit), places)


def format_amount_with_unit(dong: int, unit: int = TY, places: int | None = None) -> str:
    return f"{format_amount(dong, unit, places)} {UNIT_NAMES[unit]}"


def format_percent(ratio: Decimal | None, places: int = CITY_RATIO_PLACES, *, drop_zero_fraction: bool = False) -> str:
    """A ratio given in percent as '35,76%'; None (no plan) as '–'."""
    if ratio is None:
        return "–"
    return format_number(ratio, places, drop_zero_fraction=drop_zero_fraction) + "%"


def format_unit_percent(ratio: Decimal | None) -> str:
    """A unit's ratio as the reports write it: one decimal, ',0' dropped ('43%')."""
    return format_percent(ratio, UNIT_RATIO_PLACES, drop_zero_fraction=True)


def format_count(n: int, width: int = 2) -> str:
    """Counts in reports are written with two digits: '09', '01'."""
    return str(n).zfill(width)


def format_count_of(n: int, total: int, width: int = 2) -> str:
    """A count out of a total as the reports write it: '09/15'."""
    return f"{format_count(n, width)}/{format_count(total, width)}"


def format_report_date(day: dt.date, *, padded: bool = False) -> str:
    """A date as the reports write it: '20/7/2024' after 'đến hết ngày', '01/01/2024' (padded) for a start."""
    if padded:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day}/{day.month}/{day.year}"


__all__ = [
    "TRIEU",
    "TY",
    "format_amount",
    "format_amount_with_unit",
    "format_count",
    "format_count_of",
    "format_number",
    "format_percent",
    "format_report_date",
    "format_unit_percent",
    "round_half_up",
]
