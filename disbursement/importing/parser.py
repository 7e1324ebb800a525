"""Read a disbursement workbook into plain data, without touching the database.

Senders lay their files out differently. The parser finds each sheet's header
by its wording wherever it starts (one or two header rows, merged cells), and
headers alone decide what a column holds: an amount is read only from a column
whose header names it (plan, disbursed, by source), never from its position, so
an STT column or a row of column numbers is never read as money. Three kinds of
table are understood (docs/import-layouts.md):

- unit tables: one row per investor or district, grouped into sections (A, B /
  I, II) matched to capital streams by wording;
- the city-wide summary with measures as rows ("Kế hoạch vốn Thủ tướng Chính
  phủ giao", "Giải ngân đến ...") and amounts by source as columns;
- the State Treasury's summary with budget sources as rows (Tổng số, Vốn
  NSTW, Vốn NSĐP) and measures as columns (KH vốn TTg giao, KH vốn TP giao,
  Giải ngân đến ..., Tỷ lệ ...).

A table whose amount columns cannot be identified is refused, naming the sheet
and header row. Sheets are read in streaming mode, one row at a time.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from openpyxl import load_workbook

from core.money import AmountError, to_decimal, to_dong
from disbursement.importing.headers import (
    AMOUNT,
    DISBURSED,
    IGNORED,
    LABEL,
    LABEL_WORDINGS,
    LEVEL_NAMES,
    NAME,
    NAME_WORDINGS,
    NOTE,
    NSDP,
    NSTW,
    PLAN,
    RATIO,
    SOURCE,
    SOURCE_NAMES,
    STT,
    TOTAL,
    UNIT_IN_HEADER,
    UNIT_PATTERN,
    UNIT_VALUES,
    Meaning,
    is_column_numbers,
    level_of,
    meaning,
    names_source,
    plain,
    plain_words,
    quoted,
    row_measure,
    row_source,
    source_of,
    understood_amount_headers,
    unit_kind,
)
from disbursement.importing.issues import IssueList
from disbursement.importing.sheets import open_workbook
from disbursement.models.reference import CapitalStream

__all__ = [
    "AMOUNT_SOURCES",
    "NSDP",
    "NSTW",
    "TOTAL",
    "UNSPLIT",
    "CityFigure",
    "CitySheet",
    "Line",
    "ParsedWorkbook",
    "Position",
    "Section",
    "StatedRatio",
    "parse_workbook",
    "plain",
    "plain_words",
]

UNSPLIT = "unsplit"
AMOUNT_SOURCES = (TOTAL, NSTW, NSDP)

HEADER_SCAN_ROWS = 40
CITY_SCAN_ROWS = 200
SOURCES_LOOKAHEAD = 6
PROGRESS_EVERY = 1000

SECTION_LABEL = re.compile(r"^(?:[A-Z]|[IVXL]+)$")
SECTION_IN_NAME = re.compile(r"^((?:[A-Z]|[IVXL]+))\s*[.\-–)/]\s*(.+)$")
DATE_PATTERNS = (
    re.compile(r"den (?:het )?ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"),
    re.compile(r"tinh den\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"),
)
HEADER_DATE = re.compile(r"den\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
YEAR_PATTERN = re.compile(r"\bnam (\d{4})\b")
SUBTOTAL_NAMES = ("tong cong", "tong so", "cong", "tong")
SUBTOTAL_PREFIXES = ("tong cong ", "tong so ", "cong phan ", "cong muc ", "cong cac ")
EMPTY_MARKS = {"", "-", "–", "—", "x"}
# A title line that is the report's title rather than the sender above it.
TITLE_WORDS = re.compile(r"\b(?:bieu|bao cao|tinh hinh|tong hop|giai ngan|ke hoach|danh sach)\b")

# How each shipped stream ranks its units, for a table that names no stream (a one-line correction).
DEFAULT_STREAM_LEVELS = {
    CapitalStream.CITY_ASSIGNED: CapitalStream.UnitLevel.INVESTOR,
    CapitalStream.DISTRICT_TRANSFER: CapitalStream.UnitLevel.DISTRICT,
    CapitalStream.NEW_RURAL: CapitalStream.UnitLevel.DISTRICT,
    CapitalStream.OTHER: CapitalStream.UnitLevel.INVESTOR,
}
DEFAULT_STREAM_NAMES = {
    CapitalStream.CITY_ASSIGNED: "Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn",
    CapitalStream.DISTRICT_TRANSFER: "Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện",
    CapitalStream.NEW_RURAL: "Vốn xây dựng nông thôn mới",
    CapitalStream.OTHER: "Vốn khác",
}
UNIT_KIND_WORDS = {"investor": "chủ đầu tư", "district": "quận, huyện"}


@dataclass
class Position:
    sheet: str
    row: int
    column: int | None = None


class StatedRatio(NamedTuple):
    """A ratio as the file printed it (in percent, or as a fraction if the cell was formatted as one)."""

    value: Decimal
    sheet: str
    row: int
    column: int


# What a line without a map of its own holds: one shared, read-only empty mapping (files hold many lines).
_NO_MAP: Mapping = MappingProxyType({})


def _no_map() -> Mapping:
    return _NO_MAP


@dataclass(slots=True)
class Line:
    sheet: str
    row: int
    name: str
    name_column: int
    label: str = ""
    plan: dict[str, int | None] = field(default_factory=dict)
    disbursed: dict[str, int | None] = field(default_factory=dict)
    # The printed ratio of the total (or of the only ratio column) and its column.
    ratio: Decimal | None = None
    ratio_column: int | None = None
    columns: Mapping[tuple[str, str], int] = field(default_factory=_no_map)
    # Printed ratios by source when the file has a ratio column per source (one ratio column: `ratio`).
    ratios: Mapping[str, Decimal | None] = field(default_factory=_no_map)
    ratio_columns: Mapping[str, int] = field(default_factory=_no_map)


@dataclass
class Section:
    sheet: str
    row: int
    label: str
    title: str
    stream_code: str | None
    unit: int
    split: bool
    subtotal: Line | None = None
    # The unit lines, unless the reader hands them on as they are read (parse_workbook's `sink`).
    lines: list[Line] = field(default_factory=list)
    # Sums of the unit lines' figures by (kind, source), kind "plan" or "disbursed": what the subtotal rows
    # are checked against, kept whether or not the lines are.
    totals: dict[tuple[str, str], int] = field(default_factory=dict)
    # How the stream was told: "heading", "title" (title block or sheet name) or "unit_header".
    stream_basis: str = ""
    # For units listed under no heading: "investor" or "district" when the name column's header says which.
    unit_kind: str | None = None
    header_row: int | None = None


@dataclass
class CityFigure:
    amount: int
    sheet: str
    row: int
    column: int


@dataclass
class CitySheet:
    sheet: str
    unit: int
    split: bool
    plans: dict[str, dict[str, CityFigure]] = field(default_factory=dict)
    disbursed: dict[str, CityFigure] = field(default_factory=dict)
    # Printed ratios keyed by (plan level, source): disbursed / that plan, as the file wrote it.
    stated_ratios: dict[tuple[str, str], StatedRatio] = field(default_factory=dict)
    # "measures_as_rows" (the city sheet) or "sources_as_rows" (the State Treasury's summary).
    layout: str = "measures_as_rows"
    header_row: int | None = None


@dataclass(frozen=True, slots=True)
class Dates:
    """The date and year the title block states, once no later text can change them."""

    as_of: dt.date
    as_of_position: Position
    year: int


class _SinkFailed(Exception):
    """What the sink raised, carried past the reader's handling of broken files."""

    def __init__(self, error: Exception):
        super().__init__(error)
        self.error = error


