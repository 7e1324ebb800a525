"""CSV export, neutralised text, and the blank template."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from disbursement.exporting.services import blank_template, ranking_csv, ranking_workbook
from disbursement.importing.services import import_workbook
from investors.models import Investor


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_bom_plain_numbers_and_all_streams(sample_snapshot):
    rows = _rows(ranking_csv(sample_snapshot.id))
    assert rows[0][:3] == ["Dòng vốn", "Xếp hạng", "Đơn vị"]
    assert len(rows) == 1 + 22 + 15
    kien_thuy = next(r for r in rows if r[2] == "huyện Kiến Thụy")
    assert kien_thuy[3:5] == ["270020", "183384"]
    assert kien_thuy[5].startswith("67.9")
    assert kien_thuy[9] == "2024-07-20"


def test_csv_of_one_stream(sample_snapshot):
    rows = _rows(ranking_csv(sample_snapshot.id, "district_transfer"))
    assert len(rows) == 1 + 15
    assert {r[0] for r in rows[1:]} == {"Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện"}


def test_text_that_looks_like_a_formula_is_neutralised(sample_snapshot):
    Investor.objects.filter(code="SYT").update(name='=HYPERLINK("http://x","Sở Y tế")')
    rows = _rows(ranking_csv(sample_snapshot.id, "city_assigned"))
    assert '\'=HYPERLINK("http://x","Sở Y tế")' in [r[2] for r in rows]
    wb = load_workbook(io.BytesIO(ranking_workbook(sample_snapshot.id)))
    values = [c.value for row in wb.worksheets[1].iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x","Sở Y tế")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_blank_template_has_the_import_layout_and_imports_once_filled(db):
    from tests.builders import load_master_data

    load_master_data()
    wb = load_workbook(io.BytesIO(blank_template()))
    ws = wb["Giai ngan"]
    assert ws["B5"].value == "Chủ đầu tư / Đơn vị"
    assert ws["A8"].value == "A" and ws["A10"].value == "B"
    ws["A2"] = "(Số liệu tính đến hết ngày 20/7/2024)"
    ws["A9"], ws["B9"], ws["C9"], ws["E9"], ws["F9"], ws["H9"] = 1, "Sở Y tế", 40, 40, 10, 10
    out = io.BytesIO()
    wb.save(out)
    result = import_workbook(io.BytesIO(out.getvalue()), file_name="mau.xlsx")
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings]
    assert result.snapshot.lines.get().disbursed == 10 * 10**6
