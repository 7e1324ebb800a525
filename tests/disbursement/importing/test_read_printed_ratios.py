"""Ratios the file prints are kept with their cell, for units, subtotals and the city, so they can be checked."""

from __future__ import annotations

from decimal import Decimal

from tests.disbursement.importing.reading import TITLE, read, workbook


def test_unit_and_subtotal_lines_keep_the_printed_ratio_and_its_column(db):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["STT", "Chủ đầu tư", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ giải ngân (%)"],
                ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN", 7160, 6986, "97,57"],
                [1, "UBND huyện An Lão", 7120, 6986, 98.12],
                [2, "Sở Y tế", 40, 0, "-"],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    (section,) = parsed.sections
    assert (section.subtotal.row, section.subtotal.ratio, section.subtotal.ratio_column) == (6, Decimal("97.57"), 5)
    an_lao, health = section.lines
    assert (an_lao.row, an_lao.ratio, an_lao.ratio_column) == (7, Decimal("98.12"), 5)
    assert health.ratio is None and health.ratio_column == 5


def test_a_ratio_column_per_source_is_kept_by_source(db):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                [
                    "STT",
                    "Chủ đầu tư",
                    "Kế hoạch vốn",
                    None,
                    None,
                    "Giải ngân",
                    None,
                    None,
                    "Tỷ lệ giải ngân (%)",
                    None,
                    None,
                ],
                [None, None, "Tổng số", "NSTW", "NSĐP", "Tổng số", "NSTW", "NSĐP", "Tổng số", "NSTW", "NSĐP"],
                ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN"],
                [1, "Ban QLDA giao thông", 3912400, 455463, 3456937, 1104230, 80517, 1023713, 28.22, 17.68, 29.61],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    ((section, line),) = parsed.lines
    assert section.split
    assert line.ratio == Decimal("28.22") and line.ratio_column == 9
    assert line.ratios == {"total": Decimal("28.22"), "nstw": Decimal("17.68"), "nsdp": Decimal("29.61")}
    assert line.ratio_columns == {"total": 9, "nstw": 10, "nsdp": 11}


def test_a_ratio_column_of_one_source_only_is_not_the_total_ratio(db):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["STT", "Chủ đầu tư", "Kế hoạch vốn", "Giải ngân", "Tỷ lệ giải ngân vốn NSĐP (%)"],
                ["A", "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN"],
                [1, "Sở Y tế", 40, 10, 30],
            ],
        )
    )

    parsed, _issues = read(data)

    ((_, line),) = parsed.lines
    assert line.ratio is None
    assert line.ratios == {"nsdp": Decimal("30")}


def test_the_city_sheet_keeps_its_ratio_rows_by_plan_level_and_source(db):
    data = workbook(
        (
            "Tong hop",
            [
                ["TỔNG HỢP GIẢI NGÂN TOÀN THÀNH PHỐ NĂM 2024"],
                ["(Số liệu tính đến hết ngày 20/7/2024)"],
                ["Đơn vị tính: triệu đồng"],
                ["STT", "Nội dung", "Tổng số", "Ngân sách trung ương", "Ngân sách địa phương"],
                [1, "Kế hoạch vốn Thủ tướng Chính phủ giao", 17019198, 755463, 16263735],
                [2, "Kế hoạch vốn thành phố giao", 19972741, 755463, 19217278],
                [3, "Giải ngân từ 01/01/2024 đến 20/7/2024", 6086143, 133717, 5952426],
                [4, "Tỷ lệ giải ngân so kế hoạch Thủ tướng Chính phủ giao (%)", 35.76, 17.7, 36.6],
                [5, "Tỷ lệ giải ngân so kế hoạch thành phố giao (%)", 30.47, 17.7, 30.97],
                [6, "Tỷ lệ giải ngân cùng kỳ năm trước (%)", 39.84, None, None],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    ratios = parsed.city.stated_ratios
    assert {key: r.value for key, r in ratios.items()} == {
        ("pm", "total"): Decimal("35.76"),
        ("pm", "nstw"): Decimal("17.7"),
        ("pm", "nsdp"): Decimal("36.6"),
        ("city", "total"): Decimal("30.47"),
        ("city", "nstw"): Decimal("17.7"),
        ("city", "nsdp"): Decimal("30.97"),
    }
    assert tuple(ratios[("city", "nsdp")]) == (Decimal("30.97"), "Tong hop", 9, 5)
