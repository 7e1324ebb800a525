"""Read a disbursement workbook into plain data, without touching the database.

Senders lay their files out differently. The parser finds the header by its
wording wherever it starts (one or two header rows, merged cells, a row of
column numbers), reads the columns in any order, with or without the
NSTW/NSĐP split, in đồng, triệu đồng or tỷ đồng, and groups rows into
sections (A, B / I, II) that are matched to capital streams by wording.
Sheets are read in streaming mode, one row at a time.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import load_workbook

from core.money import DONG, TRIEU, TY, AmountError, to_decimal, to_dong
from core.names import strip_diacritics
from disbursement.importing.issues import IssueList

TOTAL = "total"
NSTW = "nstw"
NSDP = "nsdp"
UNSPLIT = "unsplit"
AMOUNT_SOURCES = (TOTAL, NSTW, NSDP)

HEADER_SCAN_ROWS = 40
CITY_SCAN_ROWS = 200
PROGRESS_EVERY = 1000

PLAN_WORDS = ("ke hoach", "kh von", "von duoc giao", "duoc bo tri", "von bo tri", "du toan")
DISBURSED_WORDS = ("giai ngan", "thuc hien", "luy ke", "da thanh toan")
NAME_PATTERN = re.compile(r"chu dau tu|\bdon vi\b|\bten\b|quan huyen|dia ban")
SECTION_LABEL = re.compile(r"^(?:[A-Z]|[IVXL]+)$")
SECTION_IN_NAME = re.compile(r"^((?:[A-Z]|[IVXL]+))\s*[.\-–)/]\s*(.+)$")
COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
UNIT_PATTERN = re.compile(
    r"(?:don vi tinh|dvt|don vi)\s*[:.]?\s*(ty dong|trieu dong|nghin dong|ngan dong|dong|ty|trieu)\b"
)
UNIT_IN_HEADER = re.compile(r"\((ty dong|trieu dong|dong)\)")
UNIT_VALUES = {
    "ty dong": TY,
    "ty": TY,
    "trieu dong": TRIEU,
    "trieu": TRIEU,
    "nghin dong": 1000,
    "ngan dong": 1000,
    "dong": DONG,
}
DATE_PATTERNS = (
    re.compile(r"den (?:het )?ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"),
    re.compile(r"tinh den\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"),
)
HEADER_DATE = re.compile(r"den\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
YEAR_PATTERN = re.compile(r"\bnam (\d{4})\b")
SUBTOTAL_NAMES = ("tong cong", "tong so", "cong", "tong")
SUBTOTAL_PREFIXES = ("tong cong ", "tong so ", "cong phan ", "cong muc ", "cong cac ")
EMPTY_MARKS = {"", "-", "–", "—", "x"}


def plain(value: object) -> str:
    """Lower-case text without diacritics and with single spaces, for matching wording."""
    if value is None:
        return ""
    text = strip_diacritics(str(value)).lower()
    return re.sub(r"\s+", " ", text.replace(",", " ").replace("\n", " ")).strip()


def plain_words(value: object) -> str:
    return re.sub(r"[^\w%]+", " ", plain(value)).strip()


@dataclass
class Position:
    sheet: str
    row: int
    column: int | None = None


@dataclass(slots=True)
class Line:
    sheet: str
    row: int
    name: str
    name_column: int
    label: str = ""
    plan: dict[str, int | None] = field(default_factory=dict)
    disbursed: dict[str, int | None] = field(default_factory=dict)
    ratio: Decimal | None = None
    ratio_column: int | None = None
    columns: dict[tuple[str, str], int] = field(default_factory=dict)


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
    lines: list[Line] = field(default_factory=list)


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

    @property
    def lines(self) -> Iterable[tuple[Section, Line]]:
        for section in self.sections:
            for line in section.lines:
                yield section, line


@dataclass
class _Columns:
    name: int
    stt: int | None
    ratio: int | None
    plan: dict[str, int]
    disbursed: dict[str, int]

    cell_map: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self):
        self.cell_map = {
            **{("plan", source): column for source, column in self.plan.items()},
            **{("disbursed", source): column for source, column in self.disbursed.items()},
        }

    @property
    def split(self) -> bool:
        return all(s in self.plan and s in self.disbursed for s in (NSTW, NSDP))


def _role(text: str) -> str | None:
    t = plain_words(text)
    if not t:
        return None
    if t in {"stt", "tt", "so tt", "so thu tu"}:
        return "stt"
    if "ghi chu" in t:
        return "note"
    if "ty le" in t or t in {"%", "% kh"}:
        return "ratio"
    positions = {
        "plan": min((t.index(w) for w in PLAN_WORDS if w in t), default=None),
        "disbursed": min((t.index(w) for w in DISBURSED_WORDS if w in t), default=None),
    }
    if re.search(r"\bkh\b", t) and positions["plan"] is None:
        positions["plan"] = re.search(r"\bkh\b", t).start()
    found = {k: v for k, v in positions.items() if v is not None}
    if found:
        return min(found, key=found.get)
    if "don vi tinh" not in t and not UNIT_PATTERN.search(t) and NAME_PATTERN.search(t):
        return "name"
    return None


def _source(text: str) -> str:
    t = plain_words(text)
    if "nstw" in t or "trung uong" in t:
        return NSTW
    if "nsdp" in t or "dia phuong" in t:
        return NSDP
    return TOTAL


def _has_source_words(values: tuple) -> bool:
    return any(isinstance(v, str) and (_source(v) != TOTAL or "tong" in plain(v)) for v in values)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _columns_from_header(top: tuple, sub: tuple | None) -> _Columns | None:
    width = max(len(top), len(sub or ()))
    roles: dict[int, tuple[str, str]] = {}
    carried: str | None = None
    carried_text = ""
    for index in range(width):
        top_text = top[index] if index < len(top) and isinstance(top[index], str) else None
        sub_text = sub[index] if sub and index < len(sub) and isinstance(sub[index], str) else None
        if top_text:
            role = _role(top_text)
            carried, carried_text = (role, top_text) if role in {"plan", "disbursed"} else (None, "")
            text = top_text + " " + (sub_text or "")
        elif sub_text and carried:
            # A merged group header: the value sits in its first cell only.
            role, text = carried, carried_text + " " + sub_text
        else:
            continue
        roles[index + 1] = (role, _source(text) if role in {"plan", "disbursed"} else "")
    names = [c for c, (r, _) in roles.items() if r == "name"]
    plan = {}
    disbursed = {}
    for column, (role, source) in roles.items():
        if role == "plan":
            plan.setdefault(source, column)
        elif role == "disbursed":
            disbursed.setdefault(source, column)
    if not names or not (plan or disbursed):
        return None
    return _Columns(
        name=names[0],
        stt=next((c for c, (r, _) in roles.items() if r == "stt"), None),
        ratio=next((c for c, (r, _) in roles.items() if r == "ratio"), None),
        plan=plan,
        disbursed=disbursed,
    )


def _cell(values: tuple, column: int | None):
    if column is None or column > len(values):
        return None
    return values[column - 1]


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


class _Reader:
    def __init__(
        self,
        file_name: str,
        issues: IssueList,
        stream_keywords: dict[str, list[str]],
        formula_cells: dict[str, set[tuple[int, int]]],
        progress: Callable[[int, int], None] | None,
        rows_total: int,
    ):
        self.result = ParsedWorkbook(file_name=file_name)
        self.issues = issues
        self.keywords = stream_keywords
        self.formula_cells = formula_cells
        self.progress = progress
        self.rows_total = rows_total
        self.title_texts: list[tuple[str, Position]] = []

    # -- helpers ---------------------------------------------------------
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

    def stream_for(self, title: str) -> str | None:
        text = plain_words(title)
        matches = []
        for code, words in self.keywords.items():
            for word in words:
                if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                    matches.append((code == "other", -len(word), code))
        return min(matches)[2] if matches else None

    def note_title(self, sheet: str, row: int, values: tuple) -> None:
        for index, value in enumerate(values):
            if isinstance(value, str) and value.strip():
                self.title_texts.append((value, Position(sheet, row, index + 1)))

    def sheet_unit(self, texts: list[str]) -> int | None:
        for text in texts:
            match = UNIT_PATTERN.search(plain(text))
            if match:
                return UNIT_VALUES[match.group(1)]
        for text in texts:
            match = UNIT_IN_HEADER.search(plain(text))
            if match:
                return UNIT_VALUES[match.group(1)]
        return None

    # -- sheets ----------------------------------------------------------
    def read_sheet(self, ws) -> None:
        sheet = ws.title
        self.result.sheets.append(sheet)
        rows = ws.iter_rows(min_row=1, values_only=True)
        buffered: list[tuple[int, tuple]] = []
        columns = None
        header_row = 0
        for row_number, values in enumerate(rows, start=1):
            self.tick()
            values = tuple(values)
            if columns is None:
                if row_number > HEADER_SCAN_ROWS:
                    buffered.append((row_number, values))
                    if row_number > CITY_SCAN_ROWS:
                        break
                    continue
                candidate = _columns_from_header(values, None)
                if candidate is not None:
                    columns = values
                    header_row = row_number
                    break
                buffered.append((row_number, values))
        if columns is None:
            self.read_city_sheet(sheet, buffered)
            return
        self.read_unit_sheet(sheet, rows, buffered, header_row, columns)

    def read_unit_sheet(self, sheet: str, rows, title_rows: list[tuple[int, tuple]], header_row: int, top: tuple):
        for row_number, values in title_rows:
            self.note_title(sheet, row_number, values)
        title_texts = [_text(v) for _, values in title_rows for v in values if isinstance(v, str)]
        header_texts = [_text(v) for v in top if isinstance(v, str)]
        row_number = header_row
        pending: list[tuple[int, tuple]] = []
        # Up to two more rows may belong to the header: sub-headers and column numbers.
        sub = None
        for values in rows:
            row_number += 1
            self.tick()
            values = tuple(values)
            if sub is None and not pending and _has_source_words(values) and not any(_is_number(v) for v in values):
                sub = values
                header_texts += [_text(v) for v in values if isinstance(v, str)]
                continue
            pending.append((row_number, values))
            break
        columns = _columns_from_header(top, sub)
        self.note_title(sheet, header_row, top)
        unit = self.sheet_unit(title_texts) or self.sheet_unit(header_texts) or self.result.unit
        if unit is None:
            self.issues.error(
                "unit_missing",
                "Không tìm thấy đơn vị tính (dòng 'Đơn vị tính: triệu đồng' hoặc 'ĐVT: tỷ đồng').",
                sheet=sheet,
                row=header_row,
            )
            return
        if self.result.unit is None:
            self.result.unit = unit
        if not columns.plan:
            self.issues.error("column_missing", "Không tìm thấy cột kế hoạch vốn.", sheet=sheet, row=header_row)
        if not columns.disbursed:
            self.issues.error("column_missing", "Không tìm thấy cột giải ngân.", sheet=sheet, row=header_row)
        if not columns.plan or not columns.disbursed:
            return

        state = {"section": None, "implicit": None}
        sheet_sections: list[Section] = []
        grand: list[Line] = []

        def handle(row_number: int, values: tuple) -> None:
            if _is_column_numbers(values):
                return
            name_value = _cell(values, columns.name)
            label = _text(_cell(values, columns.stt)).rstrip(".")
            name = _text(name_value) if not _is_number(name_value) else ""
            if not name and not label:
                return
            heading = None
            if label and SECTION_LABEL.match(label) and name:
                heading = (label, name)
            elif not label and (match := SECTION_IN_NAME.match(name)) and self.stream_for(match.group(2)):
                heading = (match.group(1), match.group(2))
            line = self.read_line(sheet, row_number, values, columns, unit, name, label)
            if heading:
                code = self.stream_for(heading[1])
                current = state["section"]
                if code is None and current is not None and _label_family(heading[0]) != _label_family(current.label):
                    # A group inside the section ("I. Các sở, ngành" under "A"): its units belong to the section.
                    return
                if code is None:
                    self.issues.error(
                        "section_unknown",
                        f"Không nhận ra phần '{heading[0]}. {heading[1]}' thuộc dòng vốn nào "
                        "(thêm từ khóa nhận diện cho dòng vốn).",
                        sheet=sheet,
                        row=row_number,
                        column=columns.name,
                    )
                section = Section(sheet, row_number, heading[0], heading[1], code, unit, columns.split)
                section.subtotal = line if _has_amounts(line) else None
                sheet_sections.append(section)
                state["section"] = section
                return
            if line is None or not _has_amounts(line):
                return
            # Only "Tổng ...", "Cộng ..." and "Trong đó ..." rows need their wording read.
            key = plain_words(name) if name[:1].lower() in "tc" else ""
            if key in SUBTOTAL_NAMES or key.startswith(SUBTOTAL_PREFIXES):
                section = state["section"]
                if section is None:
                    grand.append(line)
                elif section.subtotal is None:
                    section.subtotal = line
                else:
                    grand.append(line)
                return
            if key.startswith("trong do"):
                return
            if not name:
                self.issues.warning(
                    "name_missing",
                    "Dòng có số liệu nhưng không có tên đơn vị: bỏ qua.",
                    sheet=sheet,
                    row=row_number,
                    column=columns.name,
                )
                return
            section = state["section"]
            if section is None:
                section = state["implicit"]
                if section is None:
                    titles = " ".join([sheet, *title_texts])
                    section = Section(sheet, row_number, "", sheet, self.stream_for(titles), unit, columns.split)
                    if section.stream_code is None:
                        self.issues.error(
                            "section_missing",
                            "Các dòng đơn vị không nằm trong phần (A, B hoặc I, II) nào "
                            "và tiêu đề không cho biết dòng vốn.",
                            sheet=sheet,
                            row=row_number,
                        )
                    state["implicit"] = section
                    sheet_sections.append(section)
            section.lines.append(line)

        for row_number_pending, values in pending:
            handle(row_number_pending, values)
        for values in rows:
            row_number += 1
            self.tick()
            handle(row_number, tuple(values))
        self.result.sections.extend(sheet_sections)
        for line in grand:
            self.result.grand_totals.append((line, list(sheet_sections)))

    def read_line(self, sheet, row, values, columns: _Columns, unit, name, label) -> Line:
        # Every line of a sheet shares one column map: large files hold many lines.
        line = Line(sheet=sheet, row=row, name=name, name_column=columns.name, label=label, columns=columns.cell_map)
        for cols, target in ((columns.plan, line.plan), (columns.disbursed, line.disbursed)):
            for source, column in cols.items():
                target[source] = self.amount(sheet, row, column, _cell(values, column), unit)
            if TOTAL not in cols and NSTW in cols and NSDP in cols:
                parts = [target.get(NSTW), target.get(NSDP)]
                target[TOTAL] = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
        line.ratio_column = columns.ratio
        line.ratio = self.ratio(sheet, row, columns.ratio, _cell(values, columns.ratio))
        return line

    def read_city_sheet(self, sheet: str, rows: list[tuple[int, tuple]]) -> None:
        labels = [
            (n, v)
            for n, v in rows
            if any(_is_number(x) for x in v) and any(_city_level(x) for x in v if isinstance(x, str))
        ]
        if not labels:
            if not any(any(v is not None for v in values) for _, values in rows):
                return
            self.issues.warning(
                "sheet_skipped", "Không nhận ra bảng số liệu trong trang tính này: bỏ qua.", sheet=sheet
            )
            return
        if self.result.city is not None:
            self.issues.warning("sheet_skipped", "Đã có trang tổng hợp toàn thành phố: bỏ qua trang này.", sheet=sheet)
            return
        for row_number, values in rows:
            self.note_title(sheet, row_number, values)
        texts = [_text(v) for _, values in rows for v in values if isinstance(v, str)]
        unit = self.sheet_unit(texts) or self.result.unit
        if unit is None:
            self.issues.error("unit_missing", "Không tìm thấy đơn vị tính của trang tổng hợp.", sheet=sheet)
            return
        source_columns: dict[str, int] = {}
        header_row = None
        for row_number, values in rows:
            if row_number >= labels[0][0]:
                break
            found = {}
            for index, value in enumerate(values):
                if isinstance(value, str):
                    t = plain_words(value)
                    source = _source(value)
                    if source != TOTAL or t in {"tong so", "tong", "tong cong", "cong"}:
                        found.setdefault(source, index + 1)
            if found:
                source_columns, header_row = found, row_number
        split = NSTW in source_columns and NSDP in source_columns
        city = CitySheet(sheet=sheet, unit=unit, split=split)
        started = False
        for row_number, values in rows:
            if header_row and row_number <= header_row:
                continue
            if not any(v is not None for v in values):
                if started:
                    break
                continue
            level = next((lv for x in values if isinstance(x, str) and (lv := _city_level(x))), None)
            if level is None or not any(_is_number(x) for x in values):
                continue
            started = True
            if source_columns:
                wanted = {s: c for s, c in source_columns.items() if (s != TOTAL or not split)}
                if split and TOTAL in source_columns:
                    wanted[TOTAL] = source_columns[TOTAL]
            else:
                first = next((i + 1 for i, v in enumerate(values) if _is_number(v)), None)
                wanted = {TOTAL: first} if first else {}
            figures = {}
            for source, column in wanted.items():
                value = self.amount(sheet, row_number, column, _cell(values, column), unit)
                if value is not None:
                    figures[source] = CityFigure(value, sheet, row_number, column)
            if level == "disbursed":
                city.disbursed = figures
            else:
                city.plans[level] = figures
        self.result.city = city


def _label_family(label: str) -> str:
    """'roman' for I, II, III ...; 'letter' for A, B, C (A and B are never Roman numerals)."""
    return "roman" if label and set(label) <= set("IVXL") and label not in {"C", "D"} else "letter"


def _city_level(text: str) -> str | None:
    t = plain_words(text)
    if not t or t.startswith("ty le"):
        return None
    if "thu tuong" in t or "ttg" in t.split():
        return "pm"
    if "phan bo chi tiet" in t:
        return "detailed"
    if "ke hoach" in t and ("thanh pho" in t or "hdnd" in t or "hoi dong nhan dan" in t):
        return "city"
    if "giai ngan" in t:
        return "disbursed"
    return None


def _is_column_numbers(values: tuple) -> bool:
    present = [v for v in values if v is not None and _text(v)]
    if len(present) < 3:
        return False
    numbers = []
    for value in present:
        text = _text(value)
        if isinstance(value, float) and value != int(value):
            return False
        if not COLUMN_NUMBER.match(text.replace(".0", "")):
            return False
        numbers.append(int(text.strip("()").replace(".0", "")))
    return numbers == sorted(numbers) and len(set(numbers)) == len(numbers) and numbers[0] <= 2


def _has_amounts(line: Line | None) -> bool:
    if line is None:
        return False
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


def parse_workbook(
    data: bytes,
    *,
    file_name: str,
    issues: IssueList,
    stream_keywords: dict[str, list[str]],
    has_formulas: bool = False,
    rows_total: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ParsedWorkbook | None:
    """The workbook's sections, lines and city figures; None when it cannot be read at all."""
    try:
        formula_cells = _formula_cells(data) if has_formulas else {}
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on broken files
        issues.error(
            "corrupt_file", f"Không đọc được tệp Excel: tệp bị hỏng hoặc sai định dạng ({type(exc).__name__})."
        )
        return None
    reader = _Reader(file_name, issues, stream_keywords, formula_cells, progress, rows_total)
    try:
        for ws in workbook.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            reader.read_sheet(ws)
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
    for patterns in (DATE_PATTERNS, (HEADER_DATE,)):
        for text, position in texts:
            for pattern in patterns:
                match = pattern.search(plain(text))
                if not match:
                    continue
                day, month, year = (int(g) for g in match.groups())
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
                break
            if result.as_of:
                break
        if result.as_of:
            break
    for text, _position in texts:
        match = YEAR_PATTERN.search(plain(text))
        if match:
            result.year = int(match.group(1))
            break
