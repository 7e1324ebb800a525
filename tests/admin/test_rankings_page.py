"""The rankings page of a snapshot and stream: order, figures in Vietnamese notation, bands, charts, links."""

import re

import pytest
from django.urls import reverse

from core.figures import disbursement_ratio
from core.money import TY
from core.notation import format_percent, format_unit_percent


def rankings_url(snapshot, code="city_assigned"):
    return reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, code])


def table_rows(html: str) -> list[str]:
    body = html.split('<table id="rankings"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr class=\"band-[a-z-]+\".*?</tr>", body, flags=re.S)


@pytest.mark.django_db
def test_units_are_listed_in_rank_order_with_vietnamese_notation(admin_client_vi, ranked_year):
    response = admin_client_vi.get(rankings_url(ranked_year["current"]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = table_rows(html)
    names = [re.search(r"Sở Thử nghiệm [ABC]", row).group(0) for row in rows]
    assert names == ["Sở Thử nghiệm A", "Sở Thử nghiệm B", "Sở Thử nghiệm C"]
    # Sở C: plan 1.000 tỷ, 5 tỷ disbursed.
    assert "1.000,000" in rows[2]
    assert "5,000" in rows[2]
    assert format_unit_percent(disbursement_ratio(5 * TY, 1000 * TY)) in rows[2]
    assert "0,5%" in rows[2]
    # Stream ratio, two decimals: 115 / 1.300.
    assert format_percent(disbursement_ratio(115 * TY, 1300 * TY)) == "8,85%"
    assert "8,85%" in html


@pytest.mark.django_db
def test_rank_change_and_same_period_are_shown(admin_client_vi, ranked_year):
    rows = table_rows(admin_client_vi.get(rankings_url(ranked_year["current"])).content.decode())
    # Sở B was last on 20/06 and is second now; Sở C went the other way.
    assert "▲ 1" in rows[1]
    assert "▼ 1" in rows[2]
    # Same period last year for Sở A: 30 of 100 tỷ.
    assert format_unit_percent(disbursement_ratio(30 * TY, 100 * TY)) in rows[0]
    # Change since the last snapshot for Sở A: 40% -> 60%.
    assert "+20,0" in rows[0]


@pytest.mark.django_db
def test_bands_colour_units_against_the_stream_ratio(admin_client_vi, ranked_year):
    html = admin_client_vi.get(rankings_url(ranked_year["current"])).content.decode()
    classes = re.findall(r'<tr class="(band-[a-z-]+)"', html.split('<table id="rankings"', 1)[1])
    # 60% and 25% are above the stream's 8,85%; 0,5% is below.
    assert classes == ["band-above", "band-above", "band-below"]


@pytest.mark.django_db
def test_district_stream_ranks_districts(admin_client_vi, ranked_year):
    html = admin_client_vi.get(rankings_url(ranked_year["current"], "district_transfer")).content.decode()
    rows = table_rows(html)
    assert "huyện Một" in rows[0]
    assert "huyện Hai" in rows[1]
    assert "Quận, huyện" in html


@pytest.mark.django_db
def test_page_draws_bar_and_line_charts(admin_client_vi, ranked_year):
    html = admin_client_vi.get(rankings_url(ranked_year["current"])).content.decode()
    bar_svg = html.split('class="chart chart-bar"', 1)[1].split("</svg>", 1)[0]
    assert bar_svg.count('<rect class="bar') == 3
    line_svg = html.split('class="chart chart-line "', 1)[1].split("</svg>", 1)[0]
    # This year's and last year's curve, two snapshots each.
    assert line_svg.count("<polyline") == 2
    assert "stroke-dasharray" in line_svg
    assert "Năm 2023" in line_svg and "Năm 2024" in line_svg


@pytest.mark.django_db
def test_unit_links_to_its_history(admin_client_vi, ranked_year):
    investor = ranked_year["investors"][0]
    html = admin_client_vi.get(rankings_url(ranked_year["current"])).content.decode()
    url = reverse("admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", investor.pk])
    assert f'href="{url}?year=2024"' in html


@pytest.mark.django_db
def test_default_stream_and_unknown_stream(admin_client_vi, ranked_year):
    snapshot = ranked_year["current"]
    response = admin_client_vi.get(reverse("admin:disbursement_snapshot_rankings_default", args=[snapshot.pk]))
    assert response.status_code == 200
    assert "Sở Thử nghiệm A" in response.content.decode()
    assert admin_client_vi.get(rankings_url(snapshot, "khong-co")).status_code == 404


@pytest.mark.django_db
def test_each_unit_has_its_own_small_chart_with_last_year(admin_client_vi, ranked_year):
    html = admin_client_vi.get(rankings_url(ranked_year["current"])).content.decode()
    small = html.split('class="unit-charts"', 1)[1].split('class="chart chart-line chart-small"')[1:]
    assert len(small) == 3
    first = small[0].split("</svg>", 1)[0]
    assert "Sở Thử nghiệm A" in first
    # This year's and last year's curve of the unit, two snapshots each.
    assert first.count("<polyline") == 2
    assert first.count("<circle") == 4


@pytest.mark.django_db
def test_the_ranking_within_one_budget_source(admin_client_vi, ranked_year):
    import datetime as dt

    from disbursement.figures.services import compute_snapshot
    from disbursement.models import BudgetSource
    from tests.factories import AllocationFactory, AllocationRevisionFactory, SnapshotLineFactory, stream

    current, investor_c = ranked_year["current"], ranked_year["investors"][2]
    central = BudgetSource.objects.get(code=BudgetSource.CENTRAL)
    allocation = AllocationFactory(year=2024, stream=stream("city_assigned"), investor=investor_c, source=central)
    AllocationRevisionFactory(allocation=allocation, amount=100 * TY, effective_from=dt.date(2024, 1, 1))
    SnapshotLineFactory(
        snapshot=current, stream=stream("city_assigned"), investor=investor_c, source=central, disbursed=90 * TY
    )
    compute_snapshot(current.pk)

    html = admin_client_vi.get(rankings_url(current)).content.decode()
    tabs = html.split('id="sources"', 1)[1].split("</nav>", 1)[0]
    assert "Mọi nguồn vốn" in tabs and central.name in tabs
    # Over all sources Sở C has 95 of 1.100 tỷ.
    assert format_unit_percent(disbursement_ratio(95 * TY, 1100 * TY)) in table_rows(html)[2]

    html = admin_client_vi.get(rankings_url(current), {"source": "nstw"}).content.decode()
    rows = table_rows(html)
    assert len(rows) == 1 and "Sở Thử nghiệm C" in rows[0] and "90%" in rows[0]
    assert central.name in html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert admin_client_vi.get(rankings_url(current), {"source": "khong-co"}).status_code == 404


@pytest.mark.django_db
def test_units_without_a_report_carried_figures_and_partial_totals_are_told(admin_client_vi, ranked_year):
    import datetime as dt

    from tests.provenance import FILE_NAME, SENDER, make_partial

    investor_b, investor_c = ranked_year["investors"][1], ranked_year["investors"][2]
    make_partial(ranked_year["current"], not_reported=investor_c, carried=investor_b, carried_on=dt.date(2024, 7, 13))
    html = admin_client_vi.get(rankings_url(ranked_year["current"])).content.decode()
    rows = table_rows(html)

    # Sở C has sent nothing this year: last, in no band, never 0.
    assert "Sở Thử nghiệm C" in rows[2] and rows[2].startswith('<tr class="band-not-reported"')
    assert "Chưa báo cáo" in rows[2] and "0,5%" not in rows[2] and "5,000" not in rows[2]
    # Sở B's figure is its report of 13/07, with the file it came from.
    assert "số liệu ngày 13/07/2024" in rows[1]
    assert FILE_NAME in rows[1] and SENDER in rows[1]
    assert "số liệu ngày" not in rows[0] and FILE_NAME in rows[0]
    summary = html.split('<table id="rankings"', 1)[0]
    assert "Số của dòng vốn: Tổng các báo cáo đã nhận" in summary and "02/03 đơn vị đã báo cáo" in summary
    assert "1 đơn vị chưa báo cáo" in summary
    assert "Số toàn thành phố: Tổng các báo cáo đã nhận" in summary


@pytest.mark.django_db
def test_snapshot_list_says_a_city_ratio_is_a_partial_sum(admin_client_vi, ranked_year):
    from disbursement.models import Figure

    current = ranked_year["current"]
    city = Figure.objects.filter(snapshot=current, scope=Figure.Scope.CITY)

    def city_cell() -> str:
        html = admin_client_vi.get(reverse("admin:disbursement_snapshot_changelist")).content.decode()
        row = html.split(f"/snapshot/{current.pk}/change/", 1)[1].split("</tr>", 1)[0]
        return row.split('class="field-city_ratio">', 1)[1].split("</td>", 1)[0]

    city.update(is_partial=False)
    assert "tổng các báo cáo đã nhận" not in city_cell()
    city.update(is_partial=True)
    assert "tổng các báo cáo đã nhận" in city_cell()
