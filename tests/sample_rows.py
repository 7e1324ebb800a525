"""The shipped 20/7/2024 sample as database rows, read at fixed cell positions of its workbook.

A reading of one known file that does not go through the importer, so the engine and the
report are checked against the workbook itself. Master data, citywide plans and the 2023
same-period snapshot come from haiphong.json through the sample loader; the figures the city
published, to compare with, from published-2024-07-20.json.

The workbook's subtotal of targeted capital to districts (row 32) says 1.513.543 triệu đồng,
as do its 15 rows; the published report says 1.513,544 tỷ đồng. The rows are loaded, so the
stream total is the sum of the rows, 1 triệu đồng below the published figure.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import openpyxl

from core.money import TRIEU, to_dong
from disbursement.figures.services import compute_snapshot
from disbursement.models import BudgetSource, CapitalStream, CityDisbursement, Snapshot, SnapshotLine, StatedSubtotal
from disbursement.plans.services import revise_allocation
from disbursement.sample.loader import SAMPLE_DIR, load_master_data
from disbursement.snapshots.services import create_snapshot
from districts.selectors import find_district
from investors.selectors import find_investor

WORKBOOK = SAMPLE_DIR / "giai-ngan-2024-07-20.xlsx"
PUBLISHED = SAMPLE_DIR / "published-2024-07-20.json"

AS_OF = dt.date(2024, 7, 20)
UNITS_SHEET = "Giai ngan 20.7.2024"
CITY_SHEET = "Tong hop toan thanh pho"
# Section A (projects assigned by the city, by investor): heading row 9, rows 10-31;
# section B (targeted capital to districts): heading row 32, rows 33-47.
SECTIONS = [(CapitalStream.CITY_ASSIGNED, 9, range(10, 32)), (CapitalStream.DISTRICT_TRANSFER, 32, range(33, 48))]
# Columns: B name, C plan total, D/E plan NSTW/NSĐP, F disbursed total, G/H disbursed NSTW/NSĐP, I ratio %.
SOURCE_COLUMNS = {BudgetSource.CENTRAL: ("D", "G"), BudgetSource.LOCAL: ("E", "H")}
CITY_DISBURSED_ROW = 8
CITY_SOURCE_COLUMNS = {BudgetSource.CENTRAL: "D", BudgetSource.LOCAL: "E"}


@dataclass
class Sample:
    snapshot: Snapshot
    last_year: Snapshot
    published: dict


def published() -> dict:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


def _amount(sheet, column: str, row: int) -> int:
    return to_dong(sheet[f"{column}{row}"].value or 0, TRIEU)


def load_sample_rows(*, compute: bool = True) -> Sample:
    """Master data, plans, last year's citywide snapshot and the 20/7/2024 snapshot, computed unless asked not to."""
    last_year = load_master_data().snapshots[0]
    workbook = openpyxl.load_workbook(WORKBOOK, data_only=True)
    units, city = workbook[UNITS_SHEET], workbook[CITY_SHEET]
    sources = {source.code: source for source in BudgetSource.objects.all()}
    snapshot = create_snapshot(year=AS_OF.year, as_of=AS_OF, file_name=WORKBOOK.name)
    for code, column in CITY_SOURCE_COLUMNS.items():
        CityDisbursement.objects.create(
            snapshot=snapshot, source=sources[code], disbursed=_amount(city, column, CITY_DISBURSED_ROW)
        )

    for stream_code, heading, rows in SECTIONS:
        stream = CapitalStream.objects.get(code=stream_code)
        StatedSubtotal.objects.create(
            snapshot=snapshot,
            stream=stream,
            disbursed=_amount(units, "F", heading),
            plan=_amount(units, "C", heading),
            stated_ratio=Decimal(str(units[f"I{heading}"].value)),
            sheet=UNITS_SHEET,
            row=heading,
        )
        role = "investor" if stream.ranks_investors else "district"
        for row in rows:
            name = units[f"B{row}"].value
            unit = find_investor(name) if role == "investor" else find_district(name, on=AS_OF)
            if unit is None:
                raise LookupError(f"{UNITS_SHEET}!B{row}: '{name}' is not in the master data")
            for code, (plan_column, disbursed_column) in SOURCE_COLUMNS.items():
                plan, disbursed = _amount(units, plan_column, row), _amount(units, disbursed_column, row)
                if not plan and not disbursed:
                    continue
                revise_allocation(
                    year=AS_OF.year,
                    stream=stream,
                    source=sources[code],
                    amount=plan,
                    effective_from=dt.date(AS_OF.year, 1, 1),
                    **{role: unit},
                )
                SnapshotLine.objects.create(
                    snapshot=snapshot,
                    stream=stream,
                    source=sources[code],
                    disbursed=disbursed,
                    stated_plan=plan,
                    stated_ratio=Decimal(str(units[f"I{row}"].value)),
                    sheet=UNITS_SHEET,
                    row=row,
                    **{role: unit},
                )
    if compute:
        compute_snapshot(last_year.id)
        compute_snapshot(snapshot.id)
    return Sample(snapshot=snapshot, last_year=last_year, published=published())
