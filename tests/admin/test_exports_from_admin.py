"""Downloads on the rankings and unit pages: the page's own table as .xlsx, CSV for Excel and plain CSV."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def export_links(html: str) -> dict[str, str]:
    block = html.split('id="exports"', 1)[1].split("</p>", 1)[0]
    return {kind: unescape(url) for kind, url in re.findall(r'class="button export-([a-z-]+)" href="([^"]+)"', block)}


def test_rankings_page_downloads_its_table_as_workbook_and_both_csvs(admin_client_vi, ranked_year):
    url = reverse("admin:disbursement_snapshot_rankings", args=[ranked_year["current"].pk, "city_assigned"])
    links = export_links(admin_client_vi.get(url).content.decode())
    assert set(links) == {"xlsx", "csv-excel", "csv"}

    workbook = admin_client_vi.get(links["xlsx"])
    assert workbook.status_code == 200
    assert "attachment" in workbook["Content-Disposition"] and workbook["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(workbook.content)).worksheets[1]
    names = {ws.cell(row=r, column=2).value: r for r in range(1, ws.max_row + 1)}
    row = names["Sở Thử nghiệm A"]
    # Plan 100 tỷ = 100.000 triệu, 60 tỷ disbursed: numbers with their formats, not text.
    assert ws.cell(row=row, column=3).value == 100000 and ws.cell(row=row, column=3).number_format == "#,##0"
    assert (
        ws.cell(row=row, column=5).value == pytest.approx(0.6) and ws.cell(row=row, column=5).number_format == "0.00%"
    )

    for_excel = admin_client_vi.get(links["csv-excel"])
    assert for_excel["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(for_excel.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[2] for r in rows[1:]] == ["Sở Thử nghiệm A", "Sở Thử nghiệm B", "Sở Thử nghiệm C"]
    assert rows[3][3:6] == ["1000000", "5000", "0,5"]

    plain = admin_client_vi.get(links["csv"])
    rows = list(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert rows[3][3:6] == ["1000000", "5000", "0.5"]


def test_the_download_keeps_the_pages_budget_source(admin_client_vi, ranked_year):
    from disbursement.models import BudgetSource

    source = BudgetSource.objects.get(code="nsdp")
    url = reverse("admin:disbursement_snapshot_rankings", args=[ranked_year["current"].pk, "city_assigned"])
    links = export_links(admin_client_vi.get(url, {"source": source.code}).content.decode())
    assert all("source=nsdp" in link for link in links.values())
    rows = list(csv.reader(io.StringIO(admin_client_vi.get(links["csv"]).content.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {f"Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn – {source.name}"}


def test_unit_page_downloads_the_units_year(admin_client_vi, ranked_year):
    investor = ranked_year["investors"][0]
    url = reverse("admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", investor.pk])
    links = export_links(admin_client_vi.get(url, {"year": 2024}).content.decode())
    assert set(links) == {"xlsx", "csv-excel", "csv"}
    rows = list(
        csv.reader(io.StringIO(admin_client_vi.get(links["csv-excel"]).content.decode("utf-8-sig")), delimiter=";")
    )
    # 20/06/2024: 40 of 100 tỷ; 20/07/2024: 60 of 100 tỷ.
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("20/06/2024", "40000", "40"), ("20/07/2024", "60000", "60")]
    ws = load_workbook(io.BytesIO(admin_client_vi.get(links["xlsx"]).content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 60000 in values and "Sở Thử nghiệm A – Dự án do Ủy ban nhân dân thành phố giao kế hoạch vốn" in values


def test_unknown_format_or_dialect_is_not_found(admin_client_vi, ranked_year):
    snapshot = ranked_year["current"].pk
    assert (
        admin_client_vi.get(
            reverse("admin:disbursement_snapshot_rankings_export", args=[snapshot, "city_assigned", "pdf"])
        ).status_code
        == 404
    )
    url = reverse("admin:disbursement_snapshot_rankings_export", args=[snapshot, "city_assigned", "csv"])
    assert admin_client_vi.get(url, {"dialect": "tsv"}).status_code == 404


def test_a_viewer_downloads_and_an_outsider_does_not(client, ranked_year, role_user):
    url = reverse(
        "admin:disbursement_snapshot_rankings_export", args=[ranked_year["current"].pk, "city_assigned", "csv"]
    )
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(role_user("Người xem"))
    assert client.get(url).status_code == 200
