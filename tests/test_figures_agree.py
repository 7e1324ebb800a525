"""One number, one place: for every unit of the shipped sample, the API, the admin's rankings page,
the exported workbook and CSV, and the report draft's selectors read the same figures.

Amounts and ranks must be equal; ratios are equal at the precision each one shows (the API's four
places are the stored ratio rounded once; the page and the CSV show the same stored ratio with one).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from core import presentation
from core.money import TRIEU, TY, parse_vn_decimal
from core.notation import format_percent, format_unit_percent
from disbursement.api.serializers import api_decimal
from disbursement.exporting.services import ranking_csv, ranking_workbook
from disbursement.figures.selectors import sources_of_stream, stream_figures
from disbursement.report.selectors import banded_units
from tests.sample_rows import load_sample_rows


@dataclass(frozen=True)
class Reading:
    """One unit's figure as a consumer gives it: amounts in đồng, the rank, the ratio as a string."""

    disbursed: int | None
    plan: int | None
    rank: int | None
    ratio: str | None


@pytest.fixture
def sample(db):
    return load_sample_rows()


@pytest.fixture
def api(staff_user):
    client = APIClient()
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def unit_code(figure) -> str:
    return presentation.unit_of(figure).code


def _csv_dong(text: str) -> int | None:
    return int(Decimal(text) * TRIEU) if text else None


def _ty(text: str) -> int:
    """'183,384' (tỷ đồng, as the page writes it) in đồng."""
    return int(parse_vn_decimal(text) * TY)


def api_ranking(api, snapshot, stream, source) -> dict[str, dict]:
    query = {"snapshot": snapshot.pk, "stream": stream.code, "page_size": 500}
    if source is not None:
        query["source"] = source.code
    response = api.get("/api/v1/rankings/", query)
    assert response.status_code == 200, response.content
    return {row["unit"]["code"]: row for row in response.json()["results"]}


def admin_ranking(admin, snapshot, stream, source) -> dict[str, object]:
    url = reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, stream.code])
    response = admin.get(url, {"source": source.code} if source else {})
    assert response.status_code == 200
    return {unit_code(row.figure): row for row in response.context_data["rows"]}


def workbook_ranking(snapshot, stream, source) -> dict[str, dict]:
    data = ranking_workbook(snapshot.pk, stream_code=stream.code, source_code=source.code if source else None)
    ws = load_workbook(io.BytesIO(data)).worksheets[1]
    header_row = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "STT")
    header = [c.value for c in ws[header_row]]
    rows = {}
    for r in range(header_row + 1, ws.max_row + 1):
        if not isinstance(ws.cell(row=r, column=1).value, int):
            continue
        rows[ws.cell(row=r, column=2).value] = {header[c - 1]: ws.cell(row=r, column=c).value for c in range(1, 12)}
    return rows


