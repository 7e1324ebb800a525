"""The row of column numbers under a header is skipped in every kind of table, whatever its style."""

from __future__ import annotations

import pytest

from disbursement.importing.headers import is_column_numbers
from tests.disbursement.importing.reading import TITLE, TRIEU, city_amounts, read, unit_names, workbook

VARIANTS = {
    "plain numbers": [1, 2, 3, 4, 5, 6],
    "numbers as text with a formula": ["1", "2", "3", "4", "5=4/3", "6"],
    "in brackets": ["(1)", "(2)", "(3)", "(4)", "(5)=(4)/(3)", "(6)"],
    "letters then numbers": ["A", "B", "1", "2", "3", "4"],
    "letters in brackets then numbers": ["(A)", "(B)", "(1)", "(2)", "(3)=(2)/(1)", "(4)"],
    "percent formula": ["1", "2", "3", "4", "5=4/3x100%", "6"],
}


@pytest.mark.parametrize("numbers", VARIANTS.values(), ids=VARIANTS.keys())
def test_unit_table_skips_the_column_number_row(db, numbers):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["STT", "Chủ đầu tư", "Kế hoạch vốn năm 2024", "Giải ngân đến 20/7/2024", "Tỷ lệ (%)", "Ghi chú"],
                numbers,
                ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN", 7160, 6986, 97.57],
                [1, "UBND huyện An Lão", 7120, 6986, 98.12],
                [2, "Sở Y tế", 40, 0, 0],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert unit_names(parsed) == ["UBND huyện An Lão", "Sở Y tế"]
    (section,) = parsed.sections
    assert (section.label, section.stream_code) == ("A", "city_assigned")
    assert section.subtotal.disbursed == {"total": 6986 * TRIEU}


def test_the_column_number_row_of_a_table_without_sections_is_no_unit(db):
    # The finance office's district list: "(1) (2) (3) (4) (5)=(4)/(3)", a total row above the units.
    data = workbook(
        (
            "Quan huyen",
            [
                ["TÌNH HÌNH GIẢI NGÂN VỐN BỔ SUNG CÓ MỤC TIÊU CHO CÁC QUẬN, HUYỆN NĂM 2024"],
                ["Số liệu đến hết ngày 20/7/2024"],
                ["ĐVT: triệu đồng"],
                ["TT", "Tên đơn vị", "Kế hoạch vốn năm 2024", "Lũy kế giải ngân đến 20/7/2024", "Tỷ lệ giải ngân (%)"],
                ["(1)", "(2)", "(3)", "(4)", "(5)=(4)/(3)"],
                [None, "Tổng cộng", 311_371, 131_169, 42.13],
                [1, "huyện Kiến Thụy", 270_020, 183_384 - 76_000, 39.77],
                [2, "huyện Bạch Long Vĩ", 41_351, 23_785, 57.52],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    assert unit_names(parsed) == ["huyện Kiến Thụy", "huyện Bạch Long Vĩ"]
    (section,) = parsed.sections
    assert section.stream_code == "district_transfer"
    assert section.subtotal.row == 6 and section.subtotal.plan == {"total": 311_371 * TRIEU}
    assert parsed.grand_totals == []


@pytest.mark.parametrize(
    "numbers",
    [["1", "2", "3", "4", "5", "6=5/3", "7=5/4"], [None, None, None, None, None, "6=5/3", "7=5/4"]],
    ids=["all columns", "only the ratio columns"],
)
def test_treasury_summary_skips_the_column_number_row(db, numbers):
    data = workbook(
        (
            "KBNN",
            [
                ["KHO BẠC NHÀ NƯỚC HẢI PHÒNG"],
                ["BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN ĐẦU TƯ CÔNG NĂM 2024"],
                ["(Tính đến hết ngày 20/7/2024)"],
                ["Đơn vị: tỷ đồng"],
                [
                    "STT",
                    "Nguồn vốn",
                    "KH vốn TTg giao",
                    "KH vốn TP giao",
                    "Giải ngân đến 20/7/2024",
                    "Tỷ lệ so KH TTg giao (%)",
                    "Tỷ lệ so KH TP giao (%)",
                ],
                numbers,
                [None, "Tổng số", 17019.198, 19972.741, 6086.143, 35.76, 30.47],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert city_amounts(parsed) == {
        ("pm", "total"): 17_019_198 * TRIEU,
        ("city", "total"): 19_972_741 * TRIEU,
        ("disbursed", "total"): 6_086_143 * TRIEU,
    }


@pytest.mark.parametrize("numbers", [["1", "2", "3"], ["A", "B", "1"], ["(1)", "(2)", "(3)"]])
def test_city_sheet_skips_the_column_number_row(db, numbers):
    data = workbook(
        (
            "Tong hop",
            [
                ["TỔNG HỢP TOÀN THÀNH PHỐ NĂM 2024"],
                ["(Số liệu tính đến hết ngày 20/7/2024)"],
                ["Đơn vị tính: triệu đồng"],
                ["STT", "Nội dung", "Số tiền"],
                numbers,
                [1, "Kế hoạch vốn thành phố giao", 19_972_741],
                [2, "Giải ngân từ 01/01/2024 đến 20/7/2024", 6_086_143],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert city_amounts(parsed) == {("city", "total"): 19_972_741 * TRIEU, ("disbursed", "total"): 6_086_143 * TRIEU}


@pytest.mark.parametrize(
    "values",
    [
        ("1", "2", "3", "4", "5=3/4", "6"),
        ("(1)", "(2)", "(3)", "(4)", "(5)=(4)/(3)"),
        ("A", "B", "1", "2"),
        ("6=5/3", "7=5/4"),
        (None, "(2)", None, "(4)"),
        (1, 2, 3, 4, 5),
        (1.0, 2.0, 3.0),
    ],
)
def test_column_number_rows(values):
    assert is_column_numbers(values)


@pytest.mark.parametrize(
    "values",
    [
        (1, "Sở Y tế", 40, 0, 0),  # a unit row
        ("A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN", 7160),  # a section heading
        (None, None, 7120, 6986),  # a nameless row of amounts
        (5, 6, 7),  # small amounts, not a run from 1 or 2
        (1, 2.5, 3),  # a decimal is a figure
        ("2", "1", "3"),  # out of order
        ("1",),  # a single cell
    ],
)
def test_rows_that_are_not_column_numbers(values):
    assert not is_column_numbers(values)
