"""Implausible figures wait for a person to confirm each one, at its cell; --yes never does it for them."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from disbursement.models import AllocationRevision, Snapshot
from tests.builders import Row, build_workbook, small_spec
from tests.disbursement.importing.helpers import codes, run, written
from tests.disbursement.importing.reading import TITLE, workbook

LATER = "(Số liệu tính đến hết ngày 27/7/2024)"
TRIEU = 10**6


def _import_first(spec=None):
    result = run(build_workbook(spec or small_spec()), name="lan-1.xlsx")
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings + result.to_confirm]
    return result.snapshot


def _tien_lang_jump() -> bytes:
    """Tiên Lãng reported 10 triệu đồng on 20/7 and 107.902 on 27/7: ten times more in a week."""
    first = small_spec()
    first.sections[1].rows[1].disbursed_nsdp = 10_000
    _import_first(first)
    return build_workbook(small_spec(date_line=LATER, city=None))


def test_a_tenfold_jump_is_blocked_until_that_item_is_confirmed(master_data):
    data = _tien_lang_jump()
    before = written()

    preview = run(data)
    assert preview.status == "needs_confirmation"
    jump = next(i for i in preview.to_confirm if i.code == "disbursed_jump")
    assert (jump.sheet, jump.cell) == ("Giai ngan", "F15")
    assert "huyện Tiên Lãng" in jump.message and "gấp 10,8 lần" in jump.message and "20/07/2024" in jump.message

    # Accepting the warnings is not confirming the jump.
    assert run(data, confirm_warnings=True).status == "needs_confirmation"
    assert run(data, confirm_warnings=True, accepted={"disbursed_jump:Giai ngan:F14"}).status == "needs_confirmation"
    assert written() == before

    confirmed = run(data, confirm_warnings=True, accepted={jump.key})
    assert confirmed.status == "imported"
    assert Snapshot.objects.current().get(as_of="2024-07-27") == confirmed.snapshot


def test_the_command_prints_the_key_and_yes_alone_does_not_import(master_data, tmp_path):
    path = tmp_path / "tuan-sau.xlsx"
    path.write_bytes(_tien_lang_jump())
    before = written()

    err = io.StringIO()
    with pytest.raises(CommandError, match="--accept"):
        call_command("import_workbook", str(path), "--yes", "--no-progress", stdout=io.StringIO(), stderr=err)
    assert "CẦN XÁC NHẬN" in err.getvalue() and "ô F15" in err.getvalue()
    assert "mã: disbursed_jump:Giai ngan:F15" in err.getvalue()
    assert written() == before

    out = io.StringIO()
    call_command(
        "import_workbook",
        str(path),
        "--accept",
        "disbursed_jump:Giai ngan:F15",
        "--no-progress",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Đã nhập" in out.getvalue()
    assert Snapshot.objects.current().filter(as_of="2024-07-27").exists()


def test_a_plan_ten_times_the_plan_in_force_is_confirmed_at_the_plan_cell(master_data):
    _import_first()
    spec = small_spec(date_line=LATER, city=None)
    spec.sections[0].rows[2] = Row("Sở Y tế", 0, 400, 0, 0)  # 40 triệu in force
    before = written()

    preview = run(build_workbook(spec), confirm_warnings=True)

    assert preview.status == "needs_confirmation"
    item = next(i for i in preview.to_confirm if i.code == "plan_jump")
    assert item.cell == "C11" and "Sở Y tế" in item.message and "gấp 10 lần" in item.message
    assert written() == before
    assert run(build_workbook(spec), accepted={item.key}).status == "imported"
    latest = AllocationRevision.objects.filter(allocation__investor__code="SYT").order_by("-effective_from").first()
    assert latest.amount == 400 * TRIEU


def test_a_ratio_above_100_percent_plus_the_tolerance_is_confirmed_at_the_disbursed_cell(master_data, settings):
    spec = small_spec(city=None)
    spec.sections[0].rows[2] = Row("Sở Y tế", 0, 40, 0, 43)  # 107,5%
    before = written()

    preview = run(build_workbook(spec), confirm_warnings=True)

    assert preview.status == "needs_confirmation"
    item = next(i for i in preview.to_confirm if i.code == "ratio_above_plan")
    assert item.cell == "F11" and "107,50%" in item.message
    assert "disbursed_above_plan" not in codes(preview.warnings)
    assert written() == before

    settings.IMPORT_RATIO_ABOVE_PLAN_POINTS = 10
    within = run(build_workbook(spec))
    assert within.to_confirm == [] and "disbursed_above_plan" in codes(within.warnings)


def test_a_city_plan_cut_below_half_is_confirmed_at_its_cell(master_data):
    _import_first()
    # The city's plan was 19.972,741 tỷ; this file states 8.755,463 tỷ.
    spec = small_spec(date_line=LATER)
    spec.city = {**spec.city, "city": (755_463, 8_000_000)}
    before = written()

    preview = run(build_workbook(spec), confirm_warnings=True)

    assert preview.status == "needs_confirmation"
    item = next(i for i in preview.to_confirm if i.code == "city_plan_cut")
    assert (item.sheet, item.cell) == ("Tong hop toan thanh pho", "C7")
    assert "kế hoạch thành phố giao" in item.message.lower() and "43,84%" in item.message
    assert written() == before
    assert run(build_workbook(spec), accepted={item.key}).status == "imported"


def test_a_small_city_plan_revision_needs_no_confirmation(master_data):
    _import_first()
    spec = small_spec(date_line=LATER)
    spec.city = {**spec.city, "city": (755_463, 19_817_278)}  # 600 tỷ more
    result = run(build_workbook(spec))
    assert result.status == "imported", [str(i) for i in result.to_confirm + result.warnings]


def test_a_printed_ratio_its_row_does_not_give_is_confirmed_at_the_ratio_cell(master_data):
    spec = small_spec(city=None)
    # The published mistake: a ratio of 67,9% printed for a row whose figures give 66,39%.
    spec.sections[1].rows[1].ratio = 67.9
    before = written()

    preview = run(build_workbook(spec), confirm_warnings=True)

    assert preview.status == "needs_confirmation"
    (item,) = [i for i in preview.to_confirm if i.code == "ratio_mismatch"]
    assert (item.sheet, item.row, item.cell) == ("Giai ngan", 15, "I15")
    assert "67,9%" in item.message and "66,39%" in item.message and "huyện Tiên Lãng" in item.message
    assert written() == before
    assert run(build_workbook(spec), accepted={item.key}).status == "imported"


def test_a_printed_ratio_within_its_rounding_passes(master_data):
    spec = small_spec(city=None)
    spec.sections[1].rows[1].ratio = 66.4  # 66,39% rounded to one decimal
    assert run(build_workbook(spec)).status == "imported"


CITY_ROWS = [
    ["TỔNG HỢP GIẢI NGÂN TOÀN THÀNH PHỐ NĂM 2024"],
    ["(Số liệu tính đến hết ngày 20/7/2024)"],
    ["Đơn vị tính: triệu đồng"],
    ["STT", "Nội dung", "Tổng số", "Ngân sách trung ương", "Ngân sách địa phương"],
    [1, "Kế hoạch vốn Thủ tướng Chính phủ giao", 17019198, 755463, 16263735],
    [2, "Kế hoạch vốn thành phố giao", 19972741, 755463, 19217278],
    [3, "Giải ngân từ 01/01/2024 đến 20/7/2024", 6086143, 133717, 5952426],
    [4, "Tỷ lệ giải ngân so kế hoạch Thủ tướng Chính phủ giao (%)", 35.76, 17.7, 36.6],
    [5, "Tỷ lệ giải ngân so kế hoạch thành phố giao (%)", 30.47, 17.7, 30.97],
]


def test_the_city_summarys_printed_ratios_are_checked_each_against_its_plan(master_data):
    assert run(workbook(("Tong hop", CITY_ROWS)), name="dung.xlsx").to_confirm == []

    rows = [list(r) for r in CITY_ROWS]
    rows[8][2] = 35.47  # the city-plan ratio printed as if against the Prime Minister's plan, mistyped
    data = workbook(("Tong hop", rows))
    before = written()

    preview = run(data, confirm_warnings=True)

    assert preview.status == "needs_confirmation"
    (item,) = preview.to_confirm
    assert (item.code, item.sheet, item.cell) == ("ratio_mismatch", "Tong hop", "C9")
    assert "35,47%" in item.message and "30,47%" in item.message and "kế hoạch thành phố giao" in item.message
    assert written() == before
    assert run(data, accepted={item.key}).status == "imported"


GT_FIGURES = [3912400, 455463, 3456937, 1104230, 80517, 1023713]


def test_a_printed_ratio_per_source_is_checked_at_its_own_cell(master_data):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["STT", "Chủ đầu tư", "Kế hoạch vốn", None, None, "Giải ngân", None, None, "Tỷ lệ (%)", None, None],
                [None, None, "Tổng số", "NSTW", "NSĐP", "Tổng số", "NSTW", "NSĐP", "Tổng số", "NSTW", "NSĐP"],
                ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN"],
                # The NSTW ratio is printed 1,77%; its figures give 17,68%.
                [1, "Ban QLDA ĐTXD các công trình giao thông", *GT_FIGURES, 28.22, 1.77, 29.61],
            ],
        )
    )

    preview = run(data, confirm_warnings=True)

    assert preview.status == "needs_confirmation", [str(e) for e in preview.errors]
    (item,) = preview.to_confirm
    assert (item.code, item.row, item.cell) == ("ratio_mismatch", 8, "J8")
    assert "(NSTW)" in item.message and "1,77%" in item.message and "17,68%" in item.message


def test_a_subtotals_printed_ratio_is_checked_too(master_data):
    spec = small_spec(city=None)
    spec.sections[1].subtotal_override = {"ratio": 6.65}  # the section's figures give 66,48%

    preview = run(build_workbook(spec), confirm_warnings=True)

    (item,) = preview.to_confirm
    assert (item.code, item.row, item.cell) == ("ratio_mismatch", 13, "I13")
    assert "6,65%" in item.message and "66,48%" in item.message
