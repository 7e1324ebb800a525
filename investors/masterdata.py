"""Master data from a workbook: local units, investors, their other spellings and successions.

Staff load or update the list of units from an Excel file instead of typing it in the admin. The
workbook has up to three sheets, found by their names (accents and case do not matter), each a
table whose header row is found by its wording, a title block above it allowed:

- "Đơn vị hành chính": Mã, Tên, Loại (quận, huyện, thành phố, thị xã, xã, phường, đặc khu),
  Đơn vị cấp trên (mã), Hiệu lực từ, Hiệu lực đến, Thứ tự, Tên gọi khác (separated by ';');
- "Chủ đầu tư": Mã, Tên, Tên ngắn, Loại (Sở, ngành / Ban Quản lý dự án / UBND / Khác),
  Đơn vị hành chính (mã, for a People's Committee), Hiệu lực từ, Hiệu lực đến, Thủ trưởng,
  Email thủ trưởng, Tên gọi khác;
- "Kế thừa": Đối tượng (đơn vị hành chính / chủ đầu tư), Mã đơn vị trước, Mã đơn vị kế thừa,
  Hình thức (sáp nhập, chia tách, điều chuyển một phần), Có hiệu lực từ, Căn cứ.

Rows are matched by code: a new code is created, a known one updated. `read_master_data` checks
the whole file and says what it would change (the preview) without writing; `apply_master_data`
writes all of it in one transaction, or nothing when any row is wrong. Every error names the file,
the sheet, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from core.names import normalize_name, strip_diacritics
from core.records import set_history_user
from core.succession import SuccessionKind
from districts.models import District, DistrictAlias, DistrictSuccession
from districts.services import bare_name
from investors.models import Investor, InvestorAlias, InvestorSuccession

UNITS, INVESTORS, SUCCESSIONS = "Đơn vị hành chính", "Chủ đầu tư", "Kế thừa"
DEFAULT_FROM = dt.date(2000, 1, 1)
ALIAS_SEPARATOR = ";"


def _plain(text: object) -> str:
    return " ".join(strip_diacritics(str(text or "")).lower().replace("đ", "d").split())


# Column key -> header wordings (plain: no accents, lower case), per sheet.
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    UNITS: {
        "code": ("ma", "ma don vi"),
        "name": ("ten", "ten don vi"),
        "kind": ("loai", "loai don vi"),
        "parent": ("don vi cap tren", "cap tren", "ma don vi cap tren"),
        "valid_from": ("hieu luc tu", "tu ngay"),
        "valid_to": ("hieu luc den", "den ngay"),
        "order": ("thu tu", "stt hien thi"),
        "aliases": ("ten goi khac", "ten khac"),
    },
    INVESTORS: {
        "code": ("ma", "ma chu dau tu"),
        "name": ("ten", "ten chu dau tu"),
        "short_name": ("ten ngan", "ten viet tat"),
        "kind": ("loai", "loai chu dau tu"),
        "district": ("don vi hanh chinh", "ma don vi hanh chinh", "quan, huyen"),
        "valid_from": ("hieu luc tu", "tu ngay"),
        "valid_to": ("hieu luc den", "den ngay"),
        "head_name": ("thu truong", "thu truong don vi"),
        "head_email": ("email thu truong", "email"),
        "aliases": ("ten goi khac", "ten khac"),
    },
    SUCCESSIONS: {
        "level": ("doi tuong", "loai doi tuong"),
        "predecessor": ("ma don vi truoc", "don vi truoc"),
        "successor": ("ma don vi ke thua", "don vi ke thua"),
        "kind": ("hinh thuc",),
        "effective_from": ("co hieu luc tu", "hieu luc tu", "tu ngay"),
        "note": ("can cu", "ghi chu", "can cu, ghi chu"),
    },
}
REQUIRED = {
    UNITS: ("code", "name", "kind"),
    INVESTORS: ("code", "name", "kind"),
    SUCCESSIONS: ("level", "predecessor", "successor", "kind", "effective_from"),
}

DISTRICT_KINDS = {_plain(label): value for value, label in District.Kind.choices} | {
    "thanh pho thuoc thanh pho": District.Kind.CITY,
    "tp": District.Kind.CITY,
}
INVESTOR_KINDS = {_plain(label): value for value, label in Investor.Kind.choices} | {
    "so": Investor.Kind.DEPARTMENT,
    "so, nganh": Investor.Kind.DEPARTMENT,
    "ban qlda": Investor.Kind.BOARD,
    "ban quan ly du an": Investor.Kind.BOARD,
    "ubnd": Investor.Kind.DISTRICT_COMMITTEE,
    "ubnd quan, huyen": Investor.Kind.DISTRICT_COMMITTEE,
    "ubnd xa, phuong": Investor.Kind.DISTRICT_COMMITTEE,
    "khac": Investor.Kind.OTHER,
}
SUCCESSION_KINDS = {_plain(label): value for value, label in SuccessionKind.choices} | {
    "hop nhat": SuccessionKind.MERGE,
    "sap nhap": SuccessionKind.MERGE,
    "doi ten": SuccessionKind.MERGE,
    "chia tach": SuccessionKind.SPLIT,
    "dieu chuyen": SuccessionKind.TRANSFER,
    "dieu chinh mot phan": SuccessionKind.TRANSFER,
}
LEVELS = {
    "don vi hanh chinh": "district",
    "dvhc": "district",
    "xa, phuong": "district",
    "quan, huyen": "district",
    "chu dau tu": "investor",
    "cdt": "investor",
}


@dataclass(frozen=True)
class MasterDataError:
    file: str
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"tệp {self.file}", f"trang {self.sheet}"] if self.sheet else [f"tệp {self.file}"]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Change:
    """One row's effect: 'new', 'changed' or 'unchanged', with the fields that change."""

    sheet: str
    row: int
    code: str
    action: str
    label: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def __str__(self) -> str:
        words = {"new": "thêm mới", "changed": "cập nhật", "unchanged": "không đổi"}[self.action]
        details = "; ".join(
            f"{FIELD_LABELS.get(name, name)}: {_shown(old)} → {_shown(new)}" for name, (old, new) in self.fields.items()
        )
        return f"{self.sheet}, dòng {self.row}: {words} {self.label}" + (f" ({details})" if details else "")


