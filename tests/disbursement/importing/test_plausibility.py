"""Implausible figures wait for a person to confirm each one, at its cell; --yes never does it for them."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from disbursement.models import AllocationRevision, Snapshot
from tests.builders import Row, build_workbook, small_spec
from tests.disbursement.importing.helpers import codes, run, written

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
