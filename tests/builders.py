"""The scenarios tests build: workbooks, the sample master data, and small years of figures.

`WorkbookSpec` describes a sender's layout (title, unit, header wording,
column order, source split, section labels); `build_workbook` writes it.
The default reproduces the shipped sample's layout.

The database scenarios (units, plans, snapshots, computed figures) are built
from the factories and through the services, as an import or the admin writes them.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from core.money import TY
from core.names import strip_diacritics
from core.notation import format_number
from disbursement.figures.services import compute_snapshot
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    Figure,
    Snapshot,
    SnapshotLine,
)
from disbursement.plans.services import revise_allocation
from disbursement.sample.loader import load_master_data as load_sample_master_data
from disbursement.snapshots.services import create_snapshot
from districts.models import District
from investors.models import Investor
from tests.factories import DistrictFactory, InvestorFactory, source, stream

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "disbursement" / "sample"
SAMPLE_WORKBOOK = SAMPLE_DIR / "giai-ngan-2024-07-20.xlsx"
SAMPLE_MASTER = SAMPLE_DIR / "haiphong.json"


def load_master_data(*, city_plans: bool = False) -> None:
    """Districts, investors and aliases of the sample city (optionally the city plans too)."""
    load_sample_master_data(city_plans=city_plans, city_snapshots=False)


@dataclass
class Row:
    """One unit row; amounts in the workbook's unit. nstw + nsdp = total when split."""

    name: str
    plan_nstw: Decimal | int = 0
    plan_nsdp: Decimal | int = 0
    disbursed_nstw: Decimal | int = 0
    disbursed_nsdp: Decimal | int = 0
    ratio: object = None  # None: computed from the figures

    @property
    def plan(self):
        return self.plan_nstw + self.plan_nsdp

    @property
    def disbursed(self):
        return self.disbursed_nstw + self.disbursed_nsdp


@dataclass
class SectionSpec:
    label: str
    title: str
    rows: list[Row]
    subtotal_override: dict | None = None  # e.g. {"disbursed": 123}


@dataclass
class WorkbookSpec:
    sections: list[SectionSpec]
    sheet_title: str = "Giai ngan"
    title: str = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2024"
    date_line: str | None = "(Số liệu tính đến hết ngày 20/7/2024)"
    unit_line: str | None = "Đơn vị tính: triệu đồng"
    split: bool = True
    diacritics: bool = True
    # Column order by key: stt, name, plan, plan_nstw, plan_nsdp, disbursed, disbursed_nstw, disbursed_nsdp, ratio, note
    columns: list[str] | None = None
    column_numbers: bool = True
    start_row: int = 1
    start_column: int = 1
    as_text: bool = False  # amounts written as Vietnamese-notation text
    decimals: int = 0
    city: dict | None = None  # {"pm": (nstw, nsdp), "city": (...), "disbursed": (...)}
    extra_sheets: list = field(default_factory=list)
    disbursed_header: str = "Giải ngân từ 01/01/2024 đến 20/7/2024"


SPLIT_COLUMNS = [
    "stt",
    "name",
    "plan",
    "plan_nstw",
    "plan_nsdp",
    "disbursed",
    "disbursed_nstw",
    "disbursed_nsdp",
    "ratio",
    "note",
]
UNSPLIT_COLUMNS = ["stt", "name", "plan", "disbursed", "ratio", "note"]

GROUP = {
    "plan": "Kế hoạch vốn năm 2024",
    "disbursed": "Giải ngân từ 01/01/2024 đến 20/7/2024",
}
SUB = {"": "Tổng số", "_nstw": "Trong đó: NSTW", "_nsdp": "Trong đó: NSĐP"}
SINGLE = {"stt": "STT", "name": "Chủ đầu tư / Đơn vị", "ratio": "Tỷ lệ giải ngân (%)", "note": "Ghi chú"}


def _strip(text: str, diacritics: bool) -> str:
    return text if diacritics else strip_diacritics(text)


