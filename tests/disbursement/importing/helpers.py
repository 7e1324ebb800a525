from __future__ import annotations

import io

from disbursement.importing.services import import_workbook
from disbursement.models import AllocationRevision, CityDisbursement, CityPlanRevision, Snapshot, SnapshotLine


def run(data: bytes, name: str = "bao-cao.xlsx", **kwargs):
    return import_workbook(io.BytesIO(data), file_name=name, **kwargs)


def written() -> tuple[int, ...]:
    """Row counts of everything an import writes."""
    return (
        Snapshot.objects.count(),
        SnapshotLine.objects.count(),
        AllocationRevision.objects.count(),
        CityPlanRevision.objects.count(),
        CityDisbursement.objects.count(),
    )


def disbursed_by_unit(snapshot) -> dict[str, int]:
    """Total disbursed per unit code (investor code or district code), all sources."""
    totals: dict[str, int] = {}
    for line in SnapshotLine.objects.filter(snapshot=snapshot).select_related("investor", "district"):
        code = line.investor.code if line.investor_id else line.district.code
        totals[code] = totals.get(code, 0) + line.disbursed
    return totals


def codes(issues) -> list[str]:
    return [issue.code for issue in issues]
