"""The wording a workbook may use, and what a header cell, a row label or a column-number cell means.

Each list holds the wording as senders write it; matching compares plain forms
(lower case, no diacritics, single spaces), each wording as whole words. The
parser reads these lists and docs/import-layouts.md prints them, so what the
importer understands and what the documentation says are the same lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.money import DONG, TRIEU, TY
from core.names import strip_diacritics

TOTAL = "total"
NSTW = "nstw"
NSDP = "nsdp"

PM = "pm"
CITY = "city"
DETAILED = "detailed"

# Roles of a column, from its header.
STT = "stt"
NAME = "name"  # the unit (investor, district, project) a row is about
LABEL = "label"  # what a row of a summary table is about (a measure or a budget source)
PLAN = "plan"
DISBURSED = "disbursed"
RATIO = "ratio"
NOTE = "note"
AMOUNT = "amount"  # "Số tiền": an amount whose measure the row names
SOURCE = "source"  # "Tổng số", "NSTW", "NSĐP" on their own: an amount whose measure the row names
IGNORED = "ignored"  # same period last year, estimates: never read as this period's figure

STT_WORDINGS = ("STT", "TT", "Số TT", "Số thứ tự", "Thứ tự")
NAME_WORDINGS = ("Chủ đầu tư", "Đơn vị", "Tên", "Quận, huyện", "Xã, phường, đặc khu", "Xã, phường", "Địa bàn")
LABEL_WORDINGS = ("Nội dung", "Nguồn vốn", "Chỉ tiêu")
PLAN_WORDINGS = ("Kế hoạch", "KH", "KH vốn", "Vốn được giao", "Được bố trí", "Vốn bố trí", "Dự toán")
DISBURSED_WORDINGS = ("Giải ngân", "GN", "Thực hiện", "Lũy kế", "Đã thanh toán")
RATIO_WORDINGS = ("Tỷ lệ", "%")
NOTE_WORDINGS = ("Ghi chú",)
AMOUNT_WORDINGS = ("Số tiền", "Giá trị", "Số vốn")
PREVIOUS_YEAR_WORDINGS = ("Cùng kỳ", "Năm trước")
ESTIMATE_WORDINGS = ("Ước",)

TOTAL_WORDINGS = ("Tổng số", "Tổng cộng", "Tổng", "Cộng")
NSTW_WORDINGS = ("NSTW", "Ngân sách trung ương", "Trung ương")
NSDP_WORDINGS = ("NSĐP", "Ngân sách địa phương", "Địa phương")

PM_WORDINGS = ("Thủ tướng", "TTg")
CITY_WORDINGS = ("Thành phố", "TP", "HĐND", "Hội đồng nhân dân")
DETAILED_WORDINGS = ("Phân bổ chi tiết", "Đã phân bổ")

# A unit table's name header tells which kind of unit it lists, when nothing else names its stream.
INVESTOR_NAME_WORDINGS = ("Chủ đầu tư",)
# Since 1/7/2025 the local units are communes, wards and special zones ("Phường" alone would also be
# "phương" once accents are dropped, as in "địa phương": only the pair is a name header).
DISTRICT_NAME_WORDINGS = ("Quận, huyện", "Quận", "Huyện", "Xã, phường, đặc khu", "Xã, phường", "Địa bàn")

UNIT_LINE_WORDINGS = ("Đơn vị tính:", "ĐVT:", "Đơn vị:")
UNIT_WORDINGS = {
    "tỷ đồng": TY,
    "tỷ": TY,
    "triệu đồng": TRIEU,
    "triệu": TRIEU,
    "nghìn đồng": 1000,
    "ngàn đồng": 1000,
    "đồng": DONG,
}
# Row labels of a summary table that open a breakdown of the row above: read only when they name a source.
BREAKDOWN_MARKS = ("-", "+", "*", "•", "–")
BREAKDOWN_WORDINGS = ("Trong đó",)

SOURCE_NAMES = {TOTAL: "tổng số", NSTW: "NSTW", NSDP: "NSĐP"}
LEVEL_NAMES = {
    PM: "kế hoạch Thủ tướng Chính phủ giao",
    CITY: "kế hoạch thành phố giao",
    DETAILED: "kế hoạch đã phân bổ chi tiết",
}


def plain(value: object) -> str:
    """Lower-case text without diacritics and with single spaces, for matching wording."""
    if value is None:
        return ""
    text = strip_diacritics(str(value)).lower()
    return re.sub(r"\s+", " ", text.replace(",", " ").replace("\n", " ")).strip()


def plain_words(value: object) -> str:
    return re.sub(r"[^\w%]+", " ", plain(value)).strip()


def _pattern(wordings: tuple[str, ...]) -> re.Pattern:
    words = sorted({plain_words(w) for w in wordings}, key=len, reverse=True)
    return re.compile(r"(?<![\w%])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w%])")


_STT = {plain_words(w) for w in STT_WORDINGS}
_NAME = _pattern(NAME_WORDINGS)
_LABEL = _pattern(LABEL_WORDINGS)
_PLAN = _pattern(PLAN_WORDINGS)
_DISBURSED = _pattern(DISBURSED_WORDINGS)
_RATIO = _pattern(tuple(w for w in RATIO_WORDINGS if w.isalpha() or " " in w))
_RATIO_SIGNS = tuple(w for w in RATIO_WORDINGS if not (w.isalpha() or " " in w))  # "%": a header opening with it
_NOTE = _pattern(NOTE_WORDINGS)
_AMOUNT = _pattern(AMOUNT_WORDINGS)
_PREVIOUS = _pattern(PREVIOUS_YEAR_WORDINGS)
_ESTIMATE = _pattern(ESTIMATE_WORDINGS)
_TOTAL = _pattern(TOTAL_WORDINGS)
_NSTW = _pattern(NSTW_WORDINGS)
_NSDP = _pattern(NSDP_WORDINGS)
_PM = _pattern(PM_WORDINGS)
_CITY = _pattern(CITY_WORDINGS)
_DETAILED = _pattern(DETAILED_WORDINGS)
_INVESTOR_NAME = _pattern(INVESTOR_NAME_WORDINGS)
_DISTRICT_NAME = _pattern(DISTRICT_NAME_WORDINGS)
_BREAKDOWN = _pattern(BREAKDOWN_WORDINGS)
_UNIT_NAMES = "|".join(re.escape(plain(w)) for w in sorted(UNIT_WORDINGS, key=len, reverse=True))
UNIT_PATTERN = re.compile(
    r"(?:" + "|".join(re.escape(plain(w).rstrip(":")) for w in UNIT_LINE_WORDINGS) + r")\s*[:.]?\s*"
    r"(" + _UNIT_NAMES + r")\b"
)
UNIT_IN_HEADER = re.compile(r"\((" + _UNIT_NAMES + r")\)")
UNIT_VALUES = {plain(w): v for w, v in UNIT_WORDINGS.items()}


@dataclass(frozen=True)
class Meaning:
    """What a header cell or a row label says: a role, and for amounts the source and the plan level."""

    role: str | None
    source: str = TOTAL
    level: str | None = None


def _budget(t: str) -> str | None:
    """NSTW or NSĐP when plain words name one."""
    if _NSTW.search(t):
        return NSTW
    if _NSDP.search(t):
        return NSDP
    return None


def source_of(text: str) -> str:
    return _budget(plain_words(text)) or TOTAL


def _is_total(t: str) -> bool:
    # "Tổng ..." opens a total; "Cộng" only on its own ("Công an", "công trình" are names).
    return bool(re.match(r"^tong\b", t) or _TOTAL.fullmatch(t))


def _named_source(t: str) -> str | None:
    """The source plain words name, the total only when they open with it ("vốn đầu tư công" names none)."""
    return _budget(t) or (TOTAL if _is_total(t) else None)


def _without_breakdown(t: str) -> tuple[str, bool]:
    """Plain words without an opening "Trong đó", and whether they had one."""
    if _BREAKDOWN.match(t):
        return _BREAKDOWN.sub("", t, count=1).strip(), True
    return t, False


def names_source(text: str) -> bool:
    """Whether a header text names a budget source or the total ("Tổng số", "Trong đó: NSTW", ...)."""
    return _named_source(_without_breakdown(plain_words(text))[0]) is not None


def level_of(text: str) -> str | None:
    """Whose plan a wording names: the detailed allocation, the Prime Minister's or the city's."""
    t = plain_words(text)
    if _DETAILED.search(t):
        return DETAILED
    if _PM.search(t):
        return PM
    if _CITY.search(t):
        return CITY
    return None


def _measure(t: str) -> str | None:
    """'plan' or 'disbursed', whichever wording comes first ("Giải ngân so kế hoạch" is disbursed)."""
    plan = _PLAN.search(t)
    disbursed = _DISBURSED.search(t)
    if plan and disbursed:
        return PLAN if plan.start() < disbursed.start() else DISBURSED
    if plan:
        return PLAN
    if disbursed:
        return DISBURSED
    return None


def meaning(text: object) -> Meaning:
    """What a header cell means."""
    t = plain_words(text)
    if not t:
        return Meaning(None)
    if t in _STT:
        return Meaning(STT)
    if _NOTE.search(t):
        return Meaning(NOTE)
    if _RATIO.search(t) or t.startswith(_RATIO_SIGNS):
        if _PREVIOUS.search(t):
            return Meaning(IGNORED)
        return Meaning(RATIO, source_of(t), level_of(t))
    measure = _measure(t)
    if measure is None and _DETAILED.search(t):
        measure = PLAN  # "Vốn đã phân bổ chi tiết" is a plan without the word
    if measure:
        if _PREVIOUS.search(t) or _ESTIMATE.search(t):
            return Meaning(IGNORED)
        return Meaning(measure, source_of(t), level_of(t) if measure == PLAN else None)
    if UNIT_PATTERN.search(plain(text)) or "don vi tinh" in t:
        return Meaning(None)
    if _LABEL.search(t):
        return Meaning(LABEL)
    if _NAME.search(t):
        return Meaning(NAME)
    if _AMOUNT.search(t):
        return Meaning(AMOUNT, source_of(t))
    if names_source(t):
        return Meaning(SOURCE, source_of(t))
    return Meaning(None)


def row_measure(label: object) -> Meaning:
    """What a row of a summary table measures, from its label ("KH vốn TTg giao", "Giải ngân đến ...")."""
    found = meaning(label)
    if found.role in {PLAN, DISBURSED, RATIO, IGNORED}:
        return found
    return Meaning(None)


def row_source(label: object) -> tuple[str | None, bool]:
    """The budget source a row of the Treasury's summary names, and whether the row is a breakdown line."""
    raw = str(label or "").strip()
    t, opens_breakdown = _without_breakdown(plain_words(raw))
    return _named_source(t), opens_breakdown or raw.startswith(BREAKDOWN_MARKS)