FIELD_LABELS = {
    "name": "tên",
    "short_name": "tên ngắn",
    "kind": "loại",
    "parent": "đơn vị cấp trên",
    "district": "đơn vị hành chính",
    "valid_from": "hiệu lực từ",
    "valid_to": "hiệu lực đến",
    "order": "thứ tự",
    "head_name": "thủ trưởng",
    "head_email": "email thủ trưởng",
}


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return "–" if value in (None, "") else str(value)


@dataclass
class _Cell:
    value: Any
    row: int
    column: str


@dataclass
class MasterDataPreview:
    file: str
    errors: list[MasterDataError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    investors: list[dict] = field(default_factory=list)
    successions: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, sheet: str, action: str) -> int:
        return sum(1 for c in self.changes if c.sheet == sheet and c.action == action)

    @property
    def summary(self) -> str:
        parts = []
        for sheet in (UNITS, INVESTORS, SUCCESSIONS):
            new, changed = self.count(sheet, "new"), self.count(sheet, "changed")
            unchanged = self.count(sheet, "unchanged")
            if new or changed or unchanged:
                parts.append(f"{sheet}: {new} thêm mới, {changed} cập nhật, {unchanged} không đổi")
        return "; ".join(parts) or "Tệp không có dòng nào."


class _Reader:
    def __init__(self, preview: MasterDataPreview):
        self.preview = preview

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.preview.errors.append(MasterDataError(self.preview.file, sheet, row, column, message))

    def table(self, ws, sheet: str) -> list[dict[str, _Cell]]:
        """The sheet's rows as {key: cell}, after the header row its wording finds."""
        wanted = COLUMNS[sheet]
        rows = list(ws.iter_rows())
        for index, cells in enumerate(rows[:15]):
            found: dict[str, int] = {}
            for position, cell in enumerate(cells):
                text = _plain(cell.value)
                for key, wordings in wanted.items():
                    if text in wordings and key not in found:
                        found[key] = position
            if {"code", "name"} <= found.keys() or {"predecessor", "successor"} <= found.keys():
                missing = [k for k in REQUIRED[sheet] if k not in found]
                if missing:
                    names = ", ".join(f"'{wanted[k][0]}'" for k in missing)
                    self.error(sheet, cells[0].row, None, f"thiếu cột {names} trong dòng tiêu đề.")
                    return []
                return self._rows(rows[index + 1 :], found)
        self.error(sheet, None, None, "không tìm thấy dòng tiêu đề (cột 'Mã', 'Tên' hoặc 'Mã đơn vị trước').")
        return []

    @staticmethod
    def _rows(rows, found: dict[str, int]) -> list[dict[str, _Cell]]:
        table = []
        for cells in rows:
            values = {
                key: _Cell(cells[pos].value if pos < len(cells) else None, cells[0].row, _letter(pos))
                for key, pos in found.items()
            }
            if all(_blank(c.value) for c in values.values()):
                continue
            table.append(values)
        return table

    def text(self, sheet: str, cell: _Cell, *, required: bool = False, label: str = "") -> str:
        value = "" if cell.value is None else " ".join(str(cell.value).split())
        if required and not value:
            self.error(sheet, cell.row, cell.column, f"thiếu {label}.")
        return value

    def choice(self, sheet: str, cell: _Cell, choices: dict[str, str], label: str) -> str | None:
        text = _plain(cell.value)
        if text in choices:
            return choices[text]
        allowed = ", ".join(sorted({k for k in choices if len(k) > 3}))
        self.error(sheet, cell.row, cell.column, f"{label} '{cell.value or ''}' không hợp lệ (một trong: {allowed}).")
        return None

    def date(self, sheet: str, cell: _Cell | None, *, required: bool = False, label: str = "ngày") -> dt.date | None:
        if cell is None or _blank(cell.value):
            if required:
                self.error(sheet, cell.row if cell else None, cell.column if cell else None, f"thiếu {label}.")
            return None
        value = cell.value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.error(sheet, cell.row, cell.column, f"{label} '{text}' không đọc được (viết dạng 01/7/2025).")
        return None

    def number(self, sheet: str, cell: _Cell | None) -> int:
        if cell is None or _blank(cell.value):
            return 0
        try:
            return int(str(cell.value).strip())
        except ValueError:
            self.error(sheet, cell.row, cell.column, f"thứ tự '{cell.value}' không phải số nguyên.")
            return 0


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _letter(position: int) -> str:
    letters, number = "", position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _aliases(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.split(ALIAS_SEPARATOR) if part.strip()]


