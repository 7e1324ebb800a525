"""How a computed figure is written for people, the same on every page, mail, file and report.

The admin pages, the API, the exports, the digest and the report draft read stored figures
and write them through these functions. Each comes in the variant its medium needs:

- web: the staff pages, short, with symbols ('+2,4', '▲ 2', '20/07/2024');
- text: sentences of the digest and the report ('+2,40 điểm %', 'tăng 2 bậc', '20/7/2024');
- sheet: spreadsheet cells, numbers kept as numbers (None for an empty cell).

Figures are read by attribute (investor, district, disbursed, reported_on, submission,
is_partial, coverage), so this module imports no app. Numbers go through core.notation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.money import TRIEU, TY, dong_in
from core.notation import (
    CITY_RATIO_PLACES,
    UNIT_RATIO_PLACES,
    format_amount,
    format_amount_with_unit,
    format_count,
    format_count_of,
    format_number,
    format_percent,
    format_report_date,
    format_unit_percent,
)
from core.succession import NOT_COMPARABLE, ComparisonBasis

DASH = "–"
# A unit that has sent no figure this year: never written as 0.
NOT_REPORTED = "chưa báo cáo"
NOT_REPORTED_WEB = "Chưa báo cáo"
# A city, source or stream total summed from the reports received, not stated by a city-wide summary.
PARTIAL = "tổng các báo cáo đã nhận, chưa có số liệu tổng hợp toàn thành phố"


# --- The unit of a figure -------------------------------------------------------------------------


def unit_of(row: Any) -> Any | None:
    """The investor or district a figure (or flag, or recipient) is about; None for city, source and stream rows."""
    return getattr(row, "investor", None) or getattr(row, "district", None)


def unit_level(row: Any) -> str | None:
    """'investor' or 'district', as the API names the two roles."""
    if getattr(row, "investor_id", None):
        return "investor"
    if getattr(row, "district_id", None):
        return "district"
    return None


def unit_name(row: Any, default: str = "") -> str:
    """The unit as the reports name it: 'Sở Y tế', 'huyện Kiến Thụy' (a district with its kind)."""
    unit = unit_of(row)
    return unit.display_name if unit is not None else default


# Phrases written short where space is tight (a table column, a chart label), as the office's own tables
# abbreviate them; the full name stays beside it for a tooltip and a screen reader.
SHORT_FORMS = [
    ("Ủy ban nhân dân", "UBND"),
    ("Ban Quản lý dự án", "Ban QLDA"),
    ("Nông nghiệp và Phát triển nông thôn", "NN&PTNT"),
    ("nông nghiệp và phát triển nông thôn", "NN&PTNT"),
    ("nông nghiệp và PTNT", "NN&PTNT"),
    ("dân dụng và công nghiệp", "DD&CN"),
    ("đầu tư xây dựng", "ĐTXD"),
    ("Bộ Chỉ huy Quân sự", "Bộ CHQS"),
    ("Giáo dục và Đào tạo", "GD&ĐT"),
    ("Giao thông vận tải", "GTVT"),
    ("Thông tin và Truyền thông", "TT&TT"),
    ("Văn hóa, Thể thao và Du lịch", "VHTT&DL"),
    ("Văn hóa và Thể thao", "VH&TT"),
    ("Tài nguyên và Môi trường", "TN&MT"),
    ("Kế hoạch và Đầu tư", "KH&ĐT"),
    ("Lao động - Thương binh và Xã hội", "LĐTB&XH"),
    ("Khoa học và Công nghệ", "KH&CN"),
    ("khu kinh tế", "KKT"),
    ("khu công nghiệp", "KCN"),
]
SHORT_NAME_LENGTH = 28


def short_name(name: str, length: int = SHORT_NAME_LENGTH) -> str:
    """A unit's name as a narrow column writes it: 'Sở NN&PTNT' for 'Sở Nông nghiệp và Phát triển nông thôn'.

    Names of at most `length` characters are kept as they are; longer ones take the usual abbreviations,
    and 'thành phố' at the end becomes 'TP'.
    """
    if len(name) <= length:
        return name
    text = name
    for phrase, short in SHORT_FORMS:
        text = text.replace(phrase, short)
    if len(text) > length and text.endswith(" thành phố"):
        text = text[: -len("thành phố")] + "TP"
    return text


# --- Reported or not, and from when ---------------------------------------------------------------


def is_reported(figure: Any) -> bool:
    """False when the unit has sent no figure this year: 'chưa báo cáo', not 0 and not 'chưa giải ngân'."""
    return getattr(figure, "disbursed", None) is not None


def carried_from(figure: Any, as_of: dt.date | None) -> dt.date | None:
    """The date of a unit's latest earlier report when its figure was carried to `as_of`; None when current."""
    reported_on = getattr(figure, "reported_on", None)
    if reported_on is None or as_of is None or not is_reported(figure):
        return None
    return reported_on if reported_on < as_of else None


