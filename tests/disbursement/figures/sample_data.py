"""The shipped 20/7/2024 sample as database rows, read straight from the workbook.

Fixed cell positions: this is a test fixture for one known file, not an importer.
Amounts in the workbook are triệu đồng; master data and citywide plans come from
haiphong.json; the published figures to compare with from published-2024-07-20.json.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl

from core.money import TRIEU, parse_vn_decimal, to_dong
from core.names import normalize_name
from disbursement.models import (
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    CityDisbursement,
    CityPlan,
    CityPlanRevision,
    Snapshot,
    SnapshotLine,
    StatedSubtotal,
)
from disbursement.models.plans import Allocation
from districts.models import District, DistrictAlias
from investors.models import Investor, InvestorAlias
from investors.selectors import investor_name_index

SAMPLE_DIR = Path(__file__).resolve().parents[3] / "disbursement" / "sample"
WORKBOOK = SAMPLE_DIR / "giai-ngan-2024-07-20.xlsx"
MASTER = SAMPLE_DIR / "haiphong.json"
PUBLISHED = SAMPLE_DIR / "published-2024-07-20.json"

AS_OF = dt.date(2024, 7, 20)
# Sheet 1: section A heading row 9, investor rows 10-31; section B heading row 32, district rows 33-47.
SECTIONS = [("city_assigned", 9, range(10, 32)), ("district_transfer", 32, range(33, 48))]
# Columns: B name, C/D/E plan total/NSTW/NSĐP, F/G/H disbursed total/NSTW/NSĐP, I ratio %.


@dataclass
class Sample:
    snapshot: Snapshot
    last_year: Snapshot
    published: dict


def published() -> dict:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


def vn(text: str) -> Decimal:
    return parse_vn_decimal(text)


def _master_data(master: dict) -> None:
    for item in master["districts"]:
        district = District.objects.create(
            code=item["code"],
            name=item["name"],
            kind=item["kind"],
            order=item.get("order", 0),
            valid_from=dt.date.fromisoformat(item.get("valid_from", "2000-01-01")),
            valid_to=dt.date.fromisoformat(item["valid_to"]) if item.get("valid_to") else None,
        )
        for alias in item.get("aliases", []):
            DistrictAlias.objects.create(district=district, name=alias)
    by_code = {d.code: d for d in District.objects.all()}
    for item in master["investors"]:
        investor = Investor.objects.create(
            code=item["code"],
            name=item["name"],
            short_name=item.get("short_name", ""),
            kind=item["kind"],
            district=by_code.get(item.get("district")),
        )
        for alias in item.get("aliases", []):
            InvestorAlias.objects.create(investor=investor, name=alias)


def _city_plans(master: dict) -> None:
    sources = {s.code: s for s in BudgetSource.objects.all()}
    for item in master["city_plans"]:
        plan, _ = CityPlan.objects.get_or_create(year=item["year"], level=item["level"], source=sources[item["source"]])
        CityPlanRevision.objects.create(
            plan=plan,
            amount=to_dong(item["amount_trieu"], TRIEU),
            effective_from=dt.date.fromisoformat(item["effective_from"]),
        )


def _last_year(master: dict) -> Snapshot:
    sources = {s.code: s for s in BudgetSource.objects.all()}
    item = master["city_snapshots"][0]
    snapshot = Snapshot.objects.create(year=item["year"], as_of=dt.date.fromisoformat(item["as_of"]))
    for code, amount in item["disbursed_trieu"].items():
        CityDisbursement.objects.create(snapshot=snapshot, source=sources[code], disbursed=to_dong(amount, TRIEU))
    return snapshot


def _district_for(name: str) -> District:
    key = normalize_name(name)
    for district in District.objects.filter(valid_from__lte=AS_OF):
        if district.name_key == key and (district.valid_to is None or district.valid_to >= AS_OF):
            return district
    alias = DistrictAlias.objects.select_related("district").get(name_key=key)
    return alias.district


def load_sample_snapshot(*, with_allocations: bool = True) -> Sample:
    """Master data, plans, last year's citywide snapshot and the 20/7/2024 snapshot."""
    master = json.loads(MASTER.read_text(encoding="utf-8"))
    _master_data(master)
    _city_plans(master)
    last_year = _last_year(master)

    nstw = BudgetSource.objects.get(code=BudgetSource.CENTRAL)
    nsdp = BudgetSource.objects.get(code=BudgetSource.LOCAL)
    wb = openpyxl.load_workbook(WORKBOOK, data_only=True)
    units, city = wb.worksheets
    snapshot = Snapshot.objects.create(year=2024, as_of=AS_OF, file_name=WORKBOOK.name)
    # City sheet, row 8: disbursed total / NSTW / NSĐP.
    CityDisbursement.objects.create(snapshot=snapshot, source=nstw, disbursed=to_dong(city["D8"].value, TRIEU))
    CityDisbursement.objects.create(snapshot=snapshot, source=nsdp, disbursed=to_dong(city["E8"].value, TRIEU))

    investors = investor_name_index()
    for stream_code, heading, rows in SECTIONS:
        stream = CapitalStream.objects.get(code=stream_code)
        StatedSubtotal.objects.create(
            snapshot=snapshot,
            stream=stream,
            disbursed=to_dong(units[f"F{heading}"].value, TRIEU),
            plan=to_dong(units[f"C{heading}"].value, TRIEU),
            stated_ratio=Decimal(str(units[f"I{heading}"].value)),
            sheet=units.title,
            row=heading,
        )
        for row in rows:
            name = units[f"B{row}"].value
            if stream.ranks_investors:
                unit = {"investor": investors[normalize_name(name)]}
            else:
                unit = {"district": _district_for(name)}
            for source, plan_col, disbursed_col in ((nstw, "D", "G"), (nsdp, "E", "H")):
                plan = to_dong(units[f"{plan_col}{row}"].value, TRIEU)
                disbursed = to_dong(units[f"{disbursed_col}{row}"].value, TRIEU)
                if not plan and not disbursed:
                    continue
                if with_allocations:
                    allocation = Allocation.objects.create(year=2024, stream=stream, source=source, **unit)
                    AllocationRevision.objects.create(
                        allocation=allocation, amount=plan, effective_from=dt.date(2024, 1, 1)
                    )
                SnapshotLine.objects.create(
                    snapshot=snapshot,
                    stream=stream,
                    source=source,
                    disbursed=disbursed,
                    stated_plan=plan,
                    stated_ratio=Decimal(str(units[f"I{row}"].value)),
                    sheet=units.title,
                    row=row,
                    **unit,
                )
    return Sample(snapshot=snapshot, last_year=last_year, published=published())
