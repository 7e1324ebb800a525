"""An assembled picture in the draft: who has not reported, which figure is older, what a sum covers."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core.money import TY
from disbursement.figures.selectors import ranking
from disbursement.models import BandConfig, ReportTemplate
from disbursement.report.selectors import BandKind, band_for
from disbursement.report.services import draft_report
from tests.disbursement.report.helpers import Unit, figures_snapshot
from tests.factories import stream

TRANSFER = "Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện"


def _section(draft, starts_with: str) -> str:
    return next(text for title, text in draft.sections if title.startswith(starts_with))


def _lines_with(text: str, words: str) -> list[str]:
    return [line for line in text.splitlines() if words in line]


def test_a_unit_that_has_not_reported_is_listed_apart_and_never_as_not_disbursed(db):
    snapshot = figures_snapshot(
        [
            Unit("An Lão", 100 * TY, 0),
            Unit("Tiên Lãng", 120 * TY, None),
            Unit("Vĩnh Bảo", 80 * TY, None),
            Unit("Kiến Thụy", 100 * TY, 60 * TY),
        ]
    )
    text = _section(draft_report(snapshot.id), TRANSFER)

    assert _lines_with(text, "chưa giải ngân") == [
        "- Có 01 quận, huyện chưa giải ngân là huyện An Lão với tổng số vốn được bố trí là 100,000 tỷ đồng."
    ]
    assert "- Có 02/04 quận, huyện chưa báo cáo số liệu: huyện Tiên Lãng, huyện Vĩnh Bảo." in text
    # The stream total sums the two units that reported, and says so.
    assert "lũy kế giải ngân 60,000 tỷ đồng (tổng số liệu của 02/04 quận, huyện đã báo cáo)" in text
    assert all("Tiên Lãng" not in line for line in _lines_with(text, "giải ngân trên"))
    assert all("Tiên Lãng" not in line for line in _lines_with(text, "giải ngân dưới"))


def test_band_for_a_unit_without_a_report_is_not_reported_whatever_the_limits(db):
    snapshot = figures_snapshot([Unit("Tiên Lãng", 120 * TY, None), Unit("Kiến Thụy", 100 * TY, 60 * TY)])
    figures = {f.district.name: f for f in ranking(snapshot, stream("district_transfer"))}
    for limits in ("0; TB", "35", "0; 10; 35"):
        config = BandConfig(stream=stream("district_transfer"), year=2024, limits=limits)
        band = band_for(figures["Tiên Lãng"], config)
        assert (band.kind, band.label) == (BandKind.NOT_REPORTED, "chưa báo cáo")


def test_a_stream_where_nobody_has_reported_writes_no_total_of_zero(db):
    snapshot = figures_snapshot([Unit("Tiên Lãng", 120 * TY, None), Unit("Vĩnh Bảo", 80 * TY, None)])
    text = _section(draft_report(snapshot.id), TRANSFER)
    assert text.splitlines() == [
        f"{TRANSFER}: kế hoạch vốn 200,000 tỷ đồng; chưa có quận, huyện nào báo cáo số liệu giải ngân.",
        "- Có 02/02 quận, huyện chưa báo cáo số liệu: huyện Tiên Lãng, huyện Vĩnh Bảo.",
    ]


def test_a_figure_carried_from_an_earlier_report_is_written_with_its_own_date(db):
    snapshot = figures_snapshot(
        [
            Unit("Kiến Thụy", 270_020_000_000, 183_384_000_000, reported_on=dt.date(2024, 7, 13)),
            Unit("Tiên Lãng", 162_533_000_000, 107_902_000_000),
            Unit("An Lão", 50 * TY, 0, reported_on=dt.date(2024, 6, 30)),
        ]
    )
    text = _section(draft_report(snapshot.id), TRANSFER)
    assert "huyện Kiến Thụy (số liệu đến 13/7/2024: 183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)" in text
    # A figure of the snapshot's own date is written without a date.
    assert "huyện Tiên Lãng (107,902 tỷ đồng / 162,533 tỷ đồng, đạt 66,4%)" in text
    assert "huyện An Lão với tổng số vốn được bố trí là 50,000 tỷ đồng (số liệu đến 30/6/2024)." in text


COVERAGE = {
    "streams": [
        {"code": "city_assigned", "name": "Dự án do UBND thành phố giao", "units_reported": 20, "units_total": 22},
        {
            "code": "district_transfer",
            "name": "Vốn cho quận, huyện",
            "units_reported": 13,
            "units_total": 15,
            "units_carried": 2,
        },
        {"code": "new_rural", "name": "Vốn nông thôn mới", "units_reported": 0, "units_total": 8},
    ],
    "sources": ["nsdp", "nstw"],
    "summary": False,
}


def test_coverage_counted_as_units_not_reported_reads_the_same(db):
    coverage = {
        "summary": False,
        "streams": [
            {
                "code": "district_transfer",
                "name": "Vốn cho quận, huyện",
                "units_total": 15,
                "units_reported_on_date": 11,
                "units_carried": 2,
                "units_not_reported": 2,
            }
        ],
    }
    snapshot = figures_snapshot(
        [Unit("Kiến Thụy", 100 * TY, 60 * TY)], city={"disbursed": 60 * TY, "is_partial": True, "coverage": coverage}
    )
    text = draft_report(snapshot.id).sections[0][1]
    assert (
        "- Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện: 13/15 quận, huyện đã báo cáo"
        " (02 quận, huyện lấy số liệu của báo cáo trước đó)."
    ) in text


def _partial_city_snapshot():
    return figures_snapshot(
        [Unit("Kiến Thụy", 100 * TY, 60 * TY)],
        city={
            "disbursed": 6_086_143_000_000,
            "plan": 19_972_741_000_000,
            "plan_pm": 17_019_198_000_000,
            "is_partial": True,
            "coverage": COVERAGE,
        },
    )


def test_a_city_total_summed_from_the_reports_received_is_worded_as_partial(db):
    draft = draft_report(_partial_city_snapshot().id)
    title, text = draft.sections[0]

    assert title == "Tình hình giải ngân kế hoạch vốn đầu tư công theo các báo cáo đã nhận"
    assert text.splitlines() == [
        "Chưa có số liệu tổng hợp giải ngân của toàn thành phố đến hết ngày 20/7/2024. Cộng các báo cáo đã nhận, "
        "số vốn đầu tư công năm 2024 đã giải ngân từ ngày 01/01/2024 đến hết ngày 20/7/2024 là 6.086,143 tỷ đồng; "
        "đây là tổng các báo cáo đã nhận, chưa phải số liệu của toàn thành phố, gồm:",
        "- Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn: 20/22 chủ đầu tư đã báo cáo;",
        "- Vốn bổ sung có mục tiêu, vốn phân cấp cho các quận, huyện: 13/15 quận, huyện đã báo cáo"
        " (02 quận, huyện lấy số liệu của báo cáo trước đó);",
        "- Vốn xây dựng nông thôn mới: chưa có báo cáo.",
        "Nguồn vốn có trong các báo cáo đã nhận: vốn ngân sách trung ương, vốn ngân sách địa phương.",
    ]
    # Not set against the city's plans as if it were the whole city.
    assert "Lũy kế giải ngân" not in text
    assert "kế hoạch vốn thành phố giao" not in text
    assert "Thủ tướng" not in text
    assert draft.notices == []


def test_a_city_wide_summary_is_written_as_the_city_total(db):
    snapshot = figures_snapshot(
        [Unit("Kiến Thụy", 100 * TY, 60 * TY)],
        city={"disbursed": 6_086_143_000_000, "plan": 19_972_741_000_000, "is_partial": False},
    )
    title, text = draft_report(snapshot.id).sections[0]
    assert title == "Tình hình giải ngân kế hoạch vốn đầu tư công toàn thành phố"
    assert text.startswith(
        "Lũy kế giải ngân kế hoạch vốn đầu tư công năm 2024 từ ngày 01/01/2024 đến hết ngày 20/7/2024 "
        "là 6.086,143 tỷ đồng, đạt 30,47% kế hoạch vốn thành phố giao (19.972,741 tỷ đồng)."
    )
    assert "báo cáo đã nhận" not in text


def _keep_wording(section: str, title: str, body: str) -> None:
    """Wording a staff member edited before the partial picture existed."""
    ReportTemplate.objects.filter(section=section, stream=None).update(title=title, body=body)


def test_wording_that_cannot_say_partial_gives_way_to_the_default_and_the_staff_are_told(db, client, staff_user):
    _keep_wording(
        "city",
        "Tình hình giải ngân toàn thành phố",
        "Lũy kế giải ngân toàn thành phố đến hết ngày {{ as_of }} là {{ disbursed }}, đạt {{ ratio }}.",
    )
    snapshot = _partial_city_snapshot()
    draft = draft_report(snapshot.id)
    title, text = draft.sections[0]
    assert title == "Tình hình giải ngân kế hoạch vốn đầu tư công theo các báo cáo đã nhận"
    assert "Lũy kế giải ngân toàn thành phố" not in text
    assert "đây là tổng các báo cáo đã nhận" in text
    assert len(draft.notices) == 1 and "Toàn thành phố" in draft.notices[0] and "is_partial" in draft.notices[0]

    client.force_login(staff_user)
    page = client.get(reverse("admin:disbursement_report_draft"), {"snapshot": snapshot.id}).content.decode()
    assert "is_partial: tổng của thành phố là cộng các báo cáo đã nhận" in page


def test_edited_wording_that_handles_partial_is_kept(db):
    _keep_wording(
        "city",
        "Toàn thành phố",
        "{% if is_partial %}Tạm tính {{ disbursed }}{% else %}Lũy kế {{ disbursed }}{% endif %}",
    )
    draft = draft_report(_partial_city_snapshot().id)
    assert draft.sections[0] == ("Toàn thành phố", "Tạm tính 6.086,143 tỷ đồng")
    assert draft.notices == []


def test_older_wording_of_lists_gives_way_where_units_are_missing_or_carried(db):
    _keep_wording("unit_entry", "", "{{ name }} ({{ disbursed }} / {{ plan }}, đạt {{ ratio }})")
    _keep_wording(
        "stream",
        "{{ stream_name }}",
        "{% for band in bands %}{{ band.label }}: {{ band.names|join:', ' }}\n{% endfor %}",
    )
    snapshot = figures_snapshot(
        [
            Unit("Kiến Thụy", 270_020_000_000, 183_384_000_000, reported_on=dt.date(2024, 7, 13)),
            Unit("Tiên Lãng", 120 * TY, None),
        ]
    )
    draft = draft_report(snapshot.id)
    text = _section(draft, TRANSFER)
    assert "huyện Kiến Thụy (số liệu đến 13/7/2024: 183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)" in text
    assert "- Có 01 quận, huyện chưa báo cáo số liệu: huyện Tiên Lãng." in text
    assert len(draft.notices) == 2