# Takes each unit line as it is read, with its section and the dates (None until the texts read settle them).
LineSink = Callable[[Section, Line, "Dates | None"], None]


@dataclass
class ParsedWorkbook:
    file_name: str
    as_of: dt.date | None = None
    as_of_position: Position | None = None
    year: int | None = None
    unit: int | None = None
    sections: list[Section] = field(default_factory=list)
    grand_totals: list[tuple[Line, list[Section]]] = field(default_factory=list)
    city: CitySheet | None = None
    rows_read: int = 0
    sheets: list[str] = field(default_factory=list)
    # The title block's first line when it names who sent the file ("KHO BẠC NHÀ NƯỚC HẢI PHÒNG").
    sender: str | None = None
    title: str | None = None

    @property
    def lines(self) -> Iterable[tuple[Section, Line]]:
        for section in self.sections:
            for line in section.lines:
                yield section, line


# -- headers -------------------------------------------------------------------


@dataclass
class _Header:
    """What each column of a header (one row, or a group row over a sub-header row) holds."""

    row: int
    cells: dict[int, tuple[Meaning, str]]

    def columns(self, *roles: str) -> list[int]:
        return [c for c, (m, _) in self.cells.items() if m.role in roles]

    def first(self, *roles: str) -> int | None:
        found = self.columns(*roles)
        return found[0] if found else None

    def text(self, column: int | None) -> str:
        return self.cells[column][1] if column in self.cells else ""

    def meaning(self, column: int) -> Meaning:
        return self.cells[column][0]

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.cells.values()]


def _strings(values: tuple) -> list[tuple[int, str]]:
    return [(i + 1, v.strip()) for i, v in enumerate(values) if isinstance(v, str) and v.strip()]


def _read_header(row: int, top: tuple, sub: tuple | None) -> _Header:
    width = max(len(top), len(sub or ()))
    cells: dict[int, tuple[Meaning, str]] = {}
    group: tuple[Meaning, str] | None = None
    for index in range(width):
        top_text = _header_text(top, index)
        sub_text = _header_text(sub, index)
        if top_text:
            own = meaning(top_text)
            group = (own, top_text) if own.role in {PLAN, DISBURSED, RATIO, AMOUNT, IGNORED} else None
            if sub_text is None:
                cells[index + 1] = (own, top_text)
                continue
            if group is None and own.role is not None:
                # A vertically merged header (STT, name, note): a stray sub-header cell adds nothing.
                cells[index + 1] = (own, top_text)
                continue
            cells[index + 1] = _under(group, sub_text)
        elif sub_text:
            # A merged group header: its text sits in its first cell only.
            cells[index + 1] = _under(group, sub_text)
    return _Header(row, cells)


def _header_text(values: tuple | None, index: int) -> str | None:
    value = values[index] if values and index < len(values) else None
    return value if isinstance(value, str) and value.strip() else None


def _under(group: tuple[Meaning, str] | None, sub_text: str) -> tuple[Meaning, str]:
    """The meaning of a sub-header cell under its group header (or alone)."""
    own = meaning(sub_text)
    if group is None:
        return own, sub_text
    parent, parent_text = group
    text = f"{parent_text} {sub_text}"
    if parent.role == IGNORED or own.role == IGNORED:
        return Meaning(IGNORED), text
    if parent.role == RATIO:
        role = RATIO  # 'Tỷ lệ' over 'So KH TTg giao | So KH TP giao': ratios against those plans
    else:
        role = own.role if own.role in {PLAN, DISBURSED, RATIO} else parent.role
    level = (own.level or level_of(sub_text) or parent.level) if role in {PLAN, RATIO} else None
    return Meaning(role, source_of(text), level), text


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _has_numbers(values: tuple) -> bool:
    return any(_is_number(v) for v in values)


def _numbers_outside(values: tuple, columns: set[int]) -> bool:
    """Whether a row holds a figure outside the given columns (an STT column's numbers are no figures)."""
    return any(_is_number(v) and i + 1 not in columns for i, v in enumerate(values))


def _looks_like_header(values: tuple) -> bool:
    """A row of header words (STT, name, content) with no figures: where a table would start."""
    if _has_numbers(values) or is_column_numbers(values):
        return False
    strings = _strings(values)
    return len(strings) >= 2 and any(meaning(text).role in {STT, NAME, LABEL} for _, text in strings)


def _is_sub_header(top: tuple, values: tuple) -> bool:
    """The second row of a two-row header: text only under the top row's groups ('Kế hoạch vốn' over
    'Tổng số | Trong đó: NSTW | Trong đó: NSĐP', 'Năm 2024' over 'Kế hoạch | Giải ngân'), never under its
    STT, name or notes column, where a section heading or a unit row writes."""
    if _has_numbers(values) or is_column_numbers(values):
        return False
    strings = _strings(values)
    if not strings:
        return False
    for column, text in strings:
        above = _cell(top, column)
        if isinstance(above, str) and meaning(above).role in {STT, NAME, LABEL, NOTE}:
            return False
        if len(text) > 80:
            return False
    return any(names_source(text) or level_of(text) or meaning(text).role for _, text in strings)


UNITS = "units"
SOURCES_AS_ROWS = "sources_as_rows"
MEASURES_AS_ROWS = "measures_as_rows"


def _table_kind(header: _Header) -> str | None:
    # A row needs a column that says what it is: a name, a content column, or at least the STT.
    if not header.columns(NAME, LABEL, STT):
        return None
    if header.columns(PLAN, DISBURSED):
        return UNITS
    if header.columns(SOURCE, AMOUNT):
        return MEASURES_AS_ROWS
    return None


@dataclass
class _Columns:
    """Where a unit table's figures are."""

    name: int
    stt: int | None
    ratio: int | None
    plan: dict[str, int]
    disbursed: dict[str, int]
    ratios: dict[str, int] = field(default_factory=dict)
    name_text: str = ""
    cell_map: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self):
        self.cell_map = {
            **{(PLAN, source): column for source, column in self.plan.items()},
            **{(DISBURSED, source): column for source, column in self.disbursed.items()},
        }

    @property
    def split(self) -> bool:
        return all(s in self.plan and s in self.disbursed for s in (NSTW, NSDP))