def data_date(figure: Any, as_of: dt.date | None) -> dt.date | None:
    """The date the figure's data is of: its report's date, else the snapshot's; None when not reported."""
    if not is_reported(figure):
        return None
    return getattr(figure, "reported_on", None) or as_of


def carried_web(figure: Any, as_of: dt.date | None) -> str:
    """'số liệu ngày 13/07/2024' beside a figure carried from an earlier report, '' otherwise."""
    day = carried_from(figure, as_of)
    return f"số liệu ngày {date_web(day)}" if day else ""


def carried_text(figure: Any, as_of: dt.date | None) -> str:
    """' (số liệu ngày 13/7/2024)' after a figure carried from an earlier report, '' otherwise."""
    day = carried_from(figure, as_of)
    return f" (số liệu ngày {date_text(day)})" if day else ""


def source_file(submission: Any | None) -> str:
    """Where a figure came from: 'giai-ngan.xlsx, do Kho bạc Nhà nước gửi, nhập lúc 21/07/2024 08:30'."""
    if submission is None:
        return ""
    parts = [submission.file_name or "báo cáo không tên tệp"]
    if submission.sender:
        parts.append(f"do {submission.sender} gửi")
    if submission.imported_at:
        parts.append(f"nhập lúc {datetime_web(submission.imported_at)}")
    return ", ".join(parts)


def figure_source_file(figure: Any) -> str:
    return source_file(getattr(figure, "submission", None)) if getattr(figure, "submission_id", None) else ""


# --- Amounts and ratios of a figure -----------------------------------------------------------------


def amount_web(dong: int | None) -> str:
    """Đồng as tỷ đồng with three decimals ('6.086,143'), '–' when absent."""
    return DASH if dong is None else format_amount(dong, TY)


def amount_text(dong: int | None, unit: int = TY, places: int | None = None) -> str:
    """Đồng with its unit, as a sentence writes it: '6.086,143 tỷ đồng'; '–' when absent."""
    return DASH if dong is None else format_amount_with_unit(dong, unit, places)


def amount_sheet(dong: int | None, unit: int = TRIEU) -> Decimal | None:
    """Đồng in `unit` for a number cell, exact; None for an empty cell."""
    return None if dong is None else dong_in(dong, unit)


def disbursed_web(figure: Any) -> str:
    return amount_web(figure.disbursed) if is_reported(figure) else NOT_REPORTED_WEB


def disbursed_text(figure: Any, unit: int = TY, places: int | None = None) -> str:
    return amount_text(figure.disbursed, unit, places) if is_reported(figure) else NOT_REPORTED


def disbursed_sheet(figure: Any, unit: int = TRIEU) -> Decimal | str:
    """The disbursed amount for a number cell; the words 'chưa báo cáo' when the unit has not reported."""
    return amount_sheet(figure.disbursed, unit) if is_reported(figure) else NOT_REPORTED