def unit_kind(header: object) -> str | None:
    """'investor' or 'district' when a unit table's name header says which units it lists."""
    t = plain_words(header)
    if _INVESTOR_NAME.search(t):
        return "investor"
    if _DISTRICT_NAME.search(t):
        return "district"
    return None


# Column-number cells: "1", "(1)", "A", "(B)", "5=3/4", "(5)=(4)/(3)", "6=5/3x100%".
_NUMBER_CELL = re.compile(r"^\(?([A-Z]|\d{1,2})\)?(\s*=\s*[\dA-Z()+\-*/x×:.,%\s]+)?$")


def column_number_key(value: object) -> tuple[int, int, bool] | None:
    """(0 for letters / 1 for numbers, position, written as text or formula) of a column-number cell."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (1, value, False) if 0 < value < 100 else None
    if isinstance(value, float):
        return (1, int(value), False) if value.is_integer() and 0 < value < 100 else None
    if not isinstance(value, str):
        return None
    match = _NUMBER_CELL.match(value.strip())
    if not match:
        return None
    key = match.group(1)
    if key.isdigit():
        return (1, int(key), True)
    return (0, ord(key) - ord("A") + 1, True)


def is_column_numbers(values: tuple) -> bool:
    """A row of column numbers under a header ("1 2 3 4 5=3/4 6", "(1) (2) ... (5)=(4)/(3)", "A B 1 2")."""
    keys = []
    for value in values:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        key = column_number_key(value)
        if key is None:
            return False
        keys.append(key)
    if len(keys) < 2 or keys != sorted(keys) or len(set(keys)) != len(keys):
        return False
    if any(written for _, _, written in keys):
        return True
    # Bare numeric cells: only a run 1, 2, 3 ... (or 2, 3, 4 ...) is a column-number row.
    numbers = [n for _, n, _ in keys]
    return len(numbers) >= 3 and numbers[0] <= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# What each wording list is for, in the order the documentation gives them.
VOCABULARY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Order column (STT), never an amount", STT_WORDINGS),
    ("Unit name column (investor, district)", NAME_WORDINGS),
    ("Content column of a summary table (a measure or a budget source per row)", LABEL_WORDINGS),
    ("Plan (kế hoạch vốn)", PLAN_WORDINGS),
    ("Disbursed to date (giải ngân, lũy kế)", DISBURSED_WORDINGS),
    ("Printed ratio (tỷ lệ)", RATIO_WORDINGS),
    ("Notes, never read", NOTE_WORDINGS),
    ("An amount whose measure the row names (only in rows-as-measures summaries)", AMOUNT_WORDINGS),
    ("Same period last year, never read as this period", PREVIOUS_YEAR_WORDINGS),
    ("Estimate, never read as an actual figure", ESTIMATE_WORDINGS),
    ("Total of all sources", TOTAL_WORDINGS),
    ("Central budget (NSTW)", NSTW_WORDINGS),
    ("Local budget (NSĐP)", NSDP_WORDINGS),
    ("Plan level: the Prime Minister's", PM_WORDINGS),
    ("Plan level: the city's", CITY_WORDINGS),
    ("Plan level: allocated in detail (a plan even without the word 'kế hoạch')", DETAILED_WORDINGS),
    ("Name header telling a table of investors", INVESTOR_NAME_WORDINGS),
    ("Name header telling a table of districts", DISTRICT_NAME_WORDINGS),
    ("Unit line opening", UNIT_LINE_WORDINGS),
    ("Units", tuple(UNIT_WORDINGS)),
    ("Breakdown row of a summary (read only when it names a source)", (*BREAKDOWN_WORDINGS, *BREAKDOWN_MARKS)),
)


def wordings_markdown() -> str:
    """The wording table of docs/import-layouts.md, generated from the lists the parser matches."""
    lines = ["| What the header or row says | Wordings understood |", "| --- | --- |"]
    for what, wordings in VOCABULARY:
        lines.append(f"| {what} | {', '.join(f'`{w}`' for w in wordings)} |")
    return "\n".join(lines)


def quoted(wordings: tuple[str, ...]) -> str:
    return ", ".join(f"'{w}'" for w in wordings)


def understood_amount_headers() -> str:
    """The header wordings an amount column may use, for refusal messages."""
    return (
        f"kế hoạch: {quoted(PLAN_WORDINGS)} (cấp giao: {quoted(PM_WORDINGS)}, {quoted(CITY_WORDINGS)}, "
        f"{quoted(DETAILED_WORDINGS)}); giải ngân: {quoted(DISBURSED_WORDINGS)}; tỷ lệ: {quoted(RATIO_WORDINGS)}; "
        f"theo nguồn: {quoted(TOTAL_WORDINGS)}, {quoted(NSTW_WORDINGS)}, {quoted(NSDP_WORDINGS)}; "
        f"{quoted(AMOUNT_WORDINGS)} chỉ khi mỗi dòng nêu chỉ tiêu (ví dụ 'KH vốn TTg giao', 'KH vốn TP giao', "
        f"'Giải ngân đến ...'); cột {quoted(STT_WORDINGS)} không bao giờ là số tiền"
    )


if __name__ == "__main__":
    print(wordings_markdown())