class _Rows:
    """A sheet's rows, numbered, counted as they are read, with look-ahead."""

    def __init__(self, rows: Iterator, tick: Callable[[], None]):
        self._rows = rows
        self._tick = tick
        self._ahead: deque[tuple[int, tuple]] = deque()
        self._number = 0

    def __iter__(self):
        return self

    def __next__(self) -> tuple[int, tuple]:
        if self._ahead:
            return self._ahead.popleft()
        values = next(self._rows)
        self._number += 1
        self._tick()
        return self._number, tuple(values)

    def peek(self, count: int = 1) -> list[tuple[int, tuple]]:
        while len(self._ahead) < count:
            try:
                values = next(self._rows)
            except StopIteration:
                break
            self._number += 1
            self._tick()
            self._ahead.append((self._number, tuple(values)))
        return list(self._ahead)[:count]


def _cell(values: tuple, column: int | None):
    if column is None or column > len(values):
        return None
    return values[column - 1]


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


# -- the reader ------------------------------------------------------------------


class _WorkbookReader:
    """Reads a workbook sheet by sheet into one ParsedWorkbook: what spans its tables (the title texts that date
    it, its unit, its one city summary) and the cell reading every table shares. Each table is read by the
    reader of its kind (_UnitTable, _MeasuresTable, _SourcesTable)."""

    def __init__(
        self,
        file_name: str,
        issues: IssueList,
        stream_keywords: dict[str, list[str]],
        stream_levels: dict[str, str],
        stream_names: dict[str, str],
        formula_cells: dict[str, set[tuple[int, int]]],
        progress: Callable[[int, int], None] | None,
        rows_total: int,
    ):
        self.result = ParsedWorkbook(file_name=file_name)
        self.issues = issues
        self.keywords = stream_keywords
        self.levels = stream_levels
        self.names = stream_names
        self.formula_cells = formula_cells
        self.progress = progress
        self.rows_total = rows_total
        self.title_texts: list[tuple[str, Position]] = []
        self.sink: LineSink | None = None
        self._dates: Dates | None = None
        self._dates_read = 0

    # -- cells and the title block ----------------------------------------
    def tick(self) -> None:
        self.result.rows_read += 1
        if self.progress and self.result.rows_read % PROGRESS_EVERY == 0:
            self.progress(self.result.rows_read, max(self.rows_total, self.result.rows_read))

    def amount(self, sheet: str, row: int, column: int | None, value: object, unit: int) -> int | None:
        if column is None:
            return None
        if value is None:
            if (row, column) in self.formula_cells.get(sheet, ()):
                self.issues.error(
                    "formula_without_value",
                    "Ô có công thức nhưng không có giá trị đã tính; hãy mở tệp bằng Excel, tính lại và lưu.",
                    sheet=sheet,
                    row=row,
                    column=column,
                )
            return None
        if isinstance(value, str) and value.strip() in EMPTY_MARKS:
            return None
        if isinstance(value, dt.datetime | dt.date):
            self.issues.error("not_a_number", "Ô số tiền chứa ngày tháng.", sheet=sheet, row=row, column=column)
            return None
        try:
            return to_dong(value, unit)
        except AmountError:
            self.issues.error("not_a_number", f"Không đọc được số tiền '{value}'.", sheet=sheet, row=row, column=column)
            return None

    def ratio(self, sheet: str, row: int, column: int | None, value: object) -> Decimal | None:
        if column is None or value is None or (isinstance(value, str) and value.strip() in EMPTY_MARKS):
            return None
        try:
            return to_decimal(value)
        except AmountError:
            self.issues.warning("not_a_number", f"Không đọc được tỷ lệ '{value}'.", sheet=sheet, row=row, column=column)
            return None

    def streams_named(self, text: str) -> list[str]:
        """Streams whose keywords the text holds, the most specific first, the catch-all last."""
        text = plain_words(text)
        matches = []
        for code, words in self.keywords.items():
            for word in words:
                if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                    matches.append((code == CapitalStream.OTHER, -len(word), code))
        ordered: list[str] = []
        for _, _, code in sorted(matches):
            if code not in ordered:
                ordered.append(code)
        return ordered

    def stream_for(self, title: str) -> str | None:
        named = self.streams_named(title)
        return named[0] if named else None

    def dates(self) -> Dates | None:
        """The date and year _read_dates will find, once the texts read so far settle them: a stated date
        ('tính đến hết ngày ...', which no later text overrides) and a year. None until then."""
        if self._dates is None and self._dates_read != len(self.title_texts):
            self._dates_read = len(self.title_texts)
            stated = _date_mention(self.title_texts, DATE_PATTERNS)
            year = next(
                (int(m.group(1)) for text, _ in self.title_texts if (m := YEAR_PATTERN.search(plain(text)))), None
            )
            if stated is not None and year is not None:
                (day, month, stated_year), position = stated
                try:
                    self._dates = Dates(dt.date(stated_year, month, day), position, year)
                except ValueError:
                    return None
        return self._dates

    def add_line(self, section: Section, line: Line) -> None:
        """A unit line of `section`: added to its totals, then kept or handed to the sink."""
        totals = section.totals
        for kind, values in (("plan", line.plan), ("disbursed", line.disbursed)):
            for source, value in values.items():
                if value:
                    totals[(kind, source)] = totals.get((kind, source), 0) + value
        if self.sink is None:
            section.lines.append(line)
            return
        try:
            self.sink(section, line, self.dates())
        except Exception as exc:
            # Not the file's fault (a database gone away, say): raised as it is, not reported as a broken file.
            raise _SinkFailed(exc) from exc

    def note_title(self, sheet: str, row: int, values: tuple) -> None:
        for index, value in enumerate(values):
            if isinstance(value, str) and value.strip():
                self.title_texts.append((value, Position(sheet, row, index + 1)))

    def sheet_unit(self, texts: list[str]) -> int | None:
        """The unit a line names ('Đơn vị tính: triệu đồng'), else one a header shows ('Kế hoạch (tỷ đồng)')."""
        for pattern in (UNIT_PATTERN, UNIT_IN_HEADER):
            for text in texts:
                if match := pattern.search(plain(text)):
                    return UNIT_VALUES[match.group(1)]
        return None

    def note_sender(self, title_rows: list[tuple[int, tuple]]) -> None:
        if self.result.title is not None:
            return
        texts = _texts(title_rows)
        title_at = next((i for i, text in enumerate(texts) if TITLE_WORDS.search(plain_words(text))), None)
        if title_at is None:
            return
        self.result.title = texts[title_at]
        if title_at > 0:
            self.result.sender = texts[0]

    def unit_of(self, sheet: str, header: _Header, title_rows: list[tuple[int, tuple]]) -> int | None:
        unit = self.sheet_unit(_texts(title_rows)) or self.sheet_unit(header.texts) or self.result.unit
        if unit is None:
            self.issues.error(
                "unit_missing",
                "Không tìm thấy đơn vị tính (dòng 'Đơn vị tính: triệu đồng' hoặc 'ĐVT: tỷ đồng').",
                sheet=sheet,
                row=header.row,
            )
            return None
        if self.result.unit is None:
            self.result.unit = unit
        return unit

    def refuse_amounts(self, sheet: str, row: int, why: str) -> None:
        self.issues.error(
            "amount_columns_unknown",
            f"Trang '{sheet}', dòng tiêu đề {row}: {why} Không đoán số tiền theo vị trí cột. "
            f"Tiêu đề cột được hiểu: {understood_amount_headers()}. "
            "Nếu trang này không phải bảng số liệu cần nhập, hãy ẩn hoặc xóa trang.",
            sheet=sheet,
            row=row,
        )

    # -- sheets ----------------------------------------------------------
    def read_sheet(self, ws) -> None:
        sheet = ws.title
        self.result.sheets.append(sheet)
        rows = _Rows(ws.iter_rows(min_row=1, values_only=True), self.tick)
        before: list[tuple[int, tuple]] = []
        header_like: int | None = None
        for row_number, values in rows:
            if row_number > HEADER_SCAN_ROWS:
                before.append((row_number, values))
                break
            if not _strings(values):
                before.append((row_number, values))
                continue
            found = self.find_header(row_number, values, rows)
            if found is not None:
                header, kind = found
                self.read_table(sheet, rows, before, values, header, kind)
                return
            if header_like is None and _looks_like_header(values):
                header_like = row_number
            before.append((row_number, values))
        self.no_table(sheet, rows, before, header_like)

    def read_table(
        self, sheet: str, rows: _Rows, title_rows: list[tuple[int, tuple]], top: tuple, header: _Header, kind: str
    ) -> None:
        """The table under the header, read by the reader of its kind, once its title block is noted."""
        for title_row, title_values in title_rows:
            self.note_title(sheet, title_row, title_values)
        self.note_title(sheet, header.row, top)
        self.note_sender(title_rows)
        if kind == UNITS and self.sources_as_rows(header, rows):
            kind = SOURCES_AS_ROWS
        table = {UNITS: _UnitTable, SOURCES_AS_ROWS: _SourcesTable, MEASURES_AS_ROWS: _MeasuresTable}[kind]
        table(self, sheet, header, title_rows).read(rows)

    def find_header(self, row_number: int, values: tuple, rows: _Rows) -> tuple[_Header, str] | None:
        """The table whose header starts at this row (with the row below when that is its second row)."""
        alone = _read_header(row_number, values, None)
        kind = _table_kind(alone)
        ahead = rows.peek()
        if ahead and (kind or _looks_like_header(values)) and _is_sub_header(values, ahead[0][1]):
            both = _read_header(row_number, values, ahead[0][1])
            if _table_kind(both) is not None:
                next(rows)
                return both, _table_kind(both)
        return (alone, kind) if kind is not None else None

    def sources_as_rows(self, header: _Header, rows: _Rows) -> bool:
        """A table with a content column (no unit name) whose first rows are budget sources: the Treasury's."""
        if header.columns(NAME):
            return False
        label = header.first(LABEL)
        if "nguon von" in plain_words(header.text(label)):
            return True
        skip = {header.first(STT), *header.columns(PLAN, DISBURSED, RATIO)}
        labels = [
            _row_label(values, label, skip)
            for _, values in rows.peek(SOURCES_LOOKAHEAD)
            if _has_numbers(values) and not is_column_numbers(values)
        ]
        return len(labels) >= 2 and all(row_source(text)[0] is not None for text in labels[:2])

    def no_table(self, sheet: str, rows: _Rows, before: list[tuple[int, tuple]], header_like: int | None) -> None:
        """A sheet where no header names its amounts: refused when a table sits under a header row, else skipped."""
        skip: set[int] = set()
        if header_like is not None:
            values = next(v for n, v in before if n == header_like)
            skip = {c for c, text in _strings(values) if meaning(text).role == STT}
        data = [values for n, values in before if header_like is not None and n > header_like]
        figures = any(_numbers_outside(values, skip) for values in data)
        seen_numbers = figures or any(_has_numbers(values) for _, values in before)
        if not figures:
            for row_number, values in rows:
                if row_number > CITY_SCAN_ROWS:
                    break
                if header_like is not None and _numbers_outside(values, skip):
                    figures = True
                    break
                if _has_numbers(values) and header_like is None:
                    seen_numbers = True
                    break
        if figures:
            self.refuse_amounts(
                sheet, header_like, "không cột nào có tiêu đề cho biết là số tiền kế hoạch hay giải ngân."
            )
        elif seen_numbers:
            self.issues.warning(
                "sheet_skipped", "Không nhận ra bảng số liệu trong trang tính này: bỏ qua.", sheet=sheet
            )


