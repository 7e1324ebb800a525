from __future__ import annotations

import datetime as dt
import io

from disbursement.importing.services import import_workbook
from disbursement.models import AllocationRevision, CityDisbursement, CityPlanRevision, Snapshot, SnapshotLine
from tests.builders import Row, SectionSpec, WorkbookSpec, build_workbook


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


def one_section_file(day: dt.date, section: tuple[str, str], rows: list[Row]) -> bytes:
    """A workbook of one section (label, title) of unsplit rows, dated `day` in its title block."""
    when = f"{day.day}/{day.month}/{day.year}"
    return build_workbook(
        WorkbookSpec(
            sections=[SectionSpec(*section, rows)],
            title=f"BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM {day.year}",
            date_line=f"(Số liệu tính đến hết ngày {when})",
            disbursed_header=f"Giải ngân từ 01/01/{day.year} đến {when}",
            split=False,
            city=None,
        )
    )
