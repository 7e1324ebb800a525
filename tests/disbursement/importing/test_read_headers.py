"""Headers decide which column holds which amount; an STT column or a cell's position never does."""

from __future__ import annotations

import pytest

from disbursement.importing.headers import PLAN_WORDINGS, STT_WORDINGS
from tests.disbursement.importing.helpers import run, written
from tests.disbursement.importing.reading import TITLE, TRIEU, TY, city_amounts, codes, read, texts, workbook

CITY_TITLE = [
    ["TỔNG HỢP GIẢI NGÂN VỐN ĐẦU TƯ CÔNG TOÀN THÀNH PHỐ NĂM 2024"],
    ["(Số liệu tính đến hết ngày 20/7/2024)"],
    ["Đơn vị tính: tỷ đồng"],
    [],
]


def test_rows_naming_the_measure_are_read_from_the_amount_column_not_the_stt(db):
    # The issue's layout: "STT | Nội dung | Số tiền", each row naming its measure.
    data = workbook(
        (
            "Tong hop",
            [
                *CITY_TITLE,
                ["STT", "Nội dung", "Số tiền"],
                [1, "KH vốn TTg giao", 13403.337],
                [2, "KH vốn TP giao", 22770.828],
                [3, "Giải ngân đến 20/7/2024", 9073.923],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert city_amounts(parsed) == {
        ("pm", "total"): 13_403_337 * TRIEU,
        ("city", "total"): 22_770_828 * TRIEU,
        ("disbursed", "total"): 9_073_923 * TRIEU,
    }
    assert parsed.city.disbursed["total"].column == 3


def test_the_issues_city_sheet_imports_the_plans_and_disbursement_it_states(master_data):
    from disbursement.models import CityDisbursement, CityPlanRevision

    title = [["TỔNG HỢP GIẢI NGÂN TOÀN THÀNH PHỐ NĂM 2023"], ["(Số liệu tính đến hết ngày 20/7/2023)"]]
    rows = [["Đơn vị tính: tỷ đồng"], ["STT", "Nội dung", "Số tiền"]]
    rows += [
        [1, "KH vốn TTg giao", 13403.337],
        [2, "KH vốn TP giao", 22770.828],
        [3, "Giải ngân đến 20/7/2023", 9073.923],
    ]

    result = run(workbook(("Tong hop", [*title, *rows])), confirm_warnings=True)

    assert result.status == "imported", texts(result.errors)
    plans = {r.plan.level: r.amount for r in CityPlanRevision.objects.filter(plan__year=2023)}
    assert plans == {"pm": 13_403_337 * TRIEU, "city": 22_770_828 * TRIEU}
    assert sum(CityDisbursement.objects.values_list("disbursed", flat=True)) == 9_073_923 * TRIEU


def test_a_summary_whose_amount_column_has_no_header_is_refused_naming_sheet_row_and_wordings(db):
    data = workbook(
        (
            "Tong hop",
            [
                *CITY_TITLE,
                ["STT", "Nội dung"],
                [1, "KH vốn TTg giao", 13403.337],
                [2, "KH vốn TP giao", 22770.828],
                [3, "Giải ngân đến 20/7/2024", 9073.923],
            ],
        )
    )

    parsed, issues = read(data)

    assert parsed.city is None
    error = next(e for e in issues.errors if e.code == "amount_columns_unknown")
    assert (error.sheet, error.row) == ("Tong hop", 5)
    assert "dòng tiêu đề 5" in error.message and "Tong hop" in error.message
    for wording in ("Kế hoạch", "Giải ngân", "Tổng số", "NSTW", "NSĐP", "Số tiền", "STT"):
        assert f"'{wording}'" in error.message


def test_the_stt_only_city_sheet_imports_nothing(master_data):
    data = workbook(
        (
            "Tong hop",
            [*CITY_TITLE, ["STT", "Nội dung"], [1, "Kế hoạch vốn Thủ tướng Chính phủ giao", 13403.337]],
        )
    )
    before = written()

    result = run(data, confirm_warnings=True)

    assert result.status == "failed"
    assert "amount_columns_unknown" in codes(result.errors)
    assert written() == before


def test_an_amount_column_of_unit_rows_that_names_no_measure_is_refused(db):
    # "Số tiền" over a list of units says neither plan nor disbursed.
    data = workbook(
        (
            "Giai ngan",
            [*TITLE, ["STT", "Chủ đầu tư", "Số tiền"], [1, "Sở Y tế", 40], [2, "Sở Xây dựng", 95360]],
        )
    )

    parsed, issues = read(data)

    assert parsed.sections == [] and parsed.city is None
    error = next(e for e in issues.errors if e.code == "amount_columns_unknown")
    assert (error.sheet, error.row) == ("Giai ngan", 5)
    assert "'Số tiền'" in error.message


@pytest.mark.parametrize("stt", STT_WORDINGS)
def test_the_stt_column_is_never_an_amount_wherever_it_stands(db, stt):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["Lũy kế giải ngân", "Chủ đầu tư", stt, "Kế hoạch vốn năm 2024"],
                [6986, "A. Dự án do UBND thành phố giao kế hoạch vốn", None, 7120],
                [6986, "UBND huyện An Lão", 1, 7120],
                [0, "Sở Y tế", 2, 40],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    lines = {line.name: (line.plan["total"], line.disbursed["total"]) for _, line in parsed.lines}
    assert lines == {"UBND huyện An Lão": (7120 * TRIEU, 6986 * TRIEU), "Sở Y tế": (40 * TRIEU, 0)}


def test_a_header_row_with_only_stt_and_text_below_is_no_table_to_refuse(db):
    # A notes sheet: its only numbers are the STT.
    notes = [["GHI CHÚ"], ["STT", "Nội dung"], [1, "Số liệu do Kho bạc Nhà nước cung cấp"], [2, "Đơn vị: triệu đồng"]]
    data = workbook(("Giai ngan", [*TITLE, ["STT", "Chủ đầu tư", "Kế hoạch", "Giải ngân"]]), ("Ghi chu", notes))

    _parsed, issues = read(data)

    assert "amount_columns_unknown" not in codes(issues.errors)


def test_same_period_and_estimate_columns_are_never_read_as_this_periods_disbursement(db):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                [
                    "STT",
                    "Chủ đầu tư",
                    "Kế hoạch vốn năm 2024",
                    "Giải ngân cùng kỳ năm 2023",
                    "Giải ngân đến 20/7/2024",
                    "Ước giải ngân đến 31/7/2024",
                ],
                ["A", "Dự án do UBND thành phố giao kế hoạch vốn"],
                [1, "Sở Y tế", 40, 35, 10, 20],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    ((_, line),) = parsed.lines
    assert line.disbursed == {"total": 10 * TRIEU}
    assert line.columns[("disbursed", "total")] == 5


def test_only_a_same_period_disbursement_column_is_refused_and_says_it_was_not_read(db):
    data = workbook(
        (
            "Giai ngan",
            [*TITLE, ["STT", "Chủ đầu tư", "Kế hoạch vốn", "Giải ngân cùng kỳ năm trước"], [1, "Sở Y tế", 40, 35]],
        )
    )

    parsed, issues = read(data)

    assert parsed.sections == []
    error = next(e for e in issues.errors if e.code == "column_missing")
    assert (error.sheet, error.row) == ("Giai ngan", 5)
    assert "'Giải ngân cùng kỳ năm trước'" in error.message
    assert all(f"'{w}'" in error.message for w in PLAN_WORDINGS)


def test_two_columns_for_the_same_amount_are_refused_not_chosen(db):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["STT", "Chủ đầu tư", "KH vốn đầu năm", "KH vốn sau điều chỉnh", "Giải ngân"],
                ["A", "Dự án do UBND thành phố giao kế hoạch vốn"],
                [1, "Sở Y tế", 40, 60, 10],
            ],
        )
    )

    parsed, issues = read(data)

    assert parsed.sections == []
    error = next(e for e in issues.errors if e.code == "column_ambiguous")
    assert error.cell == "D5"
    assert "'KH vốn đầu năm'" in error.message and "'KH vốn sau điều chỉnh'" in error.message


