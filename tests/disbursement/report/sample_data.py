"""The 20/7/2024 sample as database rows, read at fixed cell positions of the sample workbook.

Master data and citywide plans come from haiphong.json; the 2023 same-period
snapshot from its city_snapshots. Writes go through the plans and snapshots
services, then the figures are computed as in production.

The workbook's subtotal of targeted capital to districts (row 32) says
1.513.543 triệu đồng, as do its 15 rows; the published report says
1.513,544 tỷ đồng. The rows are loaded, so the stream total is the sum of
the rows, 1 triệu đồng below the published figure.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl

from core.money import TRIEU, to_dong
from disbursement.figures.services import compute_snapshot
from disbursement.models import BudgetSource, CapitalStream, CityDisbursement, Snapshot, SnapshotLine
from disbursement.plans.services import revise_allocation, revise_city_plan
from disbursement.snapshots.services import create_snapshot
from districts.models import District, DistrictAlias
from districts.selectors import find_district
from investors.models import Investor, InvestorAlias
from investors.selectors import find_investor

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "disbursement" / "sample"
WORKBOOK = SAMPLE_DIR / "giai-ngan-2024-07-20.xlsx"
MASTER = SAMPLE_DIR / "haiphong.json"
PUBLISHED = SAMPLE_DIR / "published-2024-07-20.json"

AS_OF = dt.date(2024, 7, 20)
UNITS_SHEET = "Giai ngan 20.7.2024"
CITY_SHEET = "Tong hop toan thanh pho"
INVESTOR_ROWS = range(10, 32)  # section A: projects assigned by the city, by investor
DISTRICT_ROWS = range(33, 48)  # section B: targeted capital to districts
# Column of the plan and of the disbursement, per budget source.
SOURCE_COLUMNS = {"nstw": ("D", "G"), "nsdp": ("E", "H")}
CITY_DISBURSED_ROW = 8
CITY_SOURCE_COLUMNS = {"nstw": "D", "nsdp": "E"}


def published() -> dict:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


def load_master() -> dict:
    master = json.loads(MASTER.read_text(encoding="utf-8"))
    districts = {}
    for row in master["districts"]:
        district = District.objects.create(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            order=row.get("order", 0),
            valid_from=dt.date.fromisoformat(row.get("valid_from", "2000-01-01")),
            valid_to=dt.date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None,
        )
        districts[row["code"]] = district
        for alias in row.get("aliases", []):
            DistrictAlias.objects.create(district=district, name=alias)
    for row in master["districts"]:
        if row.get("successor"):
            District.objects.filter(pk=districts[row["code"]].pk).update(successor=districts[row["successor"]])
    for row in master["investors"]:
        investor = Investor.objects.create(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            short_name=row.get("short_name", ""),
            head_name=row.get("head_name", ""),
            district=districts.get(row.get("district")),
        )
        for alias in row.get("aliases", []):
            InvestorAlias.objects.create(investor=investor, name=alias)
    sources = {s.code: s for s in BudgetSource.objects.all()}
    for row in master["city_plans"]:
        revise_city_plan(
            year=row["year"],
            level=row["level"],
            source=sources[row["source"]],
            amount=to_dong(row["amount_trieu"], TRIEU),
            effective_from=dt.date.fromisoformat(row["effective_from"]),
            note=row.get("note", ""),
        )
    return master


def load_same_period(master: dict) -> Snapshot:
    sources = {s.code: s for s in BudgetSource.objects.all()}
    row = master["city_snapshots"][0]
    snapshot = create_snapshot(year=row["year"], as_of=dt.date.fromisoformat(row["as_of"]), note=row.get("note", ""))
    for code, amount in row["disbursed_trieu"].items():
        CityDisbursement.objects.create(snapshot=snapshot, source=sources[code], disbursed=to_dong(amount, TRIEU))
    compute_snapshot(snapshot.id)
    return snapshot


def _cell(sheet, column: str, row: int) -> int:
    return to_dong(sheet[f"{column}{row}"].value or 0, TRIEU)


def load_workbook_snapshot() -> Snapshot:
    workbook = openpyxl.load_workbook(WORKBOOK, data_only=True)
    units, city = workbook[UNITS_SHEET], workbook[CITY_SHEET]
    sources = {s.code: s for s in BudgetSource.objects.all()}
    snapshot = create_snapshot(year=AS_OF.year, as_of=AS_OF, file_name=WORKBOOK.name)
    for code, column in CITY_SOURCE_COLUMNS.items():
        CityDisbursement.objects.create(
            snapshot=snapshot, source=sources[code], disbursed=_cell(city, column, CITY_DISBURSED_ROW)
        )

    sections = [
        (CapitalStream.objects.get(code=CapitalStream.CITY_ASSIGNED), INVESTOR_ROWS, "investor"),
        (CapitalStream.objects.get(code=CapitalStream.DISTRICT_TRANSFER), DISTRICT_ROWS, "district"),
    ]
    for stream, rows, role in sections:
        for row in rows:
            name = units[f"B{row}"].value
            unit = find_investor(name) if role == "investor" else find_district(name, on=AS_OF)
            if unit is None:
                raise LookupError(f"{UNITS_SHEET}!B{row}: '{name}' is not in the master data")
            for code, (plan_column, disbursed_column) in SOURCE_COLUMNS.items():
                plan, disbursed = _cell(units, plan_column, row), _cell(units, disbursed_column, row)
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
                    sheet=UNITS_SHEET,
                    row=row,
                    **{role: unit},
                )
    compute_snapshot(snapshot.id)
    return snapshot


def load_sample() -> Snapshot:
    """Load everything and return the computed 20/7/2024 snapshot."""
    master = load_master()
    load_same_period(master)
    return load_workbook_snapshot()