# -- tables ----------------------------------------------------------------------


def _row_label(values: tuple, column: int | None, skip: set[int | None]) -> str:
    """What a summary row is about: its content cell, else its first text outside the skipped columns."""
    if column is not None:
        return _text(_cell(values, column))
    return next((text for index, text in _strings(values) if index not in skip), "")


def _texts(rows: list[tuple[int, tuple]]) -> list[str]:
    return [text for _, values in rows for _, text in _strings(values)]


class _Table:
    """One table of a sheet, read from the row under its header."""

    def __init__(self, reader: _WorkbookReader, sheet: str, header: _Header, title_rows: list[tuple[int, tuple]]):
        self.reader = reader
        self.issues = reader.issues
        self.sheet = sheet
        self.header = header
        self.title_rows = title_rows

    def find_unit(self) -> int | None:
        return self.reader.unit_of(self.sheet, self.header, self.title_rows)

    def column_clash(self, first: int, column: int, what: str, advice: str = "") -> None:
        self.issues.error(
            "column_ambiguous",
            f"Hai cột cùng là {what}: '{self.header.text(first)}' và '{self.header.text(column)}'. "
            f"Không biết đọc cột nào{advice}.",
            sheet=self.sheet,
            row=self.header.row,
            column=column,
        )


# Asked for when a table's units cannot be placed in a stream.
ADD_A_HEADING = (
    "Hãy thêm dòng tiêu đề phần phía trên các đơn vị (ví dụ 'A. Dự án do Ủy ban nhân dân thành phố "
    "giao kế hoạch vốn' hoặc 'B. Vốn bổ sung có mục tiêu cho các quận, huyện') rồi nhập lại."
)


