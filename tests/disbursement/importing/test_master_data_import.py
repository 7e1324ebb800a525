"""Master data (units, investors, other spellings, successions) from a workbook: preview, then all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from core.succession import SuccessionKind
from disbursement.importing.master_data import import_master_data
from districts.models import District, DistrictAlias, DistrictSuccession
from investors.models import Investor, InvestorSuccession
from tests.builders import SAMPLE_DIR

SAMPLE_UNITS = SAMPLE_DIR / "danh-muc-don-vi-2025.xlsx"


def _state() -> tuple:
    return (
        sorted(District.objects.values_list("code", "kind", "valid_from", "valid_to", "parent_id")),
        sorted(Investor.objects.values_list("code", "name", "valid_from", "valid_to", "head_email")),
        sorted(DistrictSuccession.objects.values_list("predecessor_id", "successor_id", "kind", "effective_from")),
        sorted(InvestorSuccession.objects.values_list("predecessor_id", "successor_id", "kind", "effective_from")),
        sorted(DistrictAlias.objects.values_list("name", "district_id")),
    )


def test_the_shipped_sheet_is_previewed_then_written_and_a_second_run_changes_nothing(master_data):
    before = _state()
    out = io.StringIO()
    call_command("import_master_data", str(SAMPLE_UNITS), stdout=out)
    assert "Chưa ghi gì" in out.getvalue()
    assert "Đơn vị hành chính: 9 thêm mới, 13 cập nhật, 2 không đổi" in out.getvalue()
    assert "cập nhật huyện Kiến Thụy (314) (hiệu lực đến: – → 30/06/2025)" in out.getvalue()
    assert "thêm mới đặc khu Cát Hải (DK-CH)" in out.getvalue()
    assert _state() == before

    call_command("import_master_data", str(SAMPLE_UNITS), "--yes", stdout=io.StringIO())
    cat_hai = District.objects.get(code="DK-CH")
    assert (cat_hai.display_name, cat_hai.level, cat_hai.valid_from) == (
        "đặc khu Cát Hải",
        "commune",
        dt.date(2025, 7, 1),
    )
    assert District.objects.get(code="X-KT").display_name == "xã Kiến Thụy"
    assert District.objects.get(code="314").valid_to == dt.date(2025, 6, 30)
    merged = DistrictSuccession.objects.get(predecessor__code="317")
    assert (merged.successor, merged.kind) == (cat_hai, SuccessionKind.MERGE)
    assert District.objects.get(code="317").successor == cat_hai
    transport = InvestorSuccession.objects.get(predecessor__code="SGTVT")
    assert (transport.successor.code, transport.effective_from) == ("SXD", dt.date(2025, 3, 1))
    assert Investor.objects.get(code="SGTVT").valid_to == dt.date(2025, 2, 28)
    assert set(
        InvestorSuccession.objects.filter(successor__code="SNNMT").values_list("predecessor__code", flat=True)
    ) == {
        "SNN",
        "STNMT",
    }

    written = _state()
    out = io.StringIO()
    call_command("import_master_data", str(SAMPLE_UNITS), "--yes", stdout=out)
    assert "0 thêm mới, 0 cập nhật" in out.getvalue()
    assert _state() == written


def _workbook(units: list[list], successions: list[list] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Don vi hanh chinh"
    ws.append(["DANH MỤC"])
    ws.append(["Mã", "Tên", "Loại", "Đơn vị cấp trên", "Hiệu lực từ", "Hiệu lực đến"])
    for row in units:
        ws.append(row)
    if successions is not None:
        ws = wb.create_sheet("Kế thừa")
        ws.append(["Đối tượng", "Mã đơn vị trước", "Mã đơn vị kế thừa", "Hình thức", "Có hiệu lực từ"])
        for row in successions:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_errors_name_the_sheet_row_and_column_and_nothing_is_written(master_data):
    before = _state()
    data = _workbook(
        [
            ["X-1", "An Hưng", "xã", None, "01/7/2025", None],
            ["X-2", "Tân Hưng", "thôn", None, "01/7/2025", None],
            ["X-3", "Đại Bản", "xã", "KHONG-CO", "31/6/2025", None],
            ["X-4", "Hồng Phong", "xã", None, dt.date(2025, 7, 1), dt.date(2025, 1, 1)],
        ],
        [
            ["đơn vị hành chính", "313", "X-1", "sáp nhập", "01/7/2025"],
            ["đơn vị hành chính", "313", "X-4", "chia tách", "01/7/2025"],
        ],
    )
    preview = import_master_data(data, "danh-muc.xlsx", confirm=True)
    located = {(e.sheet, e.row, e.column) for e in preview.errors}
    assert ("Đơn vị hành chính", 4, "C") in located  # an unknown kind
    assert ("Đơn vị hành chính", 5, "D") in located  # an unknown unit above
    assert ("Đơn vị hành chính", 5, "E") in located  # a date that does not exist
    assert ("Đơn vị hành chính", 6, "F") in located  # ends before it starts
    assert ("Kế thừa", 2, None) in located  # merged whole and also split
    message = str(next(e for e in preview.errors if e.column == "C"))
    assert message.startswith("tệp danh-muc.xlsx, trang Đơn vị hành chính, dòng 4, cột C: loại đơn vị 'thôn'")
    # The valid first row is not written either.
    assert _state() == before


def test_a_clash_found_while_writing_undoes_every_row(master_data):
    before = _state()
    taken = DistrictAlias.objects.get(district__code="318")
    data = _workbook(
        [["X-1", "An Hưng", "xã", None, "01/7/2025", None], ["X-2", "Tân Hưng", "xã", None, "01/7/2025", None]]
    )
    # An alias another unit already has is refused when written: the whole file is undone.
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    wb.active["H2"] = "Tên gọi khác"
    wb.active["H4"] = taken.name
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = import_master_data(buffer.getvalue(), "danh-muc.xlsx", confirm=True)
    assert preview.errors and taken.name in str(preview.errors[0])
    assert _state() == before


def test_the_command_fails_on_errors_and_prints_them(master_data, tmp_path):
    path = tmp_path / "loi.xlsx"
    path.write_bytes(_workbook([["X-1", "", "xã", None, None, None]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="không ghi gì"):
        call_command("import_master_data", str(path), "--yes", stdout=io.StringIO(), stderr=err)
    assert "dòng 3, cột B: thiếu tên" in err.getvalue()