def unit_ratio_web(figure: Any) -> str:
    """A unit's ratio as the reports write it ('43%', '67,9%'); 'Chưa báo cáo'; '–' without a plan."""
    return format_unit_percent(figure.ratio) if is_reported(figure) else NOT_REPORTED_WEB


def unit_ratio_text(figure: Any, places: int = UNIT_RATIO_PLACES) -> str:
    if not is_reported(figure):
        return NOT_REPORTED
    return format_percent(figure.ratio, places, drop_zero_fraction=places == UNIT_RATIO_PLACES)


def ratio_sheet(ratio: Decimal | None) -> Decimal | None:
    """A ratio in percent for a cell formatted as percent (35.76 -> 0.3576); None for an empty cell."""
    return None if ratio is None else ratio / 100


# --- Partial totals ---------------------------------------------------------------------------------


def coverage_of(figure: Any) -> dict | None:
    """What a total covers, in one shape whatever row it is stored on; None for a unit's figure.

    {"summary": bool, "sources": [codes], "streams": [{"code", "name", "units_total", "units_reported",
    "units_reported_on_date", "units_carried", "units_not_reported"}]}. A stream's row stores its own
    counts only; they are given here as its one stream.
    """
    stored = getattr(figure, "coverage", None) or {}
    if not stored:
        return None
    if "streams" in stored:
        items = stored["streams"]
    else:
        stream = getattr(figure, "stream", None) if getattr(figure, "stream_id", None) else None
        items = [{"code": stream.code, "name": stream.name, **stored}] if stream is not None else []
    return {
        "summary": bool(stored.get("summary", False)),
        "sources": list(stored.get("sources") or []),
        "streams": [_stream_coverage(item) for item in items],
    }


def _stream_coverage(item: dict) -> dict:
    total = item.get("units_total", 0)
    not_reported = item.get("units_not_reported", 0)
    reported = item.get("units_reported", total - not_reported)
    carried = item.get("units_carried", 0)
    return {
        "code": item.get("code", ""),
        "name": item.get("name", ""),
        "units_total": total,
        "units_reported": reported,
        "units_reported_on_date": item.get("units_reported_on_date", reported - carried),
        "units_carried": carried,
        "units_not_reported": total - reported,
    }


def coverage_text(figure: Any, source_names: dict[str, str] | None = None) -> str:
    """What a total covers: 'Vốn ...: 12/15 đơn vị đã báo cáo (2 đơn vị dùng số liệu báo cáo trước)'.

    `source_names` writes source codes by name ({'nstw': 'NSTW'}); codes are written as they are otherwise.
    """
    covered = coverage_of(figure)
    if not covered:
        return ""
    parts = []
    for item in covered["streams"]:
        text = f"{item['name'] or item['code']}: "
        text += f"{format_count_of(item['units_reported'], item['units_total'])} đơn vị đã báo cáo"
        if item["units_carried"]:
            text += f" ({format_count(item['units_carried'])} đơn vị dùng số liệu báo cáo trước)"
        parts.append(text)
    if covered["sources"]:
        names = source_names or {}
        parts.append("nguồn vốn " + ", ".join(names.get(code, code) for code in covered["sources"]))
    return "; ".join(parts)


def partial_note(figure: Any, source_names: dict[str, str] | None = None) -> str:
    """'Tổng các báo cáo đã nhận, chưa có ... (Vốn ...: 12/15 đơn vị đã báo cáo)' for a partial total, else ''."""
    if figure is None or not getattr(figure, "is_partial", False):
        return ""
    covered = coverage_text(figure, source_names)
    note = PARTIAL[0].upper() + PARTIAL[1:]
    return f"{note} ({covered})" if covered else note


# --- Changes ----------------------------------------------------------------------------------------


def points_web(points: Decimal | None) -> str:
    """A change in percentage points with its sign, one decimal: '+2,4', '-0,8', '0,0'."""
    if points is None:
        return DASH
    text = format_number(points, UNIT_RATIO_PLACES)
    return text if text.startswith("-") or text == "0,0" else f"+{text}"


