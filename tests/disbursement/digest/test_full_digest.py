"""The staff digest: citywide figures with the same period, each stream's ranking, what changed."""

from disbursement.digest import selectors, services
from tests.disbursement.digest.conftest import WEEK


def test_staff_digest_gives_city_figures_with_same_period_comparison(digest_data):
    text = services.render_digest(digest_data.staff, WEEK).text

    # 287 of 1.000 tỷ đồng this year; 270 of 900 at the same date last year.
    assert "Lũy kế giải ngân 287,000 tỷ đồng, đạt 28,70% kế hoạch thành phố giao (1.000,000 tỷ đồng)" in text
    assert "Cùng kỳ năm trước (đến 20/07/2023): 30,00%" in text
    assert "So với kỳ trước (đến hết ngày 13/07/2024): +57,000 tỷ đồng (+5,70 điểm %)" in text


def test_each_stream_is_ranked_highest_ratio_first_as_the_reports_write_units(digest_data):
    digest = selectors.full_digest(WEEK)
    text = services.render_digest(digest_data.staff, WEEK).text

    names = [[u.name for u in section.units] for section in digest.streams]
    assert names == [
        ["Ban Quản lý dự án đầu tư xây dựng công trình giao thông", "Sở Giao thông vận tải", "Sở Y tế"],
        ["huyện Kiến Thụy", "huyện An Lão"],
    ]
    assert "Hạng 3/3: Sở Y tế (12,000 tỷ đồng / 200,000 tỷ đồng, đạt 6%)" in text
    assert "Hạng 1/2: huyện Kiến Thụy (75,000 tỷ đồng / 150,000 tỷ đồng, đạt 50%)" in text


def test_biggest_movers_are_the_units_whose_ratio_rose_most_since_last_week(digest_data):
    digest = selectors.full_digest(WEEK)

    # Board +30 points, Kiến Thụy +10, roads +3,3; An Lão did not move.
    assert [(u.name, u.change_points) for u in digest.movers_up] == [
        ("Ban Quản lý dự án đầu tư xây dựng công trình giao thông", "+30 điểm %"),
        ("huyện Kiến Thụy", "+10 điểm %"),
        ("Sở Giao thông vận tải", "+3,3 điểm %"),
    ]
    assert digest.movers_down == []


def test_html_part_carries_the_same_figures_and_references_the_inline_chart(digest_data):
    rendered = services.render_digest(digest_data.staff, WEEK)

    assert f'src="cid:{rendered.chart_cid}"' in rendered.html
    assert "28,70%" in rendered.html and "huyện Kiến Thụy" in rendered.html
    assert "<link" not in rendered.html and "<script" not in rendered.html  # no external assets
    assert rendered.chart.startswith(b"\x89PNG\r\n\x1a\n")
