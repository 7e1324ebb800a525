"""The State Treasury's city-wide summary: budget sources as rows, measures as columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.disbursement.importing.reading import (
    SUMMARY_SAMPLE,
    TREASURY_SAMPLE,
    TRIEU,
    TY,
    city_amounts,
    codes,
    read,
    read_file,
    workbook,
)

HEADER = [
    "STT",
    "Nguồn vốn",
    "KH vốn TTg giao",
    "KH vốn TP giao",
    "Giải ngân đến 31/3/2023",
    "Tỷ lệ so KH TTg giao (%)",
    "Tỷ lệ so KH TP giao (%)",
]


def _treasury(rows: list[list], header=HEADER, date_line="Tính đến hết ngày 31/3/2023") -> bytes:
    return workbook(
        (
            "KBNN",
            [
                ["KHO BẠC NHÀ NƯỚC HẢI PHÒNG"],
                ["BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN VỐN ĐẦU TƯ CÔNG NĂM 2023"],
                [date_line],
                ["Đơn vị: tỷ đồng"],
                [],
                header,
                ["1", "2", "3", "4", "5", "6=5/3", "7=5/4"],
                *rows,
            ],
        )
    )


def test_the_sample_reads_as_the_summary_workbooks_city_sheet(db):
    treasury, issues = read_file(TREASURY_SAMPLE)
    summary, _ = read_file(SUMMARY_SAMPLE)

    assert issues.errors == [] and issues.warnings == []
    assert treasury.sections == []
    assert treasury.as_of == dt.date(2024, 7, 20) and treasury.year == 2024
    assert treasury.sender == "KHO BẠC NHÀ NƯỚC HẢI PHÒNG"
    assert treasury.city.layout == "sources_as_rows" and treasury.city.split
    assert city_amounts(treasury) == city_amounts(summary)
    assert city_amounts(treasury) == {
        ("pm", "total"): 17_019_198 * TRIEU,
        ("pm", "nstw"): 755_463 * TRIEU,
        ("pm", "nsdp"): 16_263_735 * TRIEU,
        ("city", "total"): 19_972_741 * TRIEU,
        ("city", "nstw"): 755_463 * TRIEU,
        ("city", "nsdp"): 19_217_278 * TRIEU,
        ("disbursed", "total"): 6_086_143 * TRIEU,
        ("disbursed", "nstw"): 133_717 * TRIEU,
        ("disbursed", "nsdp"): 5_952_426 * TRIEU,
    }


def test_the_samples_printed_ratios_are_kept_with_their_cells(db):
    treasury, _ = read_file(TREASURY_SAMPLE)
    ratios = treasury.city.stated_ratios

    assert {key: r.value for key, r in ratios.items()} == {
        ("pm", "total"): Decimal("35.76"),
        ("city", "total"): Decimal("30.47"),
        ("pm", "nstw"): Decimal("17.7"),
        ("city", "nstw"): Decimal("17.7"),
        ("pm", "nsdp"): Decimal("36.6"),
        ("city", "nsdp"): Decimal("30.97"),
    }
    assert tuple(ratios[("city", "nsdp")]) == (Decimal("30.97"), "Bieu tong hop", 10, 7)
    assert treasury.city.disbursed["nstw"].row == 9 and treasury.city.disbursed["nstw"].column == 5


def test_amounts_in_ty_dong_with_decimals_are_exact_dong_also_when_written_as_text(db):
    data = _treasury(
        [
            [None, "Tổng số", "13.403,337", "22.156,828", "2.130,415", "15,89", "9,62"],
            ["1", "Vốn ngân sách trung ương", 1234.5, 1234.5, 0.001, 0, 0],
            ["2", "Vốn cân đối ngân sách địa phương", "12.168,837", "20.922,328", "2.130,414", "17,51", "10,18"],
        ]
    )

    parsed, issues = read(data)

    assert issues.errors == []
    assert parsed.as_of == dt.date(2023, 3, 31) and parsed.unit == TY
    assert city_amounts(parsed) == {
        ("pm", "total"): 13_403_337_000_000,
        ("pm", "nstw"): 1_234_500_000_000,
        ("pm", "nsdp"): 12_168_837_000_000,
        ("city", "total"): 22_156_828_000_000,
        ("city", "nstw"): 1_234_500_000_000,
        ("city", "nsdp"): 20_922_328_000_000,
        ("disbursed", "total"): 2_130_415_000_000,
        ("disbursed", "nstw"): 1_000_000,
        ("disbursed", "nsdp"): 2_130_414_000_000,
    }
    assert all(isinstance(amount, int) for amount in city_amounts(parsed).values())
    assert parsed.city.stated_ratios[("pm", "nsdp")].value == Decimal("17.51")


def test_breakdown_rows_under_a_source_are_not_read_as_sources(db):
    data = _treasury(
        [
            [None, "Tổng số", 17019.198, 19972.741, 6086.143, 35.76, 30.47],
            ["1", "Vốn NSTW", 755.463, 755.463, 133.717, 17.7, 17.7],
            ["2", "Vốn NSĐP", 16263.735, 19217.278, 5952.426, 36.6, 30.97],
            [None, "- Vốn xổ số kiến thiết", 120, 120, 50, 41.67, 41.67],
            [None, "Trong đó: tiền sử dụng đất", 9000, 10000, 3000, 33.33, 30],
        ]
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert city_amounts(parsed)[("disbursed", "nsdp")] == 5_952_426 * TRIEU
    assert len(city_amounts(parsed)) == 9


def test_a_source_row_not_understood_is_a_warning_at_its_row(db):
    data = _treasury(
        [
            [None, "Tổng số", 17019.198, 19972.741, 6086.143, 35.76, 30.47],
            ["1", "Vốn ODA", 100, 100, 10, 10, 10],
        ]
    )

    parsed, issues = read(data)

    warning = next(w for w in issues.warnings if w.code == "source_unknown")
    assert warning.row == 9 and "Vốn ODA" in warning.message
    assert city_amounts(parsed)[("pm", "total")] == 17_019_198 * TRIEU


def test_a_plan_column_that_names_no_level_is_refused(db):
    header = ["STT", "Nguồn vốn", "Kế hoạch vốn năm 2023", "Giải ngân đến 31/3/2023", "Tỷ lệ (%)"]
    data = _treasury([[None, "Tổng số", 22156.828, 2130.415, 9.62]], header=header)

    parsed, issues = read(data)

    assert parsed.city is None
    error = next(e for e in issues.errors if e.code == "plan_level_missing")
    assert error.cell == "C6" and "'Kế hoạch vốn năm 2023'" in error.message


def test_a_ratio_column_without_a_level_belongs_to_the_only_plan(db):
    header = ["STT", "Nguồn vốn", "KH vốn HĐND thành phố giao", "Lũy kế giải ngân", "Tỷ lệ giải ngân (%)"]
    data = _treasury(
        [[None, "Tổng cộng", 22156.828, 2130.415, 9.62]], header=header, date_line="(Số liệu đến hết ngày 31/3/2023)"
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert parsed.as_of == dt.date(2023, 3, 31)
    assert city_amounts(parsed) == {("city", "total"): 22_156_828 * TRIEU, ("disbursed", "total"): 2_130_415 * TRIEU}
    assert parsed.city.stated_ratios[("city", "total")].value == Decimal("9.62")
    assert not parsed.city.split


@pytest.mark.parametrize("label", ["Nội dung", "Chỉ tiêu"])
def test_sources_as_rows_under_another_content_header(db, label):
    header = [label if h == "Nguồn vốn" else h for h in HEADER]
    data = _treasury(
        [
            [None, "Tổng số", 17019.198, 19972.741, 6086.143, 35.76, 30.47],
            ["1", "Ngân sách trung ương", 755.463, 755.463, 133.717, 17.7, 17.7],
            ["2", "Ngân sách địa phương", 16263.735, 19217.278, 5952.426, 36.6, 30.97],
        ],
        header=header,
    )

    parsed, issues = read(data)

    assert codes(issues.errors) == []
    assert parsed.city.layout == "sources_as_rows"
    assert city_amounts(parsed)[("city", "nsdp")] == 19_217_278 * TRIEU


def test_the_table_ends_at_its_first_blank_row(db):
    data = _treasury(
        [
            [None, "Tổng số", 17019.198, 19972.741, 6086.143, 35.76, 30.47],
            [],
            [None, "Vốn NSTW năm 2022 kéo dài", 100, 100, 90, 90, 90],
        ]
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert {source for (_, source) in city_amounts(parsed)} == {"total"}


def test_sources_as_rows_under_a_blank_content_header(db):
    header = [None if h == "Nguồn vốn" else h for h in HEADER]
    data = _treasury(
        [
            [None, "Tổng số", 17019.198, 19972.741, 6086.143, 35.76, 30.47],
            ["1", "Vốn NSTW", 755.463, 755.463, 133.717, 17.7, 17.7],
        ],
        header=header,
    )

    parsed, issues = read(data)

    assert issues.errors == []
    assert city_amounts(parsed)[("disbursed", "nstw")] == 133_717 * TRIEU


def test_ratio_columns_grouped_under_one_ratio_header(db):
    header = ["STT", "Nguồn vốn", "KH vốn TTg giao", "KH vốn TP giao", "Giải ngân đến 31/3/2023", "Tỷ lệ (%)", None]
    data = workbook(
        (
            "KBNN",
            [
                ["BIỂU TỔNG HỢP GIẢI NGÂN NĂM 2023"],
                ["Tính đến hết ngày 31/3/2023"],
                ["Đơn vị: tỷ đồng"],
                header,
                [None, None, None, None, None, "So KH TTg giao", "So KH TP giao"],
                [None, "Tổng số", 13403.337, 22156.828, 2130.415, 15.89, 9.62],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    assert len(city_amounts(parsed)) == 3
    assert {key: r.value for key, r in parsed.city.stated_ratios.items()} == {
        ("pm", "total"): Decimal("15.89"),
        ("city", "total"): Decimal("9.62"),
    }