class _UnitTable(_Table):
    """A table of units (investors or districts), one row each, grouped under section headings.

    A heading row opens a section; a total row is the open section's subtotal, or a grand total; any
    other named row with amounts is a unit line of the open section (or of one section for the units
    listed under no heading)."""

    unit: int
    columns: _Columns

    def __init__(self, reader: _WorkbookReader, sheet: str, header: _Header, title_rows: list[tuple[int, tuple]]):
        super().__init__(reader, sheet, header, title_rows)
        self.sections: list[Section] = []
        self.section: Section | None = None  # the last heading's
        self.implicit: Section | None = None  # the units' under no heading
        self.grand: list[Line] = []  # total rows that are no section's subtotal

    def read(self, rows: _Rows) -> None:
        unit = self.find_unit()
        if unit is None:
            return
        columns = self.find_columns()
        if columns is None:
            return
        self.unit, self.columns = unit, columns
        for row_number, values in rows:
            self.read_row(row_number, values)
        self.finish()

    # -- columns ---------------------------------------------------------
    def find_columns(self) -> _Columns | None:
        """Where the names and the figures are; None (refused) when a column is missing or two clash."""
        plan, disbursed, ratios, clash = self.amount_columns()
        header = self.header
        name = header.first(NAME) or header.first(LABEL)
        if name is None:
            self.issues.error(
                "column_missing",
                f"Trang '{self.sheet}', dòng tiêu đề {header.row}: không tìm thấy cột tên đơn vị. "
                f"Tiêu đề cột tên được hiểu: {quoted(NAME_WORDINGS)}; cột nội dung: {quoted(LABEL_WORDINGS)}.",
                sheet=self.sheet,
                row=header.row,
            )
            return None
        self.refuse_missing(plan, disbursed)
        if clash or not plan or not disbursed:
            return None
        return _Columns(
            name=name,
            stt=header.first(STT),
            ratio=ratios.get(TOTAL),
            plan=plan,
            disbursed=disbursed,
            ratios=ratios,
            name_text=header.text(name),
        )

    def amount_columns(self) -> tuple[dict[str, int], dict[str, int], dict[str, int], bool]:
        """The plan, disbursed and ratio columns by source, and whether two columns claim one figure."""
        found: dict[str, dict[str, int]] = {PLAN: {}, DISBURSED: {}}
        ratios: dict[str, int] = {}
        clash = False
        for column, (cell, _) in self.header.cells.items():
            if cell.role in found:
                target = found[cell.role]
                if cell.source in target:
                    clash = True
                    what = f"{'kế hoạch' if cell.role == PLAN else 'giải ngân'} ({SOURCE_NAMES[cell.source]})"
                    self.column_clash(target[cell.source], column, what, "; hãy để lại một cột hoặc ghi rõ tiêu đề")
                else:
                    target[cell.source] = column
            elif cell.role == RATIO:
                ratios.setdefault(cell.source, column)
        return found[PLAN], found[DISBURSED], ratios, clash

    def refuse_missing(self, plan: dict[str, int], disbursed: dict[str, int]) -> None:
        ignored = [self.header.text(c) for c in self.header.columns(IGNORED)]
        note = f" Các cột không đọc (cùng kỳ, ước tính): {quoted(tuple(ignored))}." if ignored else ""
        for found, what in ((plan, "kế hoạch vốn"), (disbursed, "giải ngân")):
            if not found:
                self.issues.error(
                    "column_missing",
                    f"Trang '{self.sheet}', dòng tiêu đề {self.header.row}: không tìm thấy cột {what}.{note} "
                    f"Tiêu đề cột được hiểu: {understood_amount_headers()}.",
                    sheet=self.sheet,
                    row=self.header.row,
                )

    # -- rows ------------------------------------------------------------
    def read_row(self, row_number: int, values: tuple) -> None:
        if is_column_numbers(values):
            return
        name_value = _cell(values, self.columns.name)
        label = _text(_cell(values, self.columns.stt)).rstrip(".")
        name = _text(name_value) if not _is_number(name_value) else ""
        if not name and not label:
            return
        heading = self.heading(name, label)
        # Every named row's amounts are read (their cells checked): a heading's are its section's subtotal.
        line = self.read_line(row_number, values, name, label)
        if heading is not None:
            self.open_section(row_number, heading, line)
        elif _has_amounts(line):
            self.place_line(row_number, name, line)

    def heading(self, name: str, label: str) -> tuple[str, str, str | None] | None:
        """A section heading's label, title and stream: 'A' | 'Dự án ...', or 'A. Dự án ...' in the name column
        when the title names a stream."""
        if label and SECTION_LABEL.match(label) and name:
            return label, name, self.reader.stream_for(name)
        if not label and (match := SECTION_IN_NAME.match(name)):
            code = self.reader.stream_for(match.group(2))
            if code:
                return match.group(1), match.group(2), code
        return None

    def open_section(self, row_number: int, heading: tuple[str, str, str | None], line: Line) -> None:
        label, title, code = heading
        current = self.section
        if code is None and current is not None and _label_family(label) != _label_family(current.label):
            # A group inside the section ("I. Các sở, ngành" under "A"): its units belong to the section.
            return
        if code is None:
            self.issues.error(
                "section_unknown",
                f"Không nhận ra phần '{label}. {title}' thuộc dòng vốn nào (thêm từ khóa nhận diện cho dòng vốn).",
                sheet=self.sheet,
                row=row_number,
                column=self.columns.name,
            )
        section = Section(
            self.sheet,
            row_number,
            label,
            title,
            code,
            self.unit,
            self.columns.split,
            stream_basis="heading" if code else "",
            header_row=self.header.row,
        )
        section.subtotal = line if _has_amounts(line) else None
        self.sections.append(section)
        self.section = section

    def place_line(self, row_number: int, name: str, line: Line) -> None:
        """A row with amounts under the header: a total, a breakdown of the row above, or a unit."""
        # Only "Tổng ...", "Cộng ..." and "Trong đó ..." rows need their wording read.
        key = plain_words(name) if name[:1].lower() in "tc" else ""
        if key in SUBTOTAL_NAMES or key.startswith(SUBTOTAL_PREFIXES):
            self.add_total(line)
        elif key.startswith("trong do"):
            return
        elif not name:
            self.issues.warning(
                "name_missing",
                "Dòng có số liệu nhưng không có tên đơn vị: bỏ qua.",
                sheet=self.sheet,
                row=row_number,
                column=self.columns.name,
            )
        else:
            self.reader.add_line(self.units_section(row_number), line)

    def add_total(self, line: Line) -> None:
        """The first total under a heading is that section's subtotal; any other is a grand total."""
        if self.section is not None and self.section.subtotal is None:
            self.section.subtotal = line
        else:
            self.grand.append(line)

    def units_section(self, row_number: int) -> Section:
        if self.section is not None:
            return self.section
        if self.implicit is None:
            self.implicit = self.implicit_section(row_number)
            self.sections.append(self.implicit)
        return self.implicit

    def read_line(self, row: int, values: tuple, name: str, label: str) -> Line:
        columns, sheet, unit = self.columns, self.sheet, self.unit
        # Every line of a sheet shares one column map: large files hold many lines.
        line = Line(sheet=sheet, row=row, name=name, name_column=columns.name, label=label, columns=columns.cell_map)
        for cols, target in ((columns.plan, line.plan), (columns.disbursed, line.disbursed)):
            for source, column in cols.items():
                target[source] = self.reader.amount(sheet, row, column, _cell(values, column), unit)
            if TOTAL not in cols and NSTW in cols and NSDP in cols:
                parts = [target.get(NSTW), target.get(NSDP)]
                target[TOTAL] = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
        if columns.ratios:
            line.ratio_column = columns.ratio
            if columns.ratios.keys() == {TOTAL}:
                line.ratio = self.reader.ratio(sheet, row, columns.ratio, _cell(values, columns.ratio))
            else:
                line.ratio_columns = columns.ratios
                line.ratios = {
                    source: self.reader.ratio(sheet, row, column, _cell(values, column))
                    for source, column in columns.ratios.items()
                }
                line.ratio = line.ratios.get(TOTAL)
        return line

    def finish(self) -> None:
        implicit = self.implicit
        if self.grand and implicit is not None and self.sections == [implicit] and implicit.subtotal is None:
            # A one-table sheet's total row (above or below its units) is that table's subtotal.
            implicit.subtotal = self.grand.pop(0)
        result = self.reader.result
        result.sections.extend(self.sections)
        for line in self.grand:
            result.grand_totals.append((line, list(self.sections)))

    # -- units under no heading ------------------------------------------
    def implicit_section(self, row: int) -> Section:
        """The section of units listed under no heading: its stream from the title block, the sheet name or
        the name column; refused when these do not tell one stream."""
        kind = unit_kind(self.columns.name_text)
        section = Section(
            self.sheet,
            row,
            "",
            self.sheet,
            None,
            self.unit,
            self.columns.split,
            unit_kind=kind,
            header_row=self.header.row,
        )
        named = self.streams_in_title()
        if len(named) == 1:
            section.stream_code, section.stream_basis = named[0], "title"
        elif named:
            self.issues.error(
                "section_ambiguous",
                "Các dòng đơn vị không nằm trong phần (A, B hoặc I, II) nào và tiêu đề nêu nhiều dòng vốn ("
                + self.stream_names(named)
                + "): không biết các dòng thuộc dòng vốn nào. "
                + ADD_A_HEADING,
                sheet=self.sheet,
                row=row,
            )
        else:
            self.stream_from_unit_kind(section, kind)
        return section

    def streams_in_title(self) -> list[str]:
        """The streams the title block and the sheet name tell; a named stream before the catch-all."""
        named = self.reader.streams_named(" ".join([*_texts(self.title_rows), self.sheet]))
        return [c for c in named if c != CapitalStream.OTHER] or named

    def stream_from_unit_kind(self, section: Section, kind: str | None) -> None:
        """The one stream that ranks the kind of unit the name column lists; refused when none or several do."""
        reader = self.reader
        candidates = [
            code
            for code in reader.keywords
            if kind is not None and reader.levels.get(code) == kind and code != CapitalStream.OTHER
        ]
        if len(candidates) == 1:
            code = candidates[0]
            section.stream_code, section.stream_basis = code, "unit_header"
            self.issues.warning(
                "stream_from_unit_header",
                f"Tệp không ghi bảng thuộc phần (dòng vốn) nào. Cột '{self.columns.name_text}' cho biết bảng liệt "
                f"kê {UNIT_KIND_WORDS[kind]}, và chỉ phần '{reader.names.get(code, code)}' xếp hạng theo "
                f"{UNIT_KIND_WORDS[kind]} (phần vốn khác chỉ nhận khi tệp ghi rõ), nên các dòng được tính vào phần "
                f"đó. Nếu không đúng: {ADD_A_HEADING[0].lower()}{ADD_A_HEADING[1:]}",
                sheet=self.sheet,
                row=self.header.row,
                column=self.columns.name,
            )
            return
        if kind is not None and candidates:
            why = (
                f"cột '{self.columns.name_text}' cho biết bảng liệt kê {UNIT_KIND_WORDS[kind]}, nhưng nhiều phần "
                f"xếp hạng theo {UNIT_KIND_WORDS[kind]} ({self.stream_names(candidates)})"
            )
        else:
            why = "tiêu đề, tên trang và cột tên đơn vị không cho biết dòng vốn"
        self.issues.error(
            "section_missing",
            f"Các dòng đơn vị không nằm trong phần (A, B hoặc I, II) nào và {why}: không đoán dòng vốn. "
            f"{ADD_A_HEADING}",
            sheet=self.sheet,
            row=section.row,
        )

    def stream_names(self, codes: list[str]) -> str:
        return ", ".join(f"'{self.reader.names.get(c, c)}'" for c in codes)


