"""The shipped sample imports, and importing it again changes nothing."""

from __future__ import annotations

import datetime as dt

from disbursement.importing.services import import_workbook
from disbursement.models import AllocationRevision, CityDisbursement, CityPlanRevision, Snapshot, SnapshotLine
from tests.builders import SAMPLE_WORKBOOK


def _counts():
    return (
        Snapshot.objects.count(),
        SnapshotLine.objects.count(),
        AllocationRevision.objects.count(),
        CityPlanRevision.objects.count(),
        CityDisbursement.objects.count(),
    )


def test_sample_imports_with_its_streams_sources_and_city_sheet(master_data, staff_user):
    result = import_workbook(SAMPLE_WORKBOOK, file_name=SAMPLE_WORKBOOK.name, user=staff_user, confirm_warnings=True)

    assert result.status == "imported", [str(e) for e in result.errors]
    snapshot = result.snapshot
    assert (snapshot.year, snapshot.as_of) == (2024, dt.date(2024, 7, 20))
    assert snapshot.imported_by == staff_user
    lines = SnapshotLine.objects.filter(snapshot=snapshot)
    assert lines.filter(stream__code="city_assigned").values("investor").distinct().count() == 22
    assert lines.filter(stream__code="district_transfer").values("district").distinct().count() == 15
    # The traffic board has both sources; 80.517 + 1.023.713 triệu đồng disbursed.
    board = lines.filter(investor__code="BQL-GT")
    assert {line.source.code: line.disbursed for line in board} == {"nstw": 80_517 * 10**6, "nsdp": 1_023_713 * 10**6}
    kien_thuy = lines.get(stream__code="district_transfer", district__code="314")
    assert (kien_thuy.source.code, kien_thuy.disbursed, kien_thuy.stated_plan) == (
        "nsdp",
        183_384 * 10**6,
        270_020 * 10**6,
    )
    city = {c.source.code: c.disbursed for c in CityDisbursement.objects.filter(snapshot=snapshot)}
    assert city == {"nstw": 133_717 * 10**6, "nsdp": 5_952_426 * 10**6}
    levels = {
        (r.plan.level, r.plan.source.code): r.amount for r in CityPlanRevision.objects.select_related("plan__source")
    }
    assert levels[("pm", "nsdp")] == 16_263_735 * 10**6
    assert levels[("city", "nsdp")] == 19_217_278 * 10**6
    revision = AllocationRevision.objects.get(allocation__investor__code="SYT", allocation__source__code="nsdp")
    assert (revision.amount, revision.effective_from) == (40 * 10**6, dt.date(2024, 1, 1))


def test_same_file_twice_is_recognised_and_changes_nothing(master_data):
    first = import_workbook(SAMPLE_WORKBOOK, file_name=SAMPLE_WORKBOOK.name, confirm_warnings=True)
    assert first.status == "imported"
    before = _counts()

    again = import_workbook(SAMPLE_WORKBOOK, file_name="ban-sao.xlsx", confirm_warnings=True)

    assert again.status == "duplicate"
    assert again.snapshot == first.snapshot
    assert _counts() == before
    assert Snapshot.objects.get().is_current
