"""Mistakes in a file are caught before anything is written, located at their cell."""

from __future__ import annotations

import datetime as dt

from disbursement.models import AllocationRevision, Snapshot
from tests.builders import Row, SectionSpec, build_workbook, small_spec
from tests.disbursement.importing.helpers import codes, run, written

TRIEU = 10**6


def _import_first(spec=None):
    result = run(build_workbook(spec or small_spec()), name="lan-1.xlsx")
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings]
    return result.snapshot


def test_wrong_subtotal_is_an_error_at_its_cell_and_nothing_is_written(master_data):
    spec = small_spec()
    spec.sections[1].subtotal_override = {"disbursed": 315_071 + 5, "disbursed_nsdp": 315_071 + 5}
    before = written()

    result = run(build_workbook(spec), confirm_warnings=True)

    assert result.status == "failed"
    errors = [e for e in result.errors if e.code == "subtotal_mismatch"]
    assert {e.cell for e in errors} == {"F13", "H13"}
    assert all(e.sheet == "Giai ngan" and e.file == "bao-cao.xlsx" and e.row == 13 for e in errors)
    assert "phần B" in errors[0].message
    assert written() == before


def test_rounding_within_one_unit_is_accepted(master_data):
    spec = small_spec()
    spec.sections[1].subtotal_override = {"disbursed": 315_072, "disbursed_nsdp": 315_072}
    assert run(build_workbook(spec)).status == "imported"


def test_wrong_scale_against_the_plan_in_force_is_an_error(master_data):
    _import_first()
    spec = small_spec(date_line="(Số liệu tính đến hết ngày 27/7/2024)", city=None)
    an_lao = spec.sections[0].rows[1]
    # Written in tỷ đồng figures inside a triệu đồng file: 7,12 instead of 7.120.
    spec.sections[0].rows[1] = Row(an_lao.name, 0, 7120 * 1000, 0, 6986 * 1000)
    spec.sections[0].subtotal_override = None
    before = written()

    result = run(build_workbook(spec), confirm_warnings=True)

    assert result.status == "failed"
    scale = [e for e in result.errors if e.code == "scale_error"]
    assert scale and all(e.row == 10 for e in scale)
    assert "1.000 lần" in scale[0].message
    assert written() == before


def test_decreasing_cumulative_amount_needs_confirmation(master_data):
    _import_first()
    spec = small_spec(date_line="(Số liệu tính đến hết ngày 27/7/2024)", city=None)
    spec.sections[1].rows[0].disbursed_nsdp = 183_000  # was 183.384
    before = written()

    preview = run(build_workbook(spec))

    assert preview.status == "needs_confirmation"
    warning = next(w for w in preview.warnings if w.code == "cumulative_decreased")
    assert (warning.sheet, warning.row) == ("Giai ngan", 14)
    assert "20/07/2024" in warning.message
    assert written() == before

    confirmed = run(build_workbook(spec), confirm_warnings=True)
    assert confirmed.status == "imported"
    assert Snapshot.objects.current().count() == 2


def test_negative_amount_is_an_error(master_data):
    spec = small_spec(city=None)
    spec.sections[0].rows[2].plan_nsdp = -40
    spec.sections[0].subtotal_override = None
    result = run(build_workbook(spec), confirm_warnings=True)
    assert result.status == "failed"
    assert "negative_amount" in codes(result.errors)
    assert written() == (0, 0, 0, 0, 0)


def test_disbursed_just_above_plan_is_a_warning_and_a_wrong_stated_ratio_is_confirmed_at_its_cell(master_data):
    spec = small_spec(city=None)
    spec.sections[0].rows[2] = Row("Sở Y tế", 0, 40, 0, 41)
    spec.sections[1].rows[1].ratio = 76.39  # figures give 66,39%
    result = run(build_workbook(spec))
    assert result.status == "needs_confirmation"
    assert set(codes(result.warnings)) == {"disbursed_above_plan"}
    ratio = next(w for w in result.to_confirm if w.code == "ratio_mismatch")
    assert ratio.cell == "I15"