class _CityTable(_Table):
    """A city-wide summary, read into the workbook's one CitySheet, down to the first blank row after data."""

    layout: str

    def __init__(self, reader: _WorkbookReader, sheet: str, header: _Header, title_rows: list[tuple[int, tuple]]):
        super().__init__(reader, sheet, header, title_rows)
        self.city = CitySheet(sheet=sheet, unit=0, split=False, layout=self.layout, header_row=header.row)
        self.claimed = False
        self.seen: dict = {}  # what a row read stands for -> that row, to refuse a second such row
        self.label_column = header.first(LABEL) or header.first(NAME)
        self.stt_column = header.first(STT)

    def claim(self) -> bool:
        """The sheet's unit and the workbook's city summary, unless another sheet already gave it."""
        unit = self.find_unit()
        if unit is None:
            return False
        if self.reader.result.city is not None:
            self.issues.warning(
                "sheet_skipped", "Đã có trang tổng hợp toàn thành phố: bỏ qua trang này.", sheet=self.sheet
            )
            return False
        self.city.unit = unit
        self.claimed = True
        return True

    def data_rows(self, rows: _Rows, columns: Iterable[int]) -> Iterator[tuple[int, tuple]]:
        """The rows with a value in one of the columns, down to the first blank row after a row was read."""
        columns = list(columns)
        for row_number, values in rows:
            if row_number > self.header.row + CITY_SCAN_ROWS:
                return
            if not _strings(values) and not _has_numbers(values):
                if self.seen:
                    return  # what follows is another table
                continue
            if is_column_numbers(values):
                continue
            if any(_cell(values, c) is not None for c in columns):
                yield row_number, values

    def label(self, values: tuple, *figure_columns: int) -> str:
        return _row_label(values, self.label_column, {self.stt_column, *figure_columns})

    def amount(self, row_number: int, values: tuple, column: int) -> int | None:
        return self.reader.amount(self.sheet, row_number, column, _cell(values, column), self.city.unit)

    def figures(self, role: str, level: str | None) -> dict[str, CityFigure]:
        return self.city.disbursed if role == DISBURSED else self.city.plans.setdefault(level, {})

    def read_ratio(self, row_number: int, values: tuple, column: int, level: str, source: str) -> None:
        value = self.reader.ratio(self.sheet, row_number, column, _cell(values, column))
        if value is not None:
            self.city.stated_ratios[(level, source)] = StatedRatio(value, self.sheet, row_number, column)

    def refuse_twice(self, row_number: int, label: str, what: str, first: int) -> None:
        self.issues.error(
            "measure_twice",
            f"Dòng '{label}' lặp lại {what} của dòng {first}: không biết đọc dòng nào.",
            sheet=self.sheet,
            row=row_number,
        )

    def warn_ratio_level(self, row: int, column: int | None, text: str = "") -> None:
        self.issues.warning(
            "ratio_level_missing",
            f"Tỷ lệ {f'{text!r} ' if text else ''}không nói so với kế hoạch nào (TTg giao, TP giao): "
            "không đối chiếu tỷ lệ này.",
            sheet=self.sheet,
            row=row,
            column=column,
        )

    def finish(self) -> None:
        city = self.city
        if not city.plans and not city.disbursed:
            return
        sources = {s for figures in (*city.plans.values(), city.disbursed) for s in figures}
        city.split = NSTW in sources and NSDP in sources
        self.reader.result.city = city


