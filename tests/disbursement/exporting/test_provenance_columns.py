"""Each exported unit says the date of its data and its file; a unit that has not reported is never 0."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from disbursement.exporting.services import ranking_csv, ranking_workbook
from districts.models import District
from tests.provenance import FILE_NAME, SENDER, make_partial


@pytest.fixture
def partial(sample_snapshot):
    """On 20/07/2024 An Lão has not reported this year; Kiến Thụy's latest report is of 13/07/2024."""
    return make_partial(
        sample_snapshot,
        not_reported=District.objects.get(name="An Lão"),
        carried=District.objects.get(name="Kiến Thụy"),
        carried_on=dt.date(2024, 7, 13),
    )


def _csv(snapshot) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(ranking_csv(snapshot.id, "district_transfer").decode("utf-8-sig"))))
    return {row["Đơn vị"]: row for row in rows}


def test_csv_gives_each_units_data_date_and_file(sample_snapshot, partial):
    rows = _csv(sample_snapshot)
    kien_thuy, do_son, an_lao = rows["huyện Kiến Thụy"], rows["quận Đồ Sơn"], rows["huyện An Lão"]
    assert kien_thuy["Số liệu đến hết ngày"] == "2024-07-20"
    assert kien_thuy["Số liệu đến ngày"] == "2024-07-13" and do_son["Số liệu đến ngày"] == "2024-07-20"
    assert FILE_NAME in kien_thuy["Theo tệp"] and SENDER in kien_thuy["Theo tệp"]
    assert an_lao["Lũy kế giải ngân (triệu đồng)"] == "" and an_lao["Tỷ lệ giải ngân (%)"] == ""
    assert an_lao["Tình trạng báo cáo"] == "chưa báo cáo"
    assert an_lao["Số liệu đến ngày"] == "" and an_lao["Theo tệp"] == ""


def test_workbook_marks_partial_totals_and_unreported_units(sample_snapshot, partial):
    wb = load_workbook(io.BytesIO(ranking_workbook(sample_snapshot.id, stream_code="district_transfer")))
    summary, ws = wb.worksheets[0], wb.worksheets[1]
    summary_text = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("tổng các báo cáo đã nhận" in text.lower() for text in summary_text)
    titles = [ws.cell(row=r, column=1).value or "" for r in range(1, 8)]
    assert any("14/15 đơn vị đã báo cáo" in title for title in titles)

    header_row = next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == "STT")
    header = [c.value for c in ws[header_row]]
    rows = {
        ws.cell(row=r, column=2).value: {header[c - 1]: ws.cell(row=r, column=c).value for c in range(1, 12)}
        for r in range(header_row + 1, ws.max_row + 1)
    }
    an_lao, kien_thuy = rows["huyện An Lão"], rows["huyện Kiến Thụy"]
    assert an_lao["Lũy kế giải ngân"] == "chưa báo cáo" and an_lao["Tỷ lệ giải ngân (%)"] is None
    assert kien_thuy["Số liệu đến ngày"].date() == dt.date(2024, 7, 13)
    assert FILE_NAME in kien_thuy["Theo tệp"]
    total = next(name for name in rows if name and name.startswith("Tổng cộng"))
    assert "tổng các báo cáo đã nhận" in total
