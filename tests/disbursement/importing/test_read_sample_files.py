"""The four shipped sample files read into the sections, streams and city figures they hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.disbursement.importing.reading import (
    CORRECTION_SAMPLE,
    DISTRICTS_SAMPLE,
    SUMMARY_SAMPLE,
    TITLE,
    TREASURY_SAMPLE,
    TRIEU,
    codes,
    read,
    read_file,
    workbook,
)

DISTRICTS_ALPHABETICAL = [
    "huyện An Dương",
    "huyện An Lão",
    "huyện Bạch Long Vĩ",
    "huyện Cát Hải",
    "quận Dương Kinh",
    "quận Hải An",
    "quận Hồng Bàng",
    "quận Kiến An",
    "huyện Kiến Thụy",
    "quận Lê Chân",
    "quận Ngô Quyền",
    "huyện Thủy Nguyên",
    "huyện Tiên Lãng",
    "huyện Vĩnh Bảo",
    "quận Đồ Sơn",
]


def test_the_summary_workbook(db):
    parsed, issues = read_file(SUMMARY_SAMPLE)

    assert issues.errors == [] and issues.warnings == []
    assert [(s.label, s.stream_code, s.stream_basis, len(s.lines)) for s in parsed.sections] == [
        ("A", "city_assigned", "heading", 22),
        ("B", "district_transfer", "heading", 15),
    ]
    assert parsed.city.layout == "measures_as_rows" and parsed.city.split
    assert parsed.city.plans["pm"]["total"].amount == 17_019_198 * TRIEU
    assert parsed.sender == "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"


def test_the_treasury_summary_is_city_figures_only(db):
    parsed, issues = read_file(TREASURY_SAMPLE)

    assert issues.errors == [] and issues.warnings == []
    assert parsed.sections == [] and parsed.grand_totals == []
    assert parsed.city.disbursed["total"].amount == 6_086_143 * TRIEU


def test_the_district_list_is_the_targeted_capital_with_its_total_row_above(db):
    parsed, issues = read_file(DISTRICTS_SAMPLE)

    assert issues.errors == [] and issues.warnings == []
    assert parsed.as_of == dt.date(2024, 7, 20) and parsed.city is None
    assert parsed.sender == "PHÒNG NGÂN SÁCH - SỞ TÀI CHÍNH"
    (section,) = parsed.sections
    assert (section.stream_code, section.stream_basis, section.split) == ("district_transfer", "title", False)
    assert [line.name for line in section.lines] == DISTRICTS_ALPHABETICAL
    # The total row sits above the units: it is the section's stated subtotal, not a unit.
    assert section.subtotal.row == 7
    assert (section.subtotal.plan, section.subtotal.disbursed) == (
        {"total": 4_306_486 * TRIEU},
        {"total": 1_513_543 * TRIEU},
    )
    assert section.subtotal.ratio == Decimal("35.15") and section.subtotal.ratio_column == 5
    assert sum(line.disbursed["total"] for line in section.lines) == 1_513_543 * TRIEU
    an_duong = section.lines[0]
    assert (an_duong.row, an_duong.ratio, an_duong.ratio_column) == (8, Decimal("14.67"), 5)
    assert parsed.grand_totals == []


def test_the_one_line_correction_is_the_investor_stream_told_by_its_header(db):
    parsed, issues = read_file(CORRECTION_SAMPLE)

    assert issues.errors == []
    assert parsed.as_of == dt.date(2024, 7, 20)
    assert parsed.sender == "SỞ XÂY DỰNG THÀNH PHỐ HẢI PHÒNG"
    (section,) = parsed.sections
    assert (section.stream_code, section.stream_basis, section.unit_kind) == (
        "city_assigned",
        "unit_header",
        "investor",
    )
    ((_, line),) = parsed.lines
    assert (line.name, line.plan, line.disbursed) == (
        "Sở Xây dựng",
        {"total": 401_300 * TRIEU},
        {"total": 101_200 * TRIEU},
    )
    # How the stream was told is shown, at the name header, for the user to confirm.
    (warning,) = issues.warnings
    assert warning.code == "stream_from_unit_header" and warning.cell == "B5"
    assert "'Chủ đầu tư'" in warning.message
    assert "Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn" in warning.message


def test_a_district_list_that_names_no_stream_is_refused_asking_for_the_heading(db):
    # Targeted capital or new-rural capital: both rank districts, so nothing tells which.
    data = workbook(
        (
            "Sheet1",
            [
                ["BÁO CÁO SỐ LIỆU GIẢI NGÂN NĂM 2024"],
                ["(Số liệu đến hết ngày 20/7/2024)"],
                ["Đơn vị tính: triệu đồng"],
                [],
                ["STT", "Quận, huyện", "Kế hoạch vốn", "Giải ngân"],
                [1, "huyện Kiến Thụy", 270_020, 183_384],
            ],
        )
    )

    parsed, issues = read(data)

    error = next(e for e in issues.errors if e.code == "section_missing")
    assert (error.sheet, error.row) == ("Sheet1", 6)
    assert "'Quận, huyện'" in error.message and "tiêu đề phần" in error.message
    assert parsed.sections[0].stream_code is None


def test_a_list_whose_units_say_nothing_is_refused_asking_for_the_heading(db):
    data = workbook(("Sheet1", [*TITLE, ["STT", "Tên đơn vị", "Kế hoạch vốn", "Giải ngân"], [1, "Sở Y tế", 40, 0]]))

    _parsed, issues = read(data)

    error = next(e for e in issues.errors if e.code == "section_missing")
    assert "không đoán dòng vốn" in error.message and "tiêu đề phần" in error.message


def test_a_title_naming_two_streams_is_refused_not_chosen(db):
    data = workbook(
        (
            "Sheet1",
            [
                ["GIẢI NGÂN VỐN BỔ SUNG CÓ MỤC TIÊU VÀ VỐN XÂY DỰNG NÔNG THÔN MỚI NĂM 2024"],
                ["(Số liệu đến hết ngày 20/7/2024)"],
                ["Đơn vị tính: triệu đồng"],
                ["STT", "Tên đơn vị", "Kế hoạch vốn", "Giải ngân"],
                [1, "huyện Kiến Thụy", 270_020, 183_384],
            ],
        )
    )

    _parsed, issues = read(data)

    assert "section_ambiguous" in codes(issues.errors)


def test_the_sheet_name_can_tell_the_stream(db):
    data = workbook(
        (
            "Nong thon moi",
            [*TITLE, ["STT", "Tên đơn vị", "Kế hoạch vốn", "Giải ngân"], [1, "huyện Kiến Thụy", 50_000, 10_000]],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert (parsed.sections[0].stream_code, parsed.sections[0].stream_basis) == ("new_rural", "title")