def test_a_city_sheet_plan_row_that_names_no_level_is_not_read_and_says_so(db):
    data = workbook(
        (
            "Tong hop",
            [
                *CITY_TITLE,
                ["STT", "Nội dung", "Tổng số"],
                [1, "Kế hoạch vốn năm 2024", 19972.741],
                [2, "Giải ngân đến 20/7/2024", 6086.143],
                [3, "Giải ngân cùng kỳ năm 2023", 9073.923],
            ],
        )
    )

    parsed, issues = read(data)

    assert city_amounts(parsed) == {("disbursed", "total"): 6_086_143 * TRIEU}
    warning = next(w for w in issues.warnings if w.code == "plan_level_missing")
    assert warning.row == 6 and "Kế hoạch vốn năm 2024" in warning.message


def test_a_measure_row_with_its_sources_as_breakdown_rows(db):
    data = workbook(
        (
            "Tong hop",
            [
                *CITY_TITLE,
                ["STT", "Chỉ tiêu", "Giá trị"],
                [1, "Kế hoạch vốn Thủ tướng Chính phủ giao", 17019.198],
                [None, "- Vốn NSTW", 755.463],
                [None, "- Vốn NSĐP", 16263.735],
                [2, "Lũy kế giải ngân", 6086.143],
                [None, "Trong đó: NSTW", 133.717],
                [None, "Trong đó: NSĐP", 5952.426],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == [] and issues.warnings == []
    assert parsed.city.split
    assert city_amounts(parsed) == {
        ("pm", "total"): 17_019_198 * TRIEU,
        ("pm", "nstw"): 755_463 * TRIEU,
        ("pm", "nsdp"): 16_263_735 * TRIEU,
        ("disbursed", "total"): 6_086_143 * TRIEU,
        ("disbursed", "nstw"): 133_717 * TRIEU,
        ("disbursed", "nsdp"): 5_952_426 * TRIEU,
    }


def test_a_repeated_measure_row_is_refused(db):
    data = workbook(
        (
            "Tong hop",
            [
                *CITY_TITLE,
                ["STT", "Nội dung", "Tổng số"],
                [1, "Giải ngân đến 20/7/2024", 6086.143],
                [2, "Lũy kế giải ngân từ đầu năm", 6000],
            ],
        )
    )

    _parsed, issues = read(data)

    error = next(e for e in issues.errors if e.code == "measure_twice")
    assert error.row == 7


def test_header_wording_without_diacritics_and_abbreviated(db):
    data = workbook(
        (
            "Tong hop",
            [
                ["TONG HOP GIAI NGAN TOAN THANH PHO"],
                ["(So lieu den het ngay 20/7/2024)"],
                ["DVT: ty dong"],
                ["TT", "Noi dung", "Tong so", "NSTW", "NSDP"],
                [1, "KH von TTg giao", 17019.198, 755.463, 16263.735],
                [2, "KH von HDND TP giao", 19972.741, 755.463, 19217.278],
                [3, "Giai ngan den 20/7/2024", 6086.143, 133.717, 5952.426],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    assert parsed.city.unit == TY
    assert city_amounts(parsed)[("city", "nsdp")] == 19_217_278 * TRIEU
    assert city_amounts(parsed)[("pm", "total")] == 17_019_198 * TRIEU


def test_measures_named_in_the_second_header_row_under_a_group_that_names_none(db):
    data = workbook(
        (
            "Giai ngan",
            [
                *TITLE,
                ["STT", "Chủ đầu tư", "Năm 2024", None, "Ghi chú"],
                [None, None, "Kế hoạch", "GN đến 20/7/2024", None],
                ["A", "Dự án do UBND thành phố giao kế hoạch vốn"],
                [1, "Sở Y tế", 40, 10, None],
            ],
        )
    )

    parsed, issues = read(data)

    assert issues.errors == []
    ((_, line),) = parsed.lines
    assert (line.plan, line.disbursed) == ({"total": 40 * TRIEU}, {"total": 10 * TRIEU})


def test_plan_levels_named_under_a_plan_group_in_the_treasury_layout(db):
    data = workbook(
        (
            "KBNN",
            [
                ["BIỂU TỔNG HỢP GIẢI NGÂN VỐN ĐẦU TƯ CÔNG NĂM 2024"],
                ["(Số liệu đến hết ngày 20/7/2024)"],
                ["Đơn vị: tỷ đồng"],
                ["STT", "Nguồn vốn", "Kế hoạch vốn năm 2024", None, "Lũy kế giải ngân"],
                [None, None, "TTg giao", "HĐND TP giao", None],
                [None, "Tổng số", 17019.198, 19972.741, 6086.143],
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


def test_a_unit_table_without_a_name_column_is_refused(db):
    data = workbook(("Giai ngan", [*TITLE, ["STT", "Kế hoạch vốn", "Giải ngân"], [1, 40, 10], [2, 7120, 6986]]))

    parsed, issues = read(data)

    assert parsed.sections == []
    error = next(e for e in issues.errors if e.code == "column_missing")
    assert error.row == 5 and "'Chủ đầu tư'" in error.message