class _MeasuresTable(_CityTable):
    """The city sheet: one row per measure (KH vốn TTg giao, KH vốn TP giao, Giải ngân ...), amounts by source
    in columns headed 'Tổng số', 'NSTW', 'NSĐP' (or one 'Số tiền' column)."""

    layout = MEASURES_AS_ROWS
    columns: dict[str, int]

    def __init__(self, reader: _WorkbookReader, sheet: str, header: _Header, title_rows: list[tuple[int, tuple]]):
        super().__init__(reader, sheet, header, title_rows)
        self.current: Meaning | None = None  # the total row whose breakdown rows ("- Vốn NSTW") may follow
        self.unread: list[int] = []  # rows with figures and no measure
        # Ratio rows wait for the table's end: one naming no plan level is against the only level read.
        self.ratio_rows: list[tuple[int, tuple, Meaning]] = []

    def read(self, rows: _Rows) -> None:
        columns = self.value_columns()
        if columns is None:
            return
        self.columns = columns
        for row_number, values in self.data_rows(rows, columns.values()):
            label = self.label(values, *columns.values())
            found = self.measure(row_number, values, label)
            if found is None:
                continue
            if not self.claimed and not self.claim():
                return
            if found.role == RATIO:
                self.ratio_rows.append((row_number, values, found))
                self.current = None
            else:
                self.read_measure(row_number, values, label, found)
        if not self.claimed:
            self.refuse_unread()
            return
        self.read_ratio_rows()
        self.finish()

    def value_columns(self) -> dict[str, int] | None:
        """The amount column of each source; None when two columns are the same source."""
        columns: dict[str, int] = {}
        for column in self.header.columns(SOURCE, AMOUNT):
            source = self.header.meaning(column).source
            if source in columns:
                self.column_clash(columns[source], column, SOURCE_NAMES[source])
                return None
            columns[source] = column
        return columns

    def measure(self, row_number: int, values: tuple, label: str) -> Meaning | None:
        """What the row measures; None for a row not read, which also ends a total row's breakdown."""
        found: Meaning | None = row_measure(label)
        if found.role is None:
            found = self.breakdown(label)
            if found is None and _has_numbers(values):
                self.unread.append(row_number)
        if found is not None and found.role == PLAN and found.level is None:
            self.issues.warning(
                "plan_level_missing",
                f"Dòng '{label}' không nói kế hoạch do ai giao (Thủ tướng, thành phố hay phân bổ chi tiết): "
                "không đọc dòng này.",
                sheet=self.sheet,
                row=row_number,
            )
            found = None
        if found is None or found.role == IGNORED:
            self.current = None
            return None
        return found

    def breakdown(self, label: str) -> Meaning | None:
        """'- Vốn NSTW' under a total row, amounts in one column: that measure's figure from that source."""
        source, _ = row_source(label)
        if self.current is not None and source in {NSTW, NSDP} and list(self.columns) == [TOTAL]:
            return Meaning(self.current.role, source, self.current.level)
        return None

    def read_measure(self, row_number: int, values: tuple, label: str, found: Meaning) -> None:
        if found.role == DISBURSED:
            self.reader.note_title(self.sheet, row_number, values)  # "Giải ngân đến 20/7/2024" dates the sheet
        key = (found.role, found.level, found.source) if found.source != TOTAL else (found.role, found.level)
        if key in self.seen:
            self.refuse_twice(row_number, label, "chỉ tiêu", self.seen[key])
            return
        self.seen[key] = row_number
        if found.source == TOTAL:
            self.current = found
        figures = self.figures(found.role, found.level)
        for source, column in self.source_columns(found.source).items():
            value = self.amount(row_number, values, column)
            if value is not None:
                figures[source] = CityFigure(value, self.sheet, row_number, column)

    def source_columns(self, source: str) -> dict[str, int]:
        """A total row reads every source's column; a source's row reads its own column, or the only one."""
        if source == TOTAL:
            return self.columns
        if len(self.columns) == 1:
            return {source: next(iter(self.columns.values()))}
        return {s: c for s, c in self.columns.items() if s == source}

    def read_ratio_rows(self) -> None:
        plans = self.city.plans
        only_level = next(iter(plans)) if len(plans) == 1 else None
        for row_number, values, found in self.ratio_rows:
            level = found.level or only_level
            if level is None:
                self.warn_ratio_level(row_number, None)
                continue
            for source, column in self.columns.items():
                self.read_ratio(row_number, values, column, level, source)

    def refuse_unread(self) -> None:
        if self.unread:
            self.reader.refuse_amounts(
                self.sheet,
                self.header.row,
                "các cột " + quoted(tuple(self.header.text(c) for c in self.columns.values())) + " không nói là "
                "kế hoạch hay giải ngân, và các dòng cũng không nêu chỉ tiêu (KH vốn TTg giao, KH vốn TP giao, "
                "Giải ngân đến ...).",
            )