def test_unknown_name_lists_the_closest_known_names(master_data):
    spec = small_spec(city=None)
    spec.sections[0].rows[3].name = "Ban QLDA các công trình giao thong vận tải"
    result = run(build_workbook(spec), confirm_warnings=True)
    assert result.status == "failed"
    error = next(e for e in result.errors if e.code == "unknown_name")
    assert error.cell == "B12"
    assert "Ban QLDA các công trình giao thong vận tải" in error.message
    assert "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông" in error.message
    assert written() == (0, 0, 0, 0, 0)


def test_adding_an_alias_lets_the_same_file_through(master_data):
    from investors.models import Investor, InvestorAlias

    spec = small_spec(city=None)
    spec.sections[0].rows[2].name = "SYT Hải Phòng"
    data = build_workbook(spec)
    assert run(data).status == "failed"
    InvestorAlias.objects.create(investor=Investor.objects.get(code="SYT"), name="SYT Hải Phòng")
    assert run(data).status == "imported"


def test_as_of_outside_the_plan_year_is_an_error(master_data):
    # The wrong-year mistake: a 2024 report dated 2022.
    spec = small_spec(date_line="(Số liệu tính đến hết ngày 20/7/2022)", city=None)
    result = run(build_workbook(spec), confirm_warnings=True)
    assert result.status == "failed"
    error = next(e for e in result.errors if e.code == "date_out_of_period")
    assert (error.row, error.cell) == (2, "A2")


def test_a_district_as_investor_stays_apart_from_the_district(master_data):
    snapshot = _import_first()
    lines = snapshot.lines.filter(investor__code="UB-313")
    assert lines.get().stream.code == "city_assigned"
    assert not snapshot.lines.filter(district__code="313").exists()


def test_new_file_for_the_same_date_supersedes_and_keeps_the_old_one(master_data):
    first = _import_first()
    spec = small_spec()
    spec.sections[0].rows[0] = Row("Sở Nông nghiệp và Phát triển nông thôn", 0, 2000, 0, 1752)
    second = run(build_workbook(spec), name="lan-2.xlsx")
    assert second.status == "imported"
    assert second.summary["superseded_snapshot"] == first.id
    first.refresh_from_db()
    assert not first.is_current and first.superseded_by == second.snapshot
    # The changed plan is a new revision from the as-of date, linked to the new snapshot.
    revisions = AllocationRevision.objects.filter(allocation__investor__code="SNN").order_by("effective_from", "id")
    assert [(r.amount, r.effective_from) for r in revisions] == [
        (1752 * TRIEU, dt.date(2024, 1, 1)),
        (2000 * TRIEU, dt.date(2024, 7, 20)),
    ]
    assert revisions.last().snapshot == second.snapshot


def test_unchanged_plans_add_no_revision(master_data):
    _import_first()
    count = AllocationRevision.objects.count()
    spec = small_spec(date_line="(Số liệu tính đến hết ngày 27/7/2024)")
    result = run(build_workbook(spec))
    assert result.status == "imported"
    assert result.summary["plan_revisions"] == 0
    assert AllocationRevision.objects.count() == count


def test_dry_run_writes_nothing_and_reports_the_preview(master_data):
    result = run(build_workbook(small_spec()), dry_run=True)
    assert result.status == "dry_run"
    assert result.summary["units"] == 7
    assert result.summary["plan_revisions"] > 0
    assert written() == (0, 0, 0, 0, 0)


def test_an_urban_district_in_the_new_rural_section_needs_confirmation(master_data):
    spec = small_spec()
    spec.sections.append(
        SectionSpec(
            "C",
            "VỐN XÂY DỰNG NÔNG THÔN MỚI",
            [Row("huyện Kiến Thụy", 0, 50_000, 0, 10_000), Row("quận Đồ Sơn", 0, 20_000, 0, 5_000)],
        )
    )
    spec.city = None
    result = run(build_workbook(spec))

    assert result.status == "needs_confirmation"
    warning = next(w for w in result.warnings if w.code == "not_rural")
    assert (
        warning.row is not None and "quận Đồ Sơn" in warning.message and "chỉ dành cho các huyện, xã" in warning.message
    )
    assert "huyện Kiến Thụy" not in " ".join(w.message for w in result.warnings if w.code == "not_rural")
    assert run(build_workbook(spec), confirm_warnings=True).status == "imported"