def _amount(value, spec: WorkbookSpec):
    if value is None:
        return None
    if spec.as_text:
        return format_number(Decimal(value), spec.decimals)
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _ratio(row: Row):
    if row.ratio is not None:
        return row.ratio
    if not row.plan:
        return 0
    return round(float(Decimal(row.disbursed) * 100 / Decimal(row.plan)), 2)


def build_workbook(spec: WorkbookSpec) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet_title
    t = lambda text: _strip(text, spec.diacritics)  # noqa: E731
    columns = spec.columns or (SPLIT_COLUMNS if spec.split else UNSPLIT_COLUMNS)
    r = spec.start_row
    c0 = spec.start_column
    for line in (spec.title, spec.date_line, spec.unit_line):
        if line:
            ws.cell(row=r, column=c0, value=t(line))
            r += 1
    r += 1
    # Header: two rows when split (group + sub), one otherwise.
    two_rows = spec.split
    groups = {**GROUP, "disbursed": spec.disbursed_header}
    previous_base = None
    for index, key in enumerate(columns):
        col = c0 + index
        base, _, part = key.partition("_")
        if base in GROUP:
            if two_rows:
                # Adjacent columns of one group share a merged top cell; a scattered group repeats it.
                if base != previous_base:
                    ws.cell(row=r, column=col, value=t(groups[base]))
                    start = col
                    while start + 1 - c0 < len(columns) and columns[start + 1 - c0].partition("_")[0] == base:
                        start += 1
                    if start > col:
                        ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=start)
                ws.cell(row=r + 1, column=col, value=t(SUB["_" + part if part else ""]))
            else:
                ws.cell(row=r, column=col, value=t(groups[base]))
        else:
            ws.cell(row=r, column=col, value=t(SINGLE[key]))
            if two_rows:
                ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
        previous_base = base
    r += 2 if two_rows else 1
    if spec.column_numbers:
        for index in range(len(columns)):
            ws.cell(row=r, column=c0 + index, value=f"({index + 1})")
        r += 1

    def values_for(row: Row, label, name) -> dict:
        return {
            "stt": label,
            "name": name,
            "plan": row.plan,
            "plan_nstw": row.plan_nstw,
            "plan_nsdp": row.plan_nsdp,
            "disbursed": row.disbursed,
            "disbursed_nstw": row.disbursed_nstw,
            "disbursed_nsdp": row.disbursed_nsdp,
            "ratio": _ratio(row),
            "note": None,
        }

    for section in spec.sections:
        total = Row(
            section.title,
            sum((x.plan_nstw for x in section.rows), 0),
            sum((x.plan_nsdp for x in section.rows), 0),
            sum((x.disbursed_nstw for x in section.rows), 0),
            sum((x.disbursed_nsdp for x in section.rows), 0),
        )
        values = values_for(total, section.label, t(section.title))
        values.update(section.subtotal_override or {})
        _write_row(ws, r, c0, columns, values, spec)
        r += 1
        for number, row in enumerate(section.rows, start=1):
            _write_row(ws, r, c0, columns, values_for(row, number, t(row.name)), spec)
            r += 1
    if spec.city:
        _city_sheet(wb, spec)
    for extra in spec.extra_sheets:
        extra(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_row(ws, r, c0, columns, values, spec):
    for index, key in enumerate(columns):
        value = values[key]
        if key not in {"stt", "name", "note", "ratio"}:
            value = _amount(value, spec)
        ws.cell(row=r, column=c0 + index, value=value)


def _city_sheet(wb, spec: WorkbookSpec):
    ws = wb.create_sheet("Tong hop toan thanh pho")
    ws["A1"] = "TỔNG HỢP GIẢI NGÂN VỐN ĐẦU TƯ CÔNG TOÀN THÀNH PHỐ NĂM 2024"
    if spec.date_line:
        ws["A2"] = spec.date_line
    if spec.unit_line:
        ws["A3"] = spec.unit_line
    for col, text in zip(
        "ABCDE", ["STT", "Nội dung", "Tổng số", "Ngân sách trung ương", "Ngân sách địa phương"], strict=True
    ):
        ws[f"{col}5"] = text
    labels = {
        "pm": "Kế hoạch vốn Thủ tướng Chính phủ giao",
        "city": "Kế hoạch vốn thành phố giao",
        "disbursed": "Giải ngân từ 01/01/2024 đến 20/7/2024",
    }
    r = 6
    for number, (key, label) in enumerate(labels.items(), start=1):
        if key not in spec.city:
            continue
        nstw, nsdp = spec.city[key]
        ws.cell(row=r, column=1, value=number)
        ws.cell(row=r, column=2, value=label)
        ws.cell(row=r, column=3, value=_amount(nstw + nsdp, spec))
        ws.cell(row=r, column=4, value=_amount(nstw, spec))
        ws.cell(row=r, column=5, value=_amount(nsdp, spec))
        r += 1


INVESTOR_ROWS = [
    Row("Sở Nông nghiệp và Phát triển nông thôn", 0, 1752, 0, 1752),
    Row("UBND huyện An Lão", 0, 7120, 0, 6986),
    Row("Sở Y tế", 0, 40, 0, 0),
    Row("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông", 455463, 3456937, 80517, 1023713),
]
DISTRICT_ROWS = [
    Row("huyện Kiến Thụy", 0, 270020, 0, 183384),
    Row("huyện Tiên Lãng", 0, 162533, 0, 107902),
    Row("huyện Bạch Long Vĩ", 0, 41351, 0, 23785),
]
SECTION_A = "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN"
SECTION_B = "VỐN BỔ SUNG CÓ MỤC TIÊU CHO CÁC QUẬN, HUYỆN"


def small_spec(**overrides) -> WorkbookSpec:
    """A small workbook in the sample's layout: four investors, three districts, a city sheet."""
    spec = WorkbookSpec(
        sections=[
            SectionSpec("A", SECTION_A, [Row(**vars(x)) for x in INVESTOR_ROWS]),
            SectionSpec("B", SECTION_B, [Row(**vars(x)) for x in DISTRICT_ROWS]),
        ],
        city={"pm": (755463, 16263735), "city": (755463, 19217278), "disbursed": (133717, 5952426)},
    )
    for key, value in overrides.items():
        setattr(spec, key, value)
    return spec


# -- database scenarios ------------------------------------------------------

JAN_1 = dt.date(2024, 1, 1)


def local() -> BudgetSource:
    return source(BudgetSource.LOCAL)


def investors(n: int) -> list[Investor]:
    return [InvestorFactory() for _ in range(n)]


def districts(n: int) -> list[District]:
    return [DistrictFactory() for _ in range(n)]


def _unit_kwargs(unit) -> dict:
    return {"investor": unit} if isinstance(unit, Investor) else {"district": unit}


def _stream_for(unit, code: str | None) -> CapitalStream:
    if code:
        return stream(code)
    return stream(CapitalStream.CITY_ASSIGNED if isinstance(unit, Investor) else CapitalStream.DISTRICT_TRANSFER)


def allocate(unit, amount: int, *, effective: dt.date = JAN_1, stream_code: str | None = None, year: int = 2024):
    """A plan revision written directly, without asking for a recompute (test set-up)."""
    allocation, _ = Allocation.objects.get_or_create(
        year=year, stream=_stream_for(unit, stream_code), source=local(), project=None, **_unit_kwargs(unit)
    )
    return AllocationRevision.objects.create(allocation=allocation, amount=amount, effective_from=effective)


def revise(unit, amount: int, *, effective: dt.date, stream_code: str | None = None, year: int = 2024):
    """A plan revision through the service, as the admin or an import writes it: recomputes after commit."""
    return revise_allocation(
        year=year,
        stream=_stream_for(unit, stream_code),
        source=local(),
        amount=amount,
        effective_from=effective,
        **_unit_kwargs(unit),
    )


def snapshot(
    as_of: dt.date, amounts: dict, *, stream_code: str | None = None, year: int | None = None, file_name: str = ""
) -> Snapshot:
    """A snapshot with one line per unit (local budget), amounts in đồng."""
    snap = create_snapshot(year=year or as_of.year, as_of=as_of, file_name=file_name)
    for unit, amount in amounts.items():
        SnapshotLine.objects.create(
            snapshot=snap,
            stream=_stream_for(unit, stream_code),
            source=local(),
            disbursed=amount,
            **_unit_kwargs(unit),
        )
    return snap


def computed(snap: Snapshot) -> Snapshot:
    compute_snapshot(snap.id)
    snap.refresh_from_db()
    return snap


def unit_figure(snap: Snapshot, unit) -> Figure:
    return Figure.objects.of(snap).get(scope__in=["investor", "district"], source=None, **_unit_kwargs(unit))


def stream_figure(snap: Snapshot, code: str = CapitalStream.CITY_ASSIGNED) -> Figure:
    return Figure.objects.of(snap).get(scope=Figure.Scope.STREAM, stream=stream(code), source=None)


def figure_rows(snap: Snapshot) -> list[tuple]:
    """Every figure a snapshot reads, without ids and where each is stored, in a stable order."""
    fields = [f.attname for f in Figure._meta.concrete_fields if f.attname not in ("id", "snapshot_id", "until_id")]
    return sorted(
        Figure.objects.of(snap).values_list(*fields, "stream_average"),
        key=lambda row: tuple((v is None, str(v)) for v in row),
    )


def build_ranked_year() -> dict:
    """Two plan years of computed figures: three investors and two districts, snapshots in 2023 and 2024.

    Returns the objects the tests read back. Ratios on 20/07/2024: Sở A 60%, Sở B 25%, Sở C 0,5%;
    Sở B climbs above Sở C since 20/06/2024; huyện Một 40%, huyện Hai 10%.
    """
    ranked_investors = [InvestorFactory(name=f"Sở Thử nghiệm {letter}") for letter in "ABC"]
    ranked_districts = [DistrictFactory(name="Một"), DistrictFactory(name="Hai")]
    for year in (2023, 2024):
        for investor, plan in zip(ranked_investors, (100, 200, 1000), strict=True):
            allocate(investor, plan * TY, year=year, effective=dt.date(year, 1, 1))
        for district in ranked_districts:
            allocate(district, 500 * TY, year=year, effective=dt.date(year, 1, 1))
    # (as_of, disbursed of A, B, C in tỷ, of huyện Một, Hai)
    timeline = [
        (dt.date(2023, 6, 20), (20, 30, 50), (100, 20)),
        (dt.date(2023, 7, 20), (30, 40, 80), (150, 30)),
        (dt.date(2024, 6, 20), (40, 0, 5), (120, 40)),
        (dt.date(2024, 7, 20), (60, 50, 5), (200, 50)),
    ]
    snapshots = []
    for as_of, by_investor, by_district in timeline:
        amounts = {
            **{unit: amount * TY for unit, amount in zip(ranked_investors, by_investor, strict=True)},
            **{unit: amount * TY for unit, amount in zip(ranked_districts, by_district, strict=True)},
        }
        snapshots.append(computed(snapshot(as_of, amounts, file_name=f"giai-ngan-{as_of:%Y-%m-%d}.xlsx")))
    return {
        "investors": ranked_investors,
        "districts": ranked_districts,
        "snapshots": snapshots,
        "current": snapshots[-1],
    }


# -- the shipped sample files ----------------------------------------------


def import_sample_file(name: str, *, as_of: dt.date | None = None, sender: str = "", data: bytes | None = None):
    """Import one of the files shipped in disbursement/sample (or `data` under that name), accepting warnings."""
    from disbursement.importing.services import import_workbook
    from disbursement.sample.loader import SAMPLE_DIR

    content = data if data is not None else (SAMPLE_DIR / name).read_bytes()
    result = import_workbook(io.BytesIO(content), file_name=name, as_of=as_of, sender=sender, confirm_warnings=True)
    assert result.status == "imported", (name, [str(i) for i in result.errors])
    return result