def _sheets(workbook) -> dict[str, Any]:
    by_plain = {_plain(name): workbook[name] for name in workbook.sheetnames}
    return {sheet: by_plain[_plain(sheet)] for sheet in (UNITS, INVESTORS, SUCCESSIONS) if _plain(sheet) in by_plain}


def read_master_data(data: bytes, file_name: str) -> MasterDataPreview:
    """Check a master-data workbook and say what it would change; writes nothing."""
    preview = MasterDataPreview(file_name)
    reader = _Reader(preview)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        reader.error("", None, None, f"không mở được tệp Excel ({exc.__class__.__name__}).")
        return preview
    sheets = _sheets(workbook)
    if not sheets:
        reader.error("", None, None, f"không có trang nào tên '{UNITS}', '{INVESTORS}' hoặc '{SUCCESSIONS}'.")
        return preview
    unit_codes = set(District.objects.values_list("code", flat=True))
    investor_codes = set(Investor.objects.values_list("code", flat=True))
    if UNITS in sheets:
        _read_units(reader, sheets[UNITS], unit_codes)
    unit_codes |= {u["code"] for u in preview.units}
    if INVESTORS in sheets:
        _read_investors(reader, sheets[INVESTORS], unit_codes, investor_codes)
    investor_codes |= {i["code"] for i in preview.investors}
    if SUCCESSIONS in sheets:
        _read_successions(reader, sheets[SUCCESSIONS], unit_codes, investor_codes)
    workbook.close()
    if preview.ok:
        _describe(preview)
    return preview


