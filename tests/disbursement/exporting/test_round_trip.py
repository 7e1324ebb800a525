"""An exported ranking workbook imports back to the same figures."""

from __future__ import annotations

import io

from disbursement.exporting.services import ranking_workbook
from disbursement.figures.selectors import city_figure, ranking, stream_figures
from disbursement.figures.services import compute_snapshot
from disbursement.importing.services import import_workbook
from disbursement.models import Allocation, AllocationRevision, CityPlan, CityPlanRevision, Snapshot


def _figures(snapshot):
    city = city_figure(snapshot)
    result = {"city": (city.disbursed, city.plan, city.plan_pm, city.ratio)}
    for stream_figure in stream_figures(snapshot):
        stream = stream_figure.stream
        result[stream.code] = (stream_figure.disbursed, stream_figure.plan, stream_figure.ratio)
        for figure in ranking(snapshot, stream):
            unit = figure.investor or figure.district
            result[(stream.code, unit.code)] = (figure.disbursed, figure.plan, figure.ratio, figure.rank)
    return result


def test_export_then_import_gives_the_same_figures(sample_snapshot):
    before = _figures(sample_snapshot)
    exported = ranking_workbook(sample_snapshot.id)

    # Start from an empty year: only the exported file is left to tell the figures.
    AllocationRevision.objects.all().delete()
    Allocation.objects.all().delete()
    CityPlanRevision.objects.all().delete()
    CityPlan.objects.all().delete()
    Snapshot.objects.all().delete()

    result = import_workbook(io.BytesIO(exported), file_name="xep-hang.xlsx")
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings]
    assert result.snapshot.as_of == sample_snapshot.as_of
    compute_snapshot(result.snapshot.id)

    assert _figures(result.snapshot) == before


def test_ratios_written_as_percent_cells_are_read_as_percent(sample_snapshot):
    from disbursement.models import SnapshotLine

    exported = ranking_workbook(sample_snapshot.id)
    Snapshot.objects.all().delete()
    result = import_workbook(io.BytesIO(exported), file_name="xep-hang.xlsx")
    assert result.status == "imported"
    line = SnapshotLine.objects.get(snapshot=result.snapshot, district__code="314")
    from decimal import Decimal

    assert abs(line.stated_ratio - Decimal(line.disbursed * 100) / Decimal(line.stated_plan)) < Decimal("0.0001")
