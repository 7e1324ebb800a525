"""A 2025 that crosses the change (departments merged on 1/3, communes from 1/7) and a 2026, from imported files.

The master data comes from the shipped sheet; the figures from workbooks in the shipped layout. Rankings
follow the level on the date, comparisons sum a merger's predecessors and say "không so sánh được" after
a split, rural-only sections follow the unit's kind on the date, the digest goes to the successor's head,
the draft explains the year and the exports say what cannot be compared.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from core.money import TRIEU
from core.succession import ComparisonBasis
from disbursement.digest.services import week_recipients
from disbursement.exporting.services import ranking_csv
from disbursement.figures.selectors import ranking
from disbursement.figures.services import compute_snapshot
from disbursement.importing.master_data import import_master_data
from disbursement.models import CapitalStream, Figure, Flag, Snapshot
from disbursement.report.services import draft_report
from tests.builders import SAMPLE_DIR, Row, SectionSpec, WorkbookSpec, build_workbook, load_master_data
from tests.disbursement.importing.helpers import run
from tests.factories import stream

SECTION_A = "DỰ ÁN DO ỦY BAN NHÂN DÂN THÀNH PHỐ GIAO KẾ HOẠCH VỐN"
SECTION_B = "VỐN BỔ SUNG CÓ MỤC TIÊU CHO CÁC QUẬN, HUYỆN, XÃ, PHƯỜNG"
SECTION_C = "VỐN XÂY DỰNG NÔNG THÔN MỚI"


def _spec(day: dt.date, a: list[Row], b: list[Row], c: list[Row]) -> bytes:
    when = f"{day.day}/{day.month}/{day.year}"
    sections = [SectionSpec("A", SECTION_A, a), SectionSpec("B", SECTION_B, b)]
    if c:
        sections.append(SectionSpec("C", SECTION_C, c))
    spec = WorkbookSpec(
        sections=sections,
        title=f"BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM {day.year}",
        date_line=f"(Số liệu tính đến hết ngày {when})",
        disbursed_header=f"Giải ngân từ 01/01/{day.year} đến {when}",
        split=False,
        city=None,
    )
    return build_workbook(spec)


def _import(day: dt.date, a, b, c=(), *, confirm_warnings: bool = False):
    result = run(_spec(day, list(a), list(b), list(c)), name=f"giai-ngan-{day}.xlsx", confirm_warnings=confirm_warnings)
    return result


def _imported(day: dt.date, a, b, c=()) -> Snapshot:
    result = _import(day, a, b, c, confirm_warnings=True)
    assert result.status == "imported", [str(i) for i in result.errors + result.warnings]
    snapshot = Snapshot.objects.current().get(as_of=day)
    compute_snapshot(snapshot.id)
    return snapshot


def _row(name: str, plan: int, disbursed: int) -> Row:
    return Row(name, 0, plan, 0, disbursed)


def _ranked(snapshot: Snapshot, code: str) -> list[str]:
    return [f.unit.display_name for f in ranking(snapshot, stream(code))]


def _unit(snapshot: Snapshot, name: str) -> Figure:
    return next(
        f
        for f in Figure.objects.filter(snapshot=snapshot, source=None, scope__in=["investor", "district"])
        if f.unit.display_name == name and f.stream.code != CapitalStream.NEW_RURAL
    )


@pytest.fixture
def units_2025(db):
    load_master_data()
    sheet = SAMPLE_DIR / "danh-muc-don-vi-2025.xlsx"
    assert import_master_data(sheet.read_bytes(), sheet.name, confirm=True).ok


@pytest.fixture
def years(units_2025):
    snapshots = {
        "2024": _imported(
            dt.date(2024, 7, 20),
            [
                _row("Sở Giao thông vận tải", 100_000, 30_000),
                _row("Sở Xây dựng", 300_000, 70_000),
                _row("UBND huyện An Lão", 7_000, 3_000),
            ],
            [
                _row("huyện Kiến Thụy", 270_000, 100_000),
                _row("huyện Cát Hải", 50_000, 20_000),
                _row("quận Hồng Bàng", 80_000, 40_000),
            ],
            [_row("huyện An Dương", 10_000, 5_000), _row("huyện Kiến Thụy", 20_000, 8_000)],
        ),
        "june": _imported(
            dt.date(2025, 6, 20),
            # After 1/3 a file may still write the merged department's name: it is the successor's line.
            [_row("Sở GTVT", 500_000, 40_000), _row("UBND huyện An Lão", 8_000, 4_000)],
            [
                _row("huyện Kiến Thụy", 300_000, 120_000),
                _row("huyện Cát Hải", 60_000, 30_000),
                _row("quận Hồng Bàng", 90_000, 50_000),
            ],
            [_row("quận An Dương", 10_000, 2_000)],
        ),
        "july": _imported(
            dt.date(2025, 7, 20),
            [
                _row("Sở Xây dựng", 500_000, 50_000),
                _row("UBND xã An Lão", 3_000, 500),
                _row("Ban QLDA các công trình dân dụng và công nghiệp", 1_000, 300),
            ],
            [
                _row("xã Kiến Thụy", 100_000, 20_000),
                _row("đặc khu Cát Hải", 60_000, 35_000),
                _row("phường Hồng Bàng", 40_000, 10_000),
                _row("phường Ngô Quyền", 40_000, 0),
            ],
            [_row("xã Kiến Thụy", 5_000, 1_000)],
        ),
        "2026": _imported(
            dt.date(2026, 7, 20),
            [_row("Sở Xây dựng", 600_000, 180_000)],
            [_row("xã Kiến Thụy", 120_000, 30_000), _row("đặc khu Cát Hải", 70_000, 40_000)],
        ),
    }
    return snapshots


def test_rankings_follow_the_level_on_the_date(years):
    assert _ranked(years["june"], "district_transfer") == ["quận Hồng Bàng", "huyện Cát Hải", "huyện Kiến Thụy"]
    # After 1/7 only communes, wards and special zones: the districts' 2025 plans are not listed as unreported.
    assert _ranked(years["july"], "district_transfer") == [
        "đặc khu Cát Hải",
        "phường Hồng Bàng",
        "xã Kiến Thụy",
        "phường Ngô Quyền",
    ]
    assert _ranked(years["july"], "city_assigned") == [
        "Ban QLDA các công trình dân dụng và công nghiệp",
        "UBND xã An Lão",
        "Sở Xây dựng",
    ]
    assert _ranked(years["2026"], "district_transfer") == ["đặc khu Cát Hải", "xã Kiến Thụy"]


def test_comparisons_sum_a_merger_and_refuse_a_split(years):
    construction = _unit(years["july"], "Sở Xây dựng")
    assert construction.same_period_basis == ComparisonBasis.PREDECESSORS
    assert construction.same_period_disbursed == 100_000 * TRIEU
    assert construction.same_period_plan == 400_000 * TRIEU

    cat_hai = _unit(years["july"], "đặc khu Cát Hải")
    # The special zone's own plan, stated after it was formed, is the whole plan: the district's is not added.
    assert cat_hai.plan == 60_000 * TRIEU
    assert (cat_hai.previous_basis, cat_hai.change_amount) == (ComparisonBasis.PREDECESSORS, 5_000 * TRIEU)
    assert (cat_hai.same_period_basis, cat_hai.same_period_disbursed) == (ComparisonBasis.PREDECESSORS, 20_000 * TRIEU)

    commune = _unit(years["july"], "xã Kiến Thụy")
    assert commune.previous_basis == commune.same_period_basis == ComparisonBasis.NOT_COMPARABLE
    assert (commune.change_amount, commune.same_period_ratio) == (None, None)
    board = _unit(years["july"], "Ban QLDA các công trình dân dụng và công nghiệp")
    assert board.previous_basis == ComparisonBasis.NOT_COMPARABLE

    # 2026 against 2025: the same communes, compared as any unit.
    later = _unit(years["2026"], "xã Kiến Thụy")
    assert (later.same_period_basis, later.same_period_disbursed) == (ComparisonBasis.SAME_UNIT, 20_000 * TRIEU)
    # The stream is always compared.
    stream_july = Figure.objects.get(
        snapshot=years["july"], scope="stream", stream=stream("district_transfer"), source=None
    )
    assert stream_july.change_amount == (65_000 - 200_000) * TRIEU


def test_rural_only_lines_follow_the_kind_on_the_date(units_2025):
    b = [_row("huyện Kiến Thụy", 1_000, 10)]
    in_2024 = _import(dt.date(2024, 7, 20), [], b, [_row("huyện An Dương", 10_000, 5_000)])
    assert not [w for w in in_2024.warnings if w.code == "not_rural"]
    in_2025 = _import(dt.date(2025, 6, 20), [], b, [_row("An Dương", 10_000, 2_000)])
    warning = next(w for w in in_2025.warnings if w.code == "not_rural")
    assert "quận An Dương" in warning.message
    after = _import(dt.date(2025, 7, 20), [], [_row("xã Kiến Thụy", 1_000, 10)], [_row("xã Kiến Thụy", 5_000, 1_000)])
    assert not [w for w in after.warnings if w.code == "not_rural"]


def test_flags_digest_draft_and_exports_after_the_change(years):
    july = years["july"]
    not_disbursed = Flag.objects.get(kind="not_disbursed", district__code="P-NQ")
    assert not_disbursed.raised_on == july.as_of
    # Flags of units that no longer exist are not raised on dates after they ended.
    assert not Flag.objects.filter(
        raised_on__gte=dt.date(2025, 7, 1), district__code__in=["314", "317", "303"]
    ).exists()

    emails = {r.email for r in week_recipients(july)}
    assert "giamdoc.sxd@haiphong.gov.vn" in emails

    text = draft_report(july.id).text
    assert "Từ ngày 01/3/2025" in text and "Sở Giao thông vận tải sáp nhập vào Sở Xây dựng" in text
    assert "Từ ngày 01/7/2025, không còn cấp huyện" in text
    assert "huyện Cát Hải sáp nhập vào đặc khu Cát Hải" in text
    assert "không so sánh được" in text and "xã Kiến Thụy" in text
    assert "xã, phường, đặc khu" in text
    june_text = draft_report(years["june"].id).text
    assert "Từ ngày 01/7/2025" not in june_text and "Từ ngày 01/3/2025" in june_text
    assert "Sắp xếp đơn vị" not in draft_report(years["2024"].id).text

    rows = list(csv.reader(io.StringIO(ranking_csv(july.id, stream_code="district_transfer").decode("utf-8-sig"))))
    commune = next(r for r in rows if "xã Kiến Thụy" in r)
    assert "không so sánh được" in commune


def test_the_rankings_page_names_the_level_and_what_cannot_be_compared(years, client, staff_user):
    from django.urls import reverse

    client.force_login(staff_user)
    july = years["july"]
    html = client.get(reverse("admin:disbursement_snapshot_rankings", args=[july.pk, "district_transfer"])).content
    html = html.decode()
    assert "Xã, phường, đặc khu" in html
    row = html.split("xã Kiến Thụy", 1)[1].split("</tr>", 1)[0]
    assert "Không so sánh được" in row
    merged = html.split("đặc khu Cát Hải", 1)[1].split("</tr>", 1)[0]
    assert "cộng các đơn vị trước sắp xếp" in merged
    june = client.get(reverse("admin:disbursement_snapshot_rankings", args=[years["june"].pk, "district_transfer"]))
    assert "Quận, huyện" in june.content.decode()
    # The draft's coverage names the units of the date too.
    assert "04/04 xã, phường, đặc khu đã báo cáo" in draft_report(july.id).text


def test_a_commune_level_sender_layout_is_read(units_2025):
    from openpyxl import Workbook

    from tests.disbursement.importing.helpers import disbursed_by_unit

    wb = Workbook()
    ws = wb.active
    ws.title = "Xa phuong"
    ws["A1"] = "BIỂU TỔNG HỢP TÌNH HÌNH GIẢI NGÂN KẾ HOẠCH VỐN ĐẦU TƯ CÔNG NĂM 2026"
    ws["A2"] = "(Số liệu tính đến hết ngày 20/7/2026)"
    ws["A3"] = "Đơn vị tính: triệu đồng"
    ws.append([])
    ws.append(["STT", "Xã, phường, đặc khu", "Kế hoạch vốn năm 2026", "Giải ngân từ 01/01/2026 đến 20/7/2026"])
    ws.append(["I", "VỐN BỔ SUNG CÓ MỤC TIÊU CHO CÁC XÃ, PHƯỜNG, ĐẶC KHU", 190_000, 70_000])
    ws.append([1, "Xã Kiến Thụy", 120_000, 30_000])
    ws.append([2, "Đặc khu Cát Hải", 70_000, 40_000])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = run(buffer.getvalue(), name="xa-phuong-2026-07-20.xlsx", confirm_warnings=True)
    assert result.status == "imported", [str(i) for i in result.errors + result.warnings]
    snapshot = Snapshot.objects.current().get(as_of=dt.date(2026, 7, 20))
    assert disbursed_by_unit(snapshot) == {"X-KT": 30_000 * TRIEU, "DK-CH": 40_000 * TRIEU}