def points_text(points: Decimal | None, places: int = CITY_RATIO_PLACES) -> str:
    """A change in percentage points in a sentence: '+5,70 điểm %'; a unit's with one decimal, ',0' dropped."""
    if points is None:
        return DASH
    text = format_number(points, places, drop_zero_fraction=places == UNIT_RATIO_PLACES)
    positive = points > 0 and text.strip("0,.") != ""
    return f"+{text} điểm %" if positive else f"{text} điểm %"


NOT_COMPARABLE_WEB = NOT_COMPARABLE[0].upper() + NOT_COMPARABLE[1:]
# A unit formed by a merger is compared with its predecessors' sum.
PREDECESSORS_NOTE = "cộng các đơn vị trước sắp xếp"


def compared(figure: Any, basis_field: str, shown: str, *, web: bool = True) -> str:
    """A comparison as its basis allows: 'Không so sánh được' after a split or a partial transfer (instead
    of a wrong change), the value with '(cộng các đơn vị trước sắp xếp)' after a merger, else the value.

    `basis_field` is 'previous_basis' or 'same_period_basis'.
    """
    basis = getattr(figure, basis_field, "") or ""
    if basis == ComparisonBasis.NOT_COMPARABLE:
        return NOT_COMPARABLE_WEB if web else NOT_COMPARABLE
    if basis == ComparisonBasis.PREDECESSORS and shown and shown != DASH:
        return f"{shown} ({PREDECESSORS_NOTE})"
    return shown


def rank_change_web(change: int | None) -> str:
    """Rank change since the last snapshot: '▲ 2' (climbed), '▼ 1', '='."""
    if change is None:
        return DASH
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def rank_change_text(change: int | None) -> str:
    """Rank change in a sentence: 'tăng 2 bậc', 'giảm 1 bậc', 'giữ nguyên'."""
    if change is None:
        return DASH
    if change > 0:
        return f"tăng {format_number(change)} bậc"
    if change < 0:
        return f"giảm {format_number(-change)} bậc"
    return "giữ nguyên"


def rank_change_sheet(change: int | None) -> str:
    """Rank change in a text file cell: '2', '-1', '0'; '' when unknown."""
    return "" if change is None else format_number(change)


def rank_web(rank: int | None, rank_of: int | None = None) -> str:
    """'3' or '3/22'; '–' for a unit without a rank (no plan, or not reported)."""
    if rank is None:
        return DASH
    return f"{rank}/{rank_of}" if rank_of else str(rank)


# --- Dates ------------------------------------------------------------------------------------------


def date_web(day: dt.date | None) -> str:
    """'20/07/2024', as the pages and mail subjects write a date; '–' when there is none."""
    return f"{day:%d/%m/%Y}" if day else DASH


def date_text(day: dt.date | None) -> str:
    """'20/7/2024', as the reports write a date after 'đến hết ngày'."""
    return format_report_date(day) if day else DASH


def datetime_web(moment: dt.datetime | None) -> str:
    """'21/07/2024 08:30' in the service's time zone."""
    if moment is None:
        return DASH
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%d/%m/%Y %H:%M}"


__all__ = [
    "DASH",
    "NOT_COMPARABLE_WEB",
    "NOT_REPORTED",
    "NOT_REPORTED_WEB",
    "PARTIAL",
    "amount_sheet",
    "amount_text",
    "amount_web",
    "carried_from",
    "carried_text",
    "carried_web",
    "coverage_of",
    "coverage_text",
    "data_date",
    "date_text",
    "date_web",
    "datetime_web",
    "disbursed_sheet",
    "disbursed_text",
    "disbursed_web",
    "figure_source_file",
    "is_reported",
    "partial_note",
    "points_text",
    "points_web",
    "rank_change_sheet",
    "rank_change_text",
    "rank_change_web",
    "rank_web",
    "ratio_sheet",
    "source_file",
    "unit_level",
    "unit_name",
    "unit_of",
    "unit_ratio_text",
    "unit_ratio_web",
]
