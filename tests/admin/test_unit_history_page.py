"""A unit's history: its ratio at each snapshot of the year, with last year's curve beside it."""

import pytest
from django.urls import reverse


def history_url(kind, unit, stream="city_assigned"):
    return reverse("admin:disbursement_snapshot_unit_history", args=[stream, kind, unit.pk])


@pytest.mark.django_db
def test_history_lists_the_years_snapshots_in_date_order(admin_client_vi, ranked_year):
    investor = ranked_year["investors"][1]
    html = admin_client_vi.get(history_url("investor", investor), {"year": 2024}).content.decode()
    table = html.split('<table id="history"', 1)[1]
    assert table.index("20/06/2024") < table.index("20/07/2024")
    assert "2023" not in table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # Sở B: nothing on 20/06, 50 of 200 tỷ on 20/07, climbing one place.
    assert "25%" in table and "0%" in table
    assert "▲ 1" in table


@pytest.mark.django_db
def test_chart_has_this_year_last_year_and_the_stream(admin_client_vi, ranked_year):
    district = ranked_year["districts"][0]
    html = admin_client_vi.get(history_url("district", district, "district_transfer"), {"year": 2024}).content.decode()
    svg = html.split('class="chart chart-line "', 1)[1].split("</svg>", 1)[0]
    assert svg.count("<polyline") == 3
    assert "Năm 2023" in svg and "Năm 2024" in svg
    assert "huyện Một" in svg.split("</title>", 1)[0]


@pytest.mark.django_db
def test_year_without_figures_says_so(admin_client_vi, ranked_year):
    html = admin_client_vi.get(history_url("investor", ranked_year["investors"][0]), {"year": 2020}).content.decode()
    assert "Chưa có số liệu của đơn vị trong năm 2020." in html


@pytest.mark.django_db
def test_unknown_unit_kind_is_not_found(admin_client_vi, ranked_year):
    url = reverse("admin:disbursement_snapshot_unit_history", args=["city_assigned", "project", 1])
    assert admin_client_vi.get(url).status_code == 404


@pytest.mark.django_db
def test_history_tells_a_carried_figure_and_its_file(admin_client_vi, ranked_year):
    import datetime as dt

    from tests.provenance import FILE_NAME, make_partial

    investor_b, investor_c = ranked_year["investors"][1], ranked_year["investors"][2]
    make_partial(ranked_year["current"], not_reported=investor_c, carried=investor_b, carried_on=dt.date(2024, 7, 13))
    table = admin_client_vi.get(history_url("investor", investor_b), {"year": 2024}).content.decode()
    latest = table.split('<table id="history"', 1)[1].split("20/07/2024", 1)[1].split("</tr>", 1)[0]
    assert "số liệu ngày 13/07/2024" in latest and FILE_NAME in latest
    silent = admin_client_vi.get(history_url("investor", investor_c), {"year": 2024}).content.decode()
    latest = silent.split('<table id="history"', 1)[1].split("20/07/2024", 1)[1].split("</tr>", 1)[0]
    assert "Chưa báo cáo" in latest and "0,5%" not in latest


@pytest.mark.django_db
def test_a_year_out_of_bounds_is_not_found(admin_client_vi, ranked_year):
    response = admin_client_vi.get(history_url("investor", ranked_year["investors"][0]), {"year": 99999})
    assert response.status_code == 404