def csv_ranking(snapshot, stream, source) -> dict[str, dict]:
    data = ranking_csv(snapshot.pk, stream.code, source_code=source.code if source else None)
    return {row["Đơn vị"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}


def test_every_units_figures_agree_across_api_admin_exports_and_draft(sample, api, admin):
    snapshot = sample.snapshot
    units_seen = 0
    for stream_figure in stream_figures(snapshot):
        stream = stream_figure.stream
        for source in [None, *sources_of_stream(snapshot, stream)]:
            from_api = api_ranking(api, snapshot, stream, source)
            from_admin = admin_ranking(admin, snapshot, stream, source)
            from_workbook = workbook_ranking(snapshot, stream, source)
            from_csv = csv_ranking(snapshot, stream, source)
            assert set(from_admin) == set(from_api), (stream.code, source)
            assert len(from_workbook) == len(from_csv) == len(from_api), (stream.code, source)

            for code, row in from_api.items():
                expected = Reading(row["disbursed"], row["plan"], row["rank"], row["ratio"])
                where = (stream.code, source.code if source else None, code)
                name = row["unit"]["display_name"]

                page = from_admin[code]
                assert page.unit_name == name, where
                assert Reading(
                    _ty(page.disbursed), _ty(page.plan), page.figure.rank, api_decimal(page.figure.ratio)
                ) == (expected), where
                assert page.ratio == format_unit_percent(Decimal(row["ratio"])), where
                assert page.rank == str(row["rank"]), where
                assert page.change_points == presentation.points_web(
                    None if row["change_points"] is None else Decimal(row["change_points"])
                ), where

                cells = from_workbook[name]
                assert (
                    Reading(
                        int(Decimal(str(cells["Lũy kế giải ngân"])) * TRIEU),
                        int(Decimal(str(cells["Kế hoạch vốn"])) * TRIEU),
                        cells["Xếp hạng"],
                        api_decimal(Decimal(str(cells["Tỷ lệ giải ngân (%)"])) * 100),
                    )
                    == expected
                ), where

                line = from_csv[name]
                # The CSV holds exact numbers: amounts in triệu đồng, the ratio in percent.
                assert (
                    Reading(
                        _csv_dong(line["Lũy kế giải ngân (triệu đồng)"]),
                        _csv_dong(line["Kế hoạch vốn (triệu đồng)"]),
                        int(line["Xếp hạng"]) if line["Xếp hạng"] else None,
                        api_decimal(Decimal(line["Tỷ lệ giải ngân (%)"])) if line["Tỷ lệ giải ngân (%)"] else None,
                    )
                    == expected
                ), where
                units_seen += source is None

            # The stream's total and average, as the page, the workbook's total row and the API give them.
            query = {"snapshot": snapshot.pk, "scope": "stream", "stream": stream.code}
            if source is not None:
                query["source"] = source.code
            totals = api.get("/api/v1/ratios/", query).json()["results"]
            stream_row = next(r for r in totals if r["source"] == (source.code if source else None))
            page = admin.get(
                reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, stream.code]),
                {"source": source.code} if source else {},
            ).context_data
            assert _ty(page["stream_disbursed"]) == stream_row["disbursed"]
            assert page["stream_ratio"] == format_percent(Decimal(stream_row["ratio"]))
            assert {r["stream_average"] for r in from_api.values()} == {stream_row["ratio"]}

        # The draft's selectors: every unit of the stream, over all sources, as the API gives it.
        from_api = api_ranking(api, snapshot, stream, None)
        drafted = [figure for group in banded_units(snapshot, stream) for figure in group.units]
        assert sorted(unit_code(f) for f in drafted) == sorted(from_api)
        for figure in drafted:
            row = from_api[unit_code(figure)]
            assert Reading(figure.disbursed, figure.plan, figure.rank, api_decimal(figure.ratio)) == Reading(
                row["disbursed"], row["plan"], row["rank"], row["ratio"]
            ), unit_code(figure)
    # 22 investors and 15 districts in the sample.
    assert units_seen == 37


def test_the_city_figure_agrees_across_api_admin_and_workbook(sample, api, admin):
    snapshot = sample.snapshot
    city = api.get("/api/v1/summary/", {"snapshot": snapshot.pk}).json()["city"]
    # The city published 30,47% of its plan and 35,76% of the Prime Minister's for that date.
    published = sample.published["city"]
    assert format_percent(Decimal(city["ratio"])) == published["city_ratio_pct"] + "%"
    pm = api.get("/api/v1/summary/", {"snapshot": snapshot.pk, "basis": "pm"}).json()["city"]
    assert format_percent(Decimal(pm["ratio"])) == published["pm_ratio_pct"] + "%"
    stream = stream_figures(snapshot).first().stream
    page = admin.get(reverse("admin:disbursement_snapshot_rankings", args=[snapshot.pk, stream.code])).context_data
    assert page["city_ratio"] == format_percent(Decimal(city["ratio"]))
    summary = load_workbook(io.BytesIO(ranking_workbook(snapshot.pk))).worksheets[0]
    by_label = {summary.cell(row=r, column=2).value: summary.cell(row=r, column=3).value for r in range(1, 20)}
    disbursed = next(v for label, v in by_label.items() if label and label.startswith("Giải ngân từ"))
    assert int(Decimal(str(disbursed)) * TRIEU) == city["disbursed"]
    ratio = by_label["Tỷ lệ giải ngân so kế hoạch thành phố giao"]
    assert api_decimal(Decimal(str(ratio)) * 100) == city["ratio"]