def _validity(reader: _Reader, sheet: str, row: dict[str, _Cell]) -> tuple[dt.date, dt.date | None]:
    start = reader.date(sheet, row.get("valid_from"), label="ngày hiệu lực") or DEFAULT_FROM
    end = reader.date(sheet, row.get("valid_to"), label="ngày hết hiệu lực")
    if end is not None and end < start:
        cell = row["valid_to"]
        reader.error(sheet, cell.row, cell.column, "ngày hết hiệu lực trước ngày hiệu lực.")
    return start, end


def _seen(reader: _Reader, sheet: str, cell: _Cell, code: str, seen: set[str]) -> bool:
    if code in seen:
        reader.error(sheet, cell.row, cell.column, f"mã '{code}' đã có ở một dòng trên.")
        return True
    seen.add(code)
    return False


def _read_units(reader: _Reader, ws, known: set[str]) -> None:
    sheet, seen = UNITS, set()
    rows = reader.table(ws, sheet)
    codes_here = {reader.text(sheet, r["code"]) for r in rows}
    for row in rows:
        code = reader.text(sheet, row["code"], required=True, label="mã")
        name = reader.text(sheet, row["name"], required=True, label="tên")
        kind = reader.choice(sheet, row["kind"], DISTRICT_KINDS, "loại đơn vị")
        if not code or _seen(reader, sheet, row["code"], code, seen):
            continue
        parent = reader.text(sheet, row["parent"]) if "parent" in row else ""
        if parent and parent not in known | codes_here:
            reader.error(sheet, row["parent"].row, row["parent"].column, f"không có đơn vị cấp trên mã '{parent}'.")
        if parent == code:
            reader.error(sheet, row["parent"].row, row["parent"].column, "đơn vị không thể là cấp trên của chính nó.")
        start, end = _validity(reader, sheet, row)
        reader.preview.units.append(
            {
                "row": row["code"].row,
                "code": code,
                "name": _own_name(name),
                "kind": kind,
                "parent": parent,
                "valid_from": start,
                "valid_to": end,
                "order": reader.number(sheet, row.get("order")),
                "aliases": _aliases(reader.text(sheet, row["aliases"])) if "aliases" in row else [],
            }
        )


def _own_name(name: str) -> str:
    """'xã An Hưng' is named 'An Hưng': the kind is its own column."""
    return bare_name(name)


def _read_investors(reader: _Reader, ws, unit_codes: set[str], known: set[str]) -> None:
    sheet, seen = INVESTORS, set()
    for row in reader.table(ws, sheet):
        code = reader.text(sheet, row["code"], required=True, label="mã")
        name = reader.text(sheet, row["name"], required=True, label="tên")
        kind = reader.choice(sheet, row["kind"], INVESTOR_KINDS, "loại chủ đầu tư")
        if not code or _seen(reader, sheet, row["code"], code, seen):
            continue
        district = reader.text(sheet, row["district"]) if "district" in row else ""
        if district and district not in unit_codes:
            cell = row["district"]
            reader.error(sheet, cell.row, cell.column, f"không có đơn vị hành chính mã '{district}'.")
        if kind == Investor.Kind.DISTRICT_COMMITTEE and not district:
            cell = row.get("district") or row["kind"]
            reader.error(sheet, cell.row, cell.column, "UBND làm chủ đầu tư cần mã đơn vị hành chính của mình.")
        email = reader.text(sheet, row["head_email"]) if "head_email" in row else ""
        if email and "@" not in email:
            reader.error(sheet, row["head_email"].row, row["head_email"].column, f"email '{email}' không hợp lệ.")
        start, end = _validity(reader, sheet, row)
        reader.preview.investors.append(
            {
                "row": row["code"].row,
                "code": code,
                "name": name,
                "short_name": reader.text(sheet, row["short_name"]) if "short_name" in row else "",
                "kind": kind,
                "district": district,
                "valid_from": start,
                "valid_to": end,
                "head_name": reader.text(sheet, row["head_name"]) if "head_name" in row else "",
                "head_email": email,
                "aliases": _aliases(reader.text(sheet, row["aliases"])) if "aliases" in row else [],
            }
        )


