"""Load the shipped Hải Phòng sample: master data, citywide plans, snapshots.

Idempotent: running it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.money import TRIEU, to_dong
from core.succession import SuccessionKind
from disbursement.figures.services import compute_snapshot
from disbursement.importing.master_data import import_master_data
from disbursement.importing.services import import_workbook
from disbursement.models import BudgetSource, CityDisbursement, CityPlanRevision, Snapshot, Submission
from disbursement.plans.services import revise_city_plan
from disbursement.snapshots.services import create_snapshot
from districts.models import District, DistrictAlias, DistrictSuccession
from investors.models import Investor, InvestorAlias

SAMPLE_DIR = Path(__file__).resolve().parent
MASTER_FILE = SAMPLE_DIR / "haiphong.json"
# The units as they are since 2025 (communes, wards, special zones, merged departments) and their
# successions, in the layout staff use for master data (python manage.py import_master_data).
UNITS_2025_FILE = SAMPLE_DIR / "danh-muc-don-vi-2025.xlsx"


@dataclass
class LoadReport:
    districts: int = 0
    investors: int = 0
    plan_revisions: int = 0
    snapshots: list[Snapshot] = field(default_factory=list)
    workbooks: list[str] = field(default_factory=list)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def read_master() -> dict:
    return json.loads(MASTER_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def load_master_data(master: dict | None = None, *, city_plans: bool = True, city_snapshots: bool = True) -> LoadReport:
    """Districts, investors, aliases and, unless turned off, citywide plans and citywide-only snapshots."""
    master = master or read_master()
    report = LoadReport()
    by_code: dict[str, District] = {}
    for item in master["districts"]:
        district, created = District.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "kind": item["kind"],
                "order": item.get("order", 0),
                "valid_from": _date(item.get("valid_from")) or dt.date(2000, 1, 1),
                "valid_to": _date(item.get("valid_to")),
            },
        )
        report.districts += created
        by_code[district.code] = district
        for alias in item.get("aliases", []):
            DistrictAlias.objects.get_or_create(district=district, name=alias)
    for item in master["districts"]:
        if item.get("successor"):
            district = by_code[item["code"]]
            district.successor = by_code[item["successor"]]
            district.save(update_fields=["successor"])
            DistrictSuccession.objects.get_or_create(
                predecessor=district,
                successor=district.successor,
                defaults={
                    "kind": SuccessionKind.MERGE,
                    "effective_from": (district.valid_to + dt.timedelta(days=1))
                    if district.valid_to
                    else district.successor.valid_from,
                },
            )

    for item in master["investors"]:
        investor, created = Investor.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "short_name": item.get("short_name", ""),
                "kind": item["kind"],
                "district": by_code.get(item.get("district")),
                "head_name": item.get("head_name", ""),
                "head_email": item.get("head_email", ""),
            },
        )
        report.investors += created
        for alias in item.get("aliases", []):
            InvestorAlias.objects.get_or_create(investor=investor, name=alias)

    sources = {s.code: s for s in BudgetSource.objects.all()}
    for item in master["city_plans"] if city_plans else []:
        amount = to_dong(item["amount_trieu"], TRIEU)
        effective = _date(item["effective_from"])
        exists = CityPlanRevision.objects.filter(
            plan__year=item["year"],
            plan__level=item["level"],
            plan__source=sources[item["source"]],
            effective_from=effective,
            amount=amount,
        ).exists()
        if not exists:
            revise_city_plan(
                year=item["year"],
                level=item["level"],
                source=sources[item["source"]],
                amount=amount,
                effective_from=effective,
                note=item.get("note", ""),
            )
            report.plan_revisions += 1

    for item in master.get("city_snapshots", []) if city_snapshots else []:
        as_of = _date(item["as_of"])
        if Snapshot.objects.current().filter(year=item["year"], as_of=as_of).exists():
            continue
        snapshot = create_snapshot(
            year=item["year"], as_of=as_of, file_name=MASTER_FILE.name, note=item.get("note", "")
        )
        submission = Submission.objects.create(
            year=item["year"],
            as_of=as_of,
            file_name=MASTER_FILE.name,
            sender=item.get("sender", ""),
            snapshot=snapshot,
            states_city=True,
            note=item.get("note", "")[:500],
        )
        for code, amount in item["disbursed_trieu"].items():
            CityDisbursement.objects.create(
                snapshot=snapshot, source=sources[code], disbursed=to_dong(amount, TRIEU), submission=submission
            )
        report.snapshots.append(snapshot)
    return report


def load_sample(*, user=None) -> LoadReport:
    """Master data, then the sample workbooks through the ordinary import, then compute."""
    master = read_master()
    report = load_master_data(master)
    units = import_master_data(UNITS_2025_FILE.read_bytes(), UNITS_2025_FILE.name, confirm=True, user=user)
    if not units.ok:
        raise RuntimeError(f"Không nhập được tệp mẫu {UNITS_2025_FILE.name}: {'; '.join(map(str, units.errors))}")
    for name in master.get("workbooks", []):
        path = SAMPLE_DIR / name
        with path.open("rb") as handle:
            result = import_workbook(handle, file_name=name, user=user, confirm_warnings=True)
        if result.status not in {"imported", "duplicate"}:
            messages = "; ".join(issue.message for issue in result.errors)
            raise RuntimeError(f"Không nhập được tệp mẫu {name}: {messages}")
        report.workbooks.append(f"{name}: {result.status}")
    for snapshot in Snapshot.objects.current().order_by("as_of"):
        compute_snapshot(snapshot.id)
    return report