class _SourcesTable(_CityTable):
    """The State Treasury's summary: one row per budget source, measures in columns."""

    layout = SOURCES_AS_ROWS
    measures: dict[tuple[str, str | None], int]
    ratios: dict[str, int]

    def read(self, rows: _Rows) -> None:
        measures = self.measure_columns()
        if measures is None:
            return
        ratios = self.ratio_columns(measures)
        if not self.claim():
            return
        self.measures, self.ratios = measures, ratios
        for row_number, values in self.data_rows(rows, measures.values()):
            source = self.source(row_number, values)
            if source is not None:
                self.read_source(row_number, values, source)
        self.finish()

    def measure_columns(self) -> dict[tuple[str, str | None], int] | None:
        """The column of each measure, by (plan or disbursed, plan level); None when one cannot be read."""
        header = self.header
        measures: dict[tuple[str, str | None], int] = {}
        for column in header.columns(PLAN, DISBURSED):
            found = header.meaning(column)
            if found.role == PLAN and found.level is None:
                self.issues.error(
                    "plan_level_missing",
                    f"Cột '{header.text(column)}' không nói kế hoạch do ai giao: ghi 'KH vốn TTg giao', "
                    "'KH vốn TP giao' hoặc 'Vốn đã phân bổ chi tiết'. Bảng tổng hợp toàn thành phố cần biết kế "
                    "hoạch cấp nào.",
                    sheet=self.sheet,
                    row=header.row,
                    column=column,
                )
                return None
            key = (found.role, found.level)
            if key in measures:
                self.column_clash(measures[key], column, LEVEL_NAMES.get(found.level, "giải ngân"))
                return None
            measures[key] = column
        return measures

    def ratio_columns(self, measures: dict[tuple[str, str | None], int]) -> dict[str, int]:
        """The ratio column of each plan level; one naming no level is against the only plan column."""
        levels = {level for role, level in measures if role == PLAN}
        only_level = next(iter(levels)) if len(levels) == 1 else None
        columns: dict[str, int] = {}
        for column in self.header.columns(RATIO):
            level = self.header.meaning(column).level or only_level
            if level is None:
                self.warn_ratio_level(self.header.row, column, self.header.text(column))
                continue
            columns.setdefault(level, column)
        return columns

    def source(self, row_number: int, values: tuple) -> str | None:
        """The budget source the row gives; None for a part of the row above, or an unknown or repeated source."""
        label = self.label(values, *self.measures.values(), *self.ratios.values())
        source, breakdown = row_source(label)
        if source is not None and source not in self.seen:
            return source
        if breakdown:
            return None  # "- Vốn xổ số kiến thiết": a part of the row above
        if source is None:
            self.issues.warning(
                "source_unknown",
                f"Dòng '{label}' không phải Tổng số, NSTW hay NSĐP: không đọc dòng này.",
                sheet=self.sheet,
                row=row_number,
            )
        else:
            self.refuse_twice(row_number, label, "nguồn vốn", self.seen[source])
        return None

    def read_source(self, row_number: int, values: tuple, source: str) -> None:
        self.seen[source] = row_number
        for (role, level), column in self.measures.items():
            value = self.amount(row_number, values, column)
            if value is not None:
                self.figures(role, level)[source] = CityFigure(value, self.sheet, row_number, column)
        for level, column in self.ratios.items():
            self.read_ratio(row_number, values, column, level, source)


def _label_family(label: str) -> str:
    """'roman' for I, II, III ...; 'letter' for A, B, C (A and B are never Roman numerals)."""
    return "roman" if label and set(label) <= set("IVXL") and label not in {"C", "D"} else "letter"


def _has_amounts(line: Line) -> bool:
    return any(v is not None for v in (*line.plan.values(), *line.disbursed.values()))


def _formula_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Cells holding a formula; only read when the archive showed formulas exist."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        cells: dict[str, set[tuple[int, int]]] = {}
        for ws in workbook.worksheets:
            found = set()
            for row_number, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1):
                for index, value in enumerate(values):
                    if isinstance(value, str) and value.startswith("="):
                        found.add((row_number, index + 1))
            cells[ws.title] = found
        return cells
    finally:
        workbook.close()


def _open(data: bytes, has_formulas: bool, issues: IssueList):
    """The workbook and its formula cells; None (refused) when it cannot be opened."""
    try:
        formula_cells = _formula_cells(data) if has_formulas else {}
        return open_workbook(data, has_formulas=has_formulas), formula_cells
    except Exception as exc:  # the readers raise many types on broken files
        issues.error(
            "corrupt_file", f"Không đọc được tệp Excel: tệp bị hỏng hoặc sai định dạng ({type(exc).__name__})."
        )
        return None


def parse_workbook(
    data: bytes,
    *,
    file_name: str,
    issues: IssueList,
    stream_keywords: dict[str, list[str]],
    has_formulas: bool = False,
    rows_total: int = 0,
    progress: Callable[[int, int], None] | None = None,
    stream_levels: dict[str, str] | None = None,
    stream_names: dict[str, str] | None = None,
    sink: LineSink | None = None,
) -> ParsedWorkbook | None:
    """The workbook's sections, lines and city figures; None when it cannot be read at all.

    `stream_levels` (code -> "investor" / "district") and `stream_names` tell, for a table that names no
    stream, which stream ranks the kind of unit its name column lists; the shipped streams by default.
    With `sink`, each unit line goes to it as it is read instead of into its section (a large file's lines are
    never all held); the sections keep their totals.
    """
    opened = _open(data, has_formulas, issues)
    if opened is None:
        return None
    workbook, formula_cells = opened
    reader = _WorkbookReader(
        file_name,
        issues,
        stream_keywords,
        {**DEFAULT_STREAM_LEVELS, **(stream_levels or {})},
        {**DEFAULT_STREAM_NAMES, **(stream_names or {})},
        formula_cells,
        progress,
        rows_total,
    )
    reader.sink = sink
    try:
        for ws in workbook.worksheets:
            if getattr(ws, "sheet_state", "visible") == "visible":  # a hidden sheet is not meant for import
                reader.read_sheet(ws)
    except _SinkFailed as failed:
        raise failed.error from failed.error.__cause__
    except Exception as exc:
        issues.error("corrupt_file", f"Tệp bị hỏng, đọc giữa chừng thì lỗi ({type(exc).__name__}: {exc}).")
        return None
    finally:
        workbook.close()
    result = reader.result
    _read_dates(result, reader.title_texts, issues)
    if progress:
        progress(result.rows_read, max(rows_total, result.rows_read))
    return result


def _read_dates(result: ParsedWorkbook, texts: list[tuple[str, Position]], issues: IssueList) -> None:
    """The date the figures are as of, and their year, from the title block and headers in reading order."""
    found = _date_mention(texts)
    if found is not None:
        (day, month, year), position = found
        try:
            result.as_of = dt.date(year, month, day)
        except ValueError:
            issues.error(
                "date_invalid",
                f"Ngày số liệu không hợp lệ: {day}/{month}/{year}.",
                sheet=position.sheet,
                row=position.row,
                column=position.column,
            )
            return
        result.as_of_position = position
    result.year = next((int(m.group(1)) for text, _ in texts if (m := YEAR_PATTERN.search(plain(text)))), None)


def _date_mention(
    texts: list[tuple[str, Position]], *tried: tuple[re.Pattern, ...]
) -> tuple[tuple[int, int, int], Position] | None:
    """The first 'đến ngày dd/mm/yyyy' of the texts, else the first header date ('Giải ngân đến dd/mm/yyyy')."""
    for patterns in tried or (DATE_PATTERNS, (HEADER_DATE,)):
        for text, position in texts:
            for pattern in patterns:
                if match := pattern.search(plain(text)):
                    day, month, year = (int(g) for g in match.groups())
                    return (day, month, year), position
    return None
