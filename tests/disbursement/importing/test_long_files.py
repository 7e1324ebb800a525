"""A long file is checked line by line as it is read: what needs the whole file is still seen whole.

Nothing of a file is written unless all of it passes, wherever in it the error lies; a unit listed twice is
refused however far apart the two rows are; the preview counts every change, not only the ones it lists;
lines read before the sheet that dates the file are checked against that date.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from bench.workbooks import add_investors, unit_name
from disbursement.importing.scope import PREVIEW_CHANGES
from disbursement.models import AllocationRevision, SnapshotLine
from tests.builders import SECTION_A, Row, SectionSpec, WorkbookSpec, build_workbook
from tests.disbursement.importing.helpers import codes, run, written


def _rows(first: int, count: int) -> list[Row]:
    return [Row(unit_name(i), 1000 + i, 2000, 300, 400 + i % 7) for i in range(first, first + count)]


def _spec(rows: list[Row], **overrides) -> WorkbookSpec:
    return WorkbookSpec(sections=[SectionSpec("A", SECTION_A, rows)], **overrides)


def _as_sheet(title: str, spec: WorkbookSpec):
    """A sheet of its own in another workbook, holding the cells of the workbook `spec` builds."""

    def add(wb) -> None:
        source = load_workbook(io.BytesIO(build_workbook(spec))).active
        target = wb.create_sheet(title)
        for row in source.iter_rows():
            for cell in row:
                if cell.value is not None:
                    target.cell(row=cell.row, column=cell.column, value=cell.value)

    return add


def _row_of(data: bytes, sheet: str, name: str) -> int:
    ws = load_workbook(io.BytesIO(data), read_only=True)[sheet]
    return next(number for number, values in enumerate(ws.iter_rows(values_only=True), 1) if name in values)


def test_an_error_in_the_last_row_of_a_long_file_writes_nothing_and_names_its_cell(master_data):
    add_investors(1500)
    rows = _rows(0, 1500)
    rows[-1].plan_nsdp = -5
    data = build_workbook(_spec(rows))

    result = run(data, confirm_warnings=True)

    assert result.status == "failed"
    error = next(e for e in result.errors if e.code == "negative_amount")
    last = _row_of(data, "Giai ngan", unit_name(1499))
    assert (error.file, error.sheet, error.cell) == ("bao-cao.xlsx", "Giai ngan", f"E{last}")
    assert written() == (0, 0, 0, 0, 0)


def test_a_unit_listed_twice_far_apart_is_refused_at_its_second_row_naming_the_first(master_data):
    add_investors(1200)
    first_sheet = _spec(_rows(0, 1200))
    again = _spec([Row(unit_name(3), 10, 20, 1, 2)], sheet_title="Bo sung")
    data = build_workbook(WorkbookSpec(**{**vars(first_sheet), "extra_sheets": [_as_sheet("Bo sung", again)]}))

    result = run(data, confirm_warnings=True)

    assert result.status == "failed"
    (error,) = [e for e in result.errors if e.code == "duplicate_unit"]
    first = _row_of(data, "Giai ngan", unit_name(3))
    second = _row_of(data, "Bo sung", unit_name(3))
    assert (error.sheet, error.cell) == ("Bo sung", f"B{second}")
    assert f"lần đầu ở dòng {first}" in error.message
    assert written() == (0, 0, 0, 0, 0)


def test_the_preview_counts_every_change_beyond_those_it_lists(master_data):
    units = PREVIEW_CHANGES + 200
    add_investors(units)
    data = build_workbook(_spec(_rows(0, units)))

    preview = run(data, dry_run=True).summary

    assert (preview["units"], preview["changes_total"], len(preview["changes"])) == (units, units, PREVIEW_CHANGES)
    assert [c["unit"] for c in preview["changes"][:2]] == [unit_name(0), unit_name(1)]
    assert preview["changes"][-1]["unit"] == unit_name(PREVIEW_CHANGES - 1)
    # Two sources a unit, each a line and (first import) a plan revision.
    assert (preview["lines"], preview["plan_revisions"]) == (2 * units, 2 * units)
    assert preview["sections"][0]["disbursed"] == sum((300 + 400 + i % 7) * 10**6 for i in range(units))
    assert written() == (0, 0, 0, 0, 0)

    result = run(data, confirm_warnings=True)

    assert result.status == "imported"
    assert SnapshotLine.objects.count() == AllocationRevision.objects.count() == 2 * units
    assert AllocationRevision.history.model.objects.count() == 2 * units


def test_lines_read_before_the_sheet_that_dates_the_file_are_checked_against_its_date(master_data):
    add_investors(40)
    undated = _spec(_rows(0, 20), date_line=None)
    dated = _spec(_rows(20, 20), sheet_title="Dot 2", date_line="(Số liệu tính đến hết ngày 31/7/2024)")
    data = build_workbook(WorkbookSpec(**{**vars(undated), "extra_sheets": [_as_sheet("Dot 2", dated)]}))

    result = run(data, confirm_warnings=True)

    assert result.status == "imported", codes(result.errors)
    assert result.snapshot.as_of == dt.date(2024, 7, 31)
    assert result.summary["units"] == 40
    assert SnapshotLine.objects.filter(snapshot=result.snapshot, sheet="Giai ngan").count() == 2 * 20


def test_a_file_listing_every_unit_twice_names_each_units_first_row(master_data):
    add_investors(300)
    spec = _spec(_rows(0, 300))
    data = build_workbook(WorkbookSpec(**{**vars(spec), "extra_sheets": [_as_sheet("Ban sao", spec)]}))

    result = run(data, confirm_warnings=True)

    duplicates = [e for e in result.errors if e.code == "duplicate_unit"]
    assert len(duplicates) == 300 and {e.sheet for e in duplicates} == {"Ban sao"}
    for i in (0, 150, 299):
        row = _row_of(data, "Giai ngan", unit_name(i))
        (error,) = [e for e in duplicates if f"'{unit_name(i)}'" in e.message]
        assert (error.cell, f"lần đầu ở dòng {row})" in error.message) == (f"B{row}", True)
    assert written() == (0, 0, 0, 0, 0)
