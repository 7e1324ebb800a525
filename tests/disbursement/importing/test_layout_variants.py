"""Files as other senders lay them out import to the same figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from disbursement.models import SnapshotLine
from tests.builders import DISTRICT_ROWS, SECTION_A, SECTION_B, Row, SectionSpec, build_workbook, small_spec
from tests.disbursement.importing.helpers import disbursed_by_unit, run

TRIEU = 10**6
EXPECTED = {"SNN": 1752 * TRIEU, "UB-313": 6986 * TRIEU, "SYT": 0, "BQL-GT": 1_104_230 * TRIEU}
EXPECTED_DISTRICTS = {"314": 183_384 * TRIEU, "315": 107_902 * TRIEU, "318": 23_785 * TRIEU}


def _check_imported(result):
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings]
    got = disbursed_by_unit(result.snapshot)
    assert got == {**EXPECTED, **EXPECTED_DISTRICTS}
    assert result.snapshot.as_of == dt.date(2024, 7, 20)
    return result.snapshot


def test_sample_layout_built_in_code(master_data):
    _check_imported(run(build_workbook(small_spec())))


def test_other_column_order_and_offset_start(master_data):
    spec = small_spec(
        columns=[
            "name",
            "disbursed_nsdp",
            "plan",
            "stt",
            "ratio",
            "disbursed",
            "plan_nsdp",
            "note",
            "plan_nstw",
            "disbursed_nstw",
        ],
        start_row=4,
        start_column=3,
    )
    snapshot = _check_imported(run(build_workbook(spec)))
    board = SnapshotLine.objects.get(snapshot=snapshot, investor__code="BQL-GT", source__code="nstw")
    assert (board.disbursed, board.stated_plan) == (80_517 * TRIEU, 455_463 * TRIEU)


def test_ty_dong_with_decimals_as_vietnamese_text(master_data):
    def in_ty(row: Row) -> Row:
        return Row(
            row.name,
            *(Decimal(getattr(row, f)) / 1000 for f in ("plan_nstw", "plan_nsdp", "disbursed_nstw", "disbursed_nsdp")),
        )

    spec = small_spec(unit_line="ĐVT: tỷ đồng", as_text=True, decimals=3, city=None)
    for section in spec.sections:
        section.rows = [in_ty(r) for r in section.rows]
    _check_imported(run(build_workbook(spec)))


def test_no_source_split_gives_unsplit_lines(master_data):
    snapshot = _check_imported(run(build_workbook(small_spec(split=False, city=None))))
    assert set(SnapshotLine.objects.filter(snapshot=snapshot).values_list("source__code", flat=True)) == {"unsplit"}


def test_headers_and_title_without_diacritics(master_data):
    spec = small_spec(
        diacritics=False, date_line="(So lieu den het ngay 20/07/2024)", unit_line="Don vi: trieu dong", city=None
    )
    _check_imported(run(build_workbook(spec)))


def test_roman_numeral_sections_without_column_numbers(master_data):
    spec = small_spec(column_numbers=False, city=None)
    spec.sections[0].label = "I"
    spec.sections[1].label = "II"
    _check_imported(run(build_workbook(spec)))


def test_sections_in_other_order_matched_by_wording(master_data):
    spec = small_spec(city=None)
    spec.sections.reverse()
    spec.sections[0].label, spec.sections[1].label = "A", "B"
    _check_imported(run(build_workbook(spec)))


def test_alias_spelling_matches_the_known_unit(master_data):
    spec = small_spec(city=None)
    spec.sections[0].rows[0].name = "Sở NN&PTNT"
    spec.sections[1].rows[0].name = "Kiến Thuỵ"  # tone mark placed differently
    spec.sections[1].rows[2].name = "Bạch Long Vỹ"
    _check_imported(run(build_workbook(spec)))


def test_as_of_date_given_when_title_has_none(master_data):
    spec = small_spec(date_line=None, city=None, disbursed_header="Lũy kế giải ngân")
    result = run(build_workbook(spec))
    assert result.status == "failed" and result.errors[0].code == "date_missing"

    _check_imported(run(build_workbook(spec), as_of=dt.date(2024, 7, 20)))


@pytest.mark.parametrize("labels", [("A", "B", "C"), ("I", "II", "III")])
def test_unknown_section_wording_is_refused(master_data, labels):
    spec = small_spec(city=None)
    spec.sections.append(SectionSpec("", "KINH PHÍ CHUẨN BỊ ĐẦU TƯ", [Row(**vars(DISTRICT_ROWS[0]))]))
    for section, label in zip(spec.sections, labels, strict=True):
        section.label = label
    result = run(build_workbook(spec))
    assert result.status == "failed"
    assert "section_unknown" in [e.code for e in result.errors]


def test_section_titles_come_from_stream_keywords(master_data):
    from disbursement.models import CapitalStream

    CapitalStream.objects.filter(code="district_transfer").update(keywords="vốn phân cấp quận")
    spec = small_spec(city=None)
    spec.sections[1].title = "Vốn phân cấp quận, huyện năm 2024"
    _check_imported(run(build_workbook(spec)))
    assert SECTION_A and SECTION_B


def test_groups_inside_a_section_keep_their_units_in_the_section(master_data):
    from tests.builders import INVESTOR_ROWS

    spec = small_spec(city=None)
    rows = [Row(**vars(x)) for x in INVESTOR_ROWS]
    spec.sections[0].rows = rows
    data = build_workbook(spec)
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    # A group heading with its own sub-total, between the section row (8) and its first unit (9).
    ws.insert_rows(9)
    ws["A9"], ws["B9"], ws["C9"], ws["F9"] = "I", "Các sở, ngành", 1792, 1752
    out = io.BytesIO()
    wb.save(out)
    _check_imported(run(out.getvalue()))