def _read_successions(reader: _Reader, ws, unit_codes: set[str], investor_codes: set[str]) -> None:
    sheet, seen = SUCCESSIONS, set()
    for row in reader.table(ws, sheet):
        level = reader.choice(sheet, row["level"], LEVELS, "đối tượng")
        kind = reader.choice(sheet, row["kind"], SUCCESSION_KINDS, "hình thức")
        effective = reader.date(sheet, row["effective_from"], required=True, label="ngày có hiệu lực")
        codes = unit_codes if level == "district" else investor_codes
        ends = {}
        for end in ("predecessor", "successor"):
            cell = row[end]
            ends[end] = reader.text(sheet, cell, required=True, label="mã đơn vị")
            if level and ends[end] and ends[end] not in codes:
                reader.error(sheet, cell.row, cell.column, f"không có {_level_word(level)} mã '{ends[end]}'.")
        if ends["predecessor"] and ends["predecessor"] == ends["successor"]:
            reader.error(sheet, row["successor"].row, row["successor"].column, "đơn vị không thể kế thừa chính nó.")
        pair = (level, ends["predecessor"], ends["successor"])
        if pair in seen:
            reader.error(sheet, row["predecessor"].row, None, "cặp đơn vị này đã có ở một dòng trên.")
        seen.add(pair)
        reader.preview.successions.append(
            {
                "row": row["predecessor"].row,
                "level": level,
                "predecessor": ends["predecessor"],
                "successor": ends["successor"],
                "kind": kind,
                "effective_from": effective,
                "note": reader.text(sheet, row["note"]) if "note" in row else "",
            }
        )
    _check_merges(reader, sheet)


def _level_word(level: str) -> str:
    return "đơn vị hành chính" if level == "district" else "chủ đầu tư"


def _check_merges(reader: _Reader, sheet: str) -> None:
    """A unit merged whole passes to one unit: a merge alongside another succession of it is a contradiction."""
    outgoing: dict[tuple, list[dict]] = {}
    for item in reader.preview.successions:
        outgoing.setdefault((item["level"], item["predecessor"]), []).append(item)
    for (_level, code), items in outgoing.items():
        merges = [i for i in items if i["kind"] == SuccessionKind.MERGE]
        if merges and len(items) > 1:
            reader.error(
                sheet,
                merges[-1]["row"],
                None,
                f"'{code}' sáp nhập (toàn bộ) vào một đơn vị nhưng còn có dòng kế thừa khác; "
                "một đơn vị chia cho nhiều đơn vị ghi hình thức 'chia tách'.",
            )


_UNIT_FIELDS = ("name", "kind", "valid_from", "valid_to", "order")
_INVESTOR_FIELDS = ("name", "short_name", "kind", "valid_from", "valid_to", "head_name", "head_email")


def _describe(preview: MasterDataPreview) -> None:
    units = {d.code: d for d in District.objects.select_related("parent")}
    for item in preview.units:
        current = units.get(item["code"])
        label = f"{District.Kind(item['kind']).label} {item['name']} ({item['code']})"
        fields = {}
        if current is not None:
            fields = {f: (getattr(current, f), item[f]) for f in _UNIT_FIELDS if getattr(current, f) != item[f]}
            before_parent = current.parent.code if current.parent else ""
            if before_parent != item["parent"]:
                fields["parent"] = (before_parent, item["parent"])
        preview.changes.append(_change(UNITS, item, current, label, fields))
    investors = {i.code: i for i in Investor.objects.select_related("district")}
    for item in preview.investors:
        current = investors.get(item["code"])
        fields = {}
        if current is not None:
            fields = {f: (getattr(current, f), item[f]) for f in _INVESTOR_FIELDS if getattr(current, f) != item[f]}
            before = current.district.code if current.district else ""
            if before != item["district"]:
                fields["district"] = (before, item["district"])
        preview.changes.append(_change(INVESTORS, item, current, f"{item['name']} ({item['code']})", fields))
    existing = {
        ("district", p, s): (k, e, n)
        for p, s, k, e, n in DistrictSuccession.objects.values_list(
            "predecessor__code", "successor__code", "kind", "effective_from", "note"
        )
    } | {
        ("investor", p, s): (k, e, n)
        for p, s, k, e, n in InvestorSuccession.objects.values_list(
            "predecessor__code", "successor__code", "kind", "effective_from", "note"
        )
    }
    for item in preview.successions:
        key = (item["level"], item["predecessor"], item["successor"])
        label = f"{item['predecessor']} → {item['successor']} ({SuccessionKind(item['kind']).label})"
        before = existing.get(key)
        after = (item["kind"], item["effective_from"], item["note"])
        fields = {}
        if before is not None and before != after:
            fields = {"kế thừa": (_succession_text(before), _succession_text(after))}
        preview.changes.append(_change(SUCCESSIONS, item, before, label, fields))


