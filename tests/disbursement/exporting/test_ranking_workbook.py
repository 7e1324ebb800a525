"""The ranking workbook: one sheet per stream, formatted for forwarding, and re-importable."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from disbursement.exporting.services import ranking_workbook
from disbursement.figures.selectors import ranking
from disbursement.models import CapitalStream


def _open(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_sheets_titles_headers_and_formats(sample_snapshot):
    wb = _open(ranking_workbook(sample_snapshot.id))

    assert wb.sheetnames[0] == "Tổng hợp toàn thành phố"
    assert len(wb.sheetnames) == 3
    ws = wb.worksheets[1]
    titles = [ws.cell(row=r, column=1).value for r in range(1, 6)]
    assert "NĂM 2024" in titles[0]
    assert titles[2] == "(Số liệu tính đến hết ngày 20/7/2024)"
    assert "đang có hiệu lực tại ngày 20/07/2024" in titles[3]
    assert titles[4] == "Đơn vị tính: triệu đồng"
    header = [c.value for c in ws[7]]
    assert header[:5] == ["STT", "Chủ đầu tư", "Kế hoạch vốn", "Lũy kế giải ngân", "Tỷ lệ giải ngân (%)"]
    assert header[9:11] == ["Số liệu đến ngày", "Theo tệp"]
    assert ws.freeze_panes == "C8"
    assert ws.auto_filter.ref == "A7:K29"
    assert ws["C8"].number_format == "#,##0"
    assert ws["E8"].number_format == "0.00%"
    assert len(ws._charts) == 1


def test_rows_follow_the_ranking(sample_snapshot):
    wb = _open(ranking_workbook(sample_snapshot.id))
    stream = CapitalStream.objects.get(code="district_transfer")
    figures = list(ranking(sample_snapshot, stream))
    ws = wb.worksheets[2]
    names = [ws.cell(row=r, column=2).value for r in range(8, 8 + len(figures))]
    assert names == [f.district.display_name for f in figures]
    first = figures[0]
    assert ws["D8"].value * 10**6 == first.disbursed
    assert abs(ws["E8"].value - float(first.ratio) / 100) < 1e-9
    assert ws.cell(row=8 + len(figures), column=2).value == "Tổng cộng"


def test_citywide_summary_sheet(sample_snapshot):
    ws = _open(ranking_workbook(sample_snapshot.id)).worksheets[0]
    rows = {ws.cell(row=r, column=2).value: [ws.cell(row=r, column=c).value for c in (3, 4, 5)] for r in range(6, 14)}
    assert rows["Kế hoạch vốn thành phố giao"] == [19_972_741, 755_463, 19_217_278]
    assert rows["Giải ngân từ 01/01/2024 đến 20/7/2024"] == [6_086_143, 133_717, 5_952_426]
