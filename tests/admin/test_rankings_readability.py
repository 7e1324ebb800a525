"""The rankings page reads well: no empty columns, short names with the full one beside, an empty choice
explained with its tabs kept, charts that say when last year has no figures, table semantics."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.presentation import short_name
from disbursement.admin.charts import CHAR_W, Bar, Series, bar_chart, line_chart
from disbursement.models import Figure
from investors.models import Investor

pytestmark = pytest.mark.django_db


def rankings(client, snapshot, code="city_assigned", **query) -> str:
    url = reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, code])
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def headers(html: str) -> list[str]:
    head = html.split('<table id="rankings"', 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th [^>]*>(.*?)</th>", head, flags=re.S)]


def test_a_source_a_stream_does_not_have_is_explained_and_every_tab_stays(admin_client_vi, ranked_year):
    html = rankings(admin_client_vi, ranked_year["current"], "district_transfer", source="nstw")
    note = html.split('id="empty-combination"', 1)[1].split("</div>", 1)[0]
    assert "không có số liệu riêng của <strong>Ngân sách trung ương</strong>" in note
    assert (
        reverse("admin:disbursement_snapshot_rankings", args=[ranked_year["current"].pk, "district_transfer"]) in note
    )
    streams = html.split('id="streams"', 1)[1].split("</nav>", 1)[0]
    assert "district_transfer/?source=nstw" in streams and "city_assigned/?source=nstw" in streams
    assert 'class="active" aria-current="page">Vốn bổ sung có mục tiêu' in streams
    sources = html.split('id="sources"', 1)[1].split("</nav>", 1)[0]
    assert 'aria-current="page">Ngân sách trung ương' in sources and "Mọi nguồn vốn" in sources
    # No empty table, no empty chart.
    assert '<table id="rankings"' not in html and 'class="chart ' not in html


def test_columns_without_any_figure_are_left_out_and_named(admin_client_vi, ranked_year):
    html = rankings(admin_client_vi, ranked_year["current"])
    assert "Cùng kỳ năm trước" in headers(html) and "Tăng tỷ lệ (điểm %)" in headers(html)
    Figure.objects.filter(snapshot=ranked_year["current"]).update(same_period_ratio=None, change_points=None)
    html = rankings(admin_client_vi, ranked_year["current"])
    assert "Cùng kỳ năm trước" not in headers(html) and "Tăng tỷ lệ (điểm %)" not in headers(html)
    note = html.split('id="hidden-columns"', 1)[1].split("</span>", 1)[0]
    assert "Tăng tỷ lệ" in note and "Cùng kỳ năm trước" in note
    # Every row has as many cells as the header has columns.
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for row in re.findall(r"<tr .*?</tr>", body, flags=re.S):
        assert len(re.findall(r"<t[dh][ >]", row)) == len(headers(html))


def test_a_long_name_is_written_short_with_the_full_name_beside(admin_client_vi, ranked_year):
    Investor.objects.filter(pk=ranked_year["investors"][0].pk).update(name="Sở Nông nghiệp và Phát triển nông thôn")
    html = rankings(admin_client_vi, ranked_year["current"])
    assert '<abbr title="Sở Nông nghiệp và Phát triển nông thôn">Sở NN&amp;PTNT</abbr>' in html
    bar_svg = html.split('class="chart chart-bar"', 1)[1].split("</svg>", 1)[0]
    assert "Sở NN&amp;PTNT" in bar_svg and "<title>Sở Nông nghiệp và Phát triển nông thôn</title>" in bar_svg
    assert short_name("Ban Quản lý dự án đầu tư xây dựng các công trình giao thông") == (
        "Ban QLDA ĐTXD các công trình giao thông"
    )
    assert short_name("Sở Y tế") == "Sở Y tế"


def test_table_has_a_caption_and_scoped_headers(admin_client_vi, ranked_year):
    html = rankings(admin_client_vi, ranked_year["current"])
    table = html.split('<table id="rankings"', 1)[1].split("</table>", 1)[0]
    assert "<caption>Xếp hạng Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn" in table
    assert table.count("<th ") == table.count('scope="col"') + table.count('scope="row"')
    assert table.count('scope="row"') == 3
    assert 'id="rankings-search"' in html and "disbursement/tables.js" in html


def test_the_line_chart_says_when_last_year_has_no_figures(admin_client_vi, ranked_year):
    html = rankings(admin_client_vi, ranked_year["current"])
    assert "so với năm trước" in html.split('id="line-caption">', 1)[1].split("</figcaption>", 1)[0]
    for snapshot in ranked_year["snapshots"][:2]:  # the 2023 snapshots
        snapshot.figures.all().delete()
    html = rankings(admin_client_vi, ranked_year["current"])
    caption = html.split('id="line-caption">', 1)[1].split("</figcaption>", 1)[0]
    assert "so với năm trước" not in caption and "chưa có số liệu năm 2023" in caption
    line_svg = html.split('class="chart chart-line "', 1)[1].split("</svg>", 1)[0]
    assert "Năm 2023" in line_svg and "(chưa có số liệu)" in line_svg


def _label_extents(svg: str) -> list[tuple[float, int]]:
    """(x where a label's text ends, its length) of each line of each label."""
    return [(float(x), len(text)) for x, text in re.findall(r'<tspan x="([\d.]+)" y="[\d.]+">([^<]*)</tspan>', svg)]


def test_bar_labels_fit_the_chart_and_values_stay_clear_of_the_reference_line():
    long = "Ban QLDA các công trình dân dụng và công nghiệp thành phố Hải Phòng"
    svg = bar_chart([Bar(long, 45), Bar("Sở Y tế", 30)], reference=40, reference_label="Tỷ lệ chung", title="Tỷ lệ")
    extents = _label_extents(svg)
    assert len(extents) == 3  # the long name on two lines
    # Each line, measured at the widest character, starts inside the chart.
    assert all(end - length * CHAR_W >= 0 for end, length in extents)
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    reference_x = float(re.search(r'<line class="reference" x1="([\d.]+)"', svg).group(1))
    values = [float(x) for x in re.findall(r'<text class="value" x="([\d.]+)"', svg)]
    # Values are written right of the plot, anchored at the end, inside the chart, right of the line.
    assert values and all(x <= width and x - 6 * CHAR_W > reference_x for x in values)
    label = re.search(r'<text class="reference-label" x="([\d.]+)"[^>]*>([^<]*)<', svg)
    half = len(label.group(2)) * CHAR_W / 2
    assert float(label.group(1)) + half <= width and float(label.group(1)) - half >= 0


def test_an_empty_series_keeps_its_legend():
    import datetime as dt
    from decimal import Decimal

    svg = line_chart(
        [
            Series("Năm 2024", [(dt.date(2024, 7, 20), Decimal(30))], "series-current", year=2024),
            Series("Năm 2023", [], "series-last-year", dashed=True, year=2023),
        ],
        title="Tỷ lệ",
    )
    assert svg.count("<polyline") == 1
    assert "Năm 2023" in svg and "(chưa có số liệu)" in svg