def _succession_text(value: tuple) -> str:
    kind, effective, note = value
    return f"{SuccessionKind(kind).label} từ {effective:%d/%m/%Y}" + (f", {note}" if note else "")


def _change(sheet: str, item: dict, current: object, label: str, fields: dict) -> Change:
    action = "new" if current is None else ("changed" if fields else "unchanged")
    code = item.get("code") or f"{item.get('predecessor')}→{item.get('successor')}"
    return Change(sheet, item["row"], code, action, label, fields)


@transaction.atomic
def apply_master_data(preview: MasterDataPreview, *, user=None) -> MasterDataPreview:
    """Write what a preview without errors says, in one transaction: all of it or, on any error, nothing."""
    if not preview.ok:
        raise ValidationError("; ".join(str(e) for e in preview.errors))
    units: dict[str, District] = {}
    for item in preview.units:
        unit = District.objects.filter(code=item["code"]).first() or District(code=item["code"])
        for name in _UNIT_FIELDS:
            setattr(unit, name, item[name])
        set_history_user(unit, user)
        _save(unit, preview, UNITS, item)
        units[unit.code] = unit
    for item in preview.units:
        parent = units.get(item["parent"]) or District.objects.filter(code=item["parent"]).first()
        unit = units[item["code"]]
        if (parent.pk if parent else None) != unit.parent_id:
            unit.parent = parent
            set_history_user(unit, user)
            unit.save(update_fields=["parent"])
        for alias in item["aliases"]:
            _alias(DistrictAlias, "district", unit, alias, preview, UNITS, item)
    for item in preview.investors:
        investor = Investor.objects.filter(code=item["code"]).first() or Investor(code=item["code"])
        for name in _INVESTOR_FIELDS:
            setattr(investor, name, item[name])
        investor.district = units.get(item["district"]) or District.objects.filter(code=item["district"]).first()
        set_history_user(investor, user)
        _save(investor, preview, INVESTORS, item)
        for alias in item["aliases"]:
            _alias(InvestorAlias, "investor", investor, alias, preview, INVESTORS, item)
    for item in preview.successions:
        model, unit_model = (
            (DistrictSuccession, District) if item["level"] == "district" else (InvestorSuccession, Investor)
        )
        predecessor = unit_model.objects.get(code=item["predecessor"])
        successor = unit_model.objects.get(code=item["successor"])
        row = model.objects.filter(predecessor=predecessor, successor=successor).first() or model(
            predecessor=predecessor, successor=successor
        )
        row.kind, row.effective_from, row.note = item["kind"], item["effective_from"], item["note"]
        set_history_user(row, user)
        row.save()
        if item["level"] == "district" and item["kind"] == SuccessionKind.MERGE:
            predecessor.successor = successor
            predecessor.save(update_fields=["successor"])
    return preview


def _save(instance, preview: MasterDataPreview, sheet: str, item: dict) -> None:
    try:
        instance.full_clean(exclude=["name_key", "successor", "parent", "district"])
    except ValidationError as exc:
        message = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
        raise ValidationError(str(MasterDataError(preview.file, sheet, item["row"], None, message))) from exc
    instance.save()


def _alias(model, unit_field: str, unit, name: str, preview: MasterDataPreview, sheet: str, item: dict) -> None:
    key = normalize_name(name)
    if key == unit.name_key:
        return
    existing = model.objects.filter(name_key=key).first()
    if existing is None:
        model.objects.create(name=name, **{unit_field: unit})
    elif getattr(existing, f"{unit_field}_id") != unit.pk:
        other = getattr(existing, unit_field)
        message = f"tên gọi khác '{name}' đã là của {other}."
        raise ValidationError(str(MasterDataError(preview.file, sheet, item["row"], None, message)))
