"""Dashboards read, per date, which files arrived and who has reported, from which file, and who has not."""

from __future__ import annotations

import datetime as dt

import pytest

from disbursement.figures.services import recompute_year
from disbursement.sample.loader import load_master_data, read_master
from tests.api.conftest import results
from tests.builders import import_sample_file


@pytest.fixture
def two_files(db):
    load_master_data(read_master(), city_snapshots=False)
    import_sample_file("giai-ngan-2024-07-20.xlsx", as_of=dt.date(2024, 7, 13), sender="Sở Tài chính")
    import_sample_file("quan-huyen-2024-07-20.xlsx", sender="Phòng Ngân sách")
    recompute_year(2024)


def test_coverage_of_a_date(client, two_files):
    response = client.get("/api/v1/coverage/", {"year": 2024, "as_of": "2024-07-20"})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2024-07-20"
    assert body["city_summary"] is None
    assert body["city_is_partial"] is True
    assert [s["file_name"] for s in body["submissions"]] == ["quan-huyen-2024-07-20.xlsx"]
    by_stream = {s["stream"]: s for s in body["streams"]}
    investors = by_stream["city_assigned"]
    assert (investors["units_reported"], investors["units_carried"], investors["units_not_reported"]) == (0, 22, 0)
    carried = investors["units"][0]
    assert carried["status"] == "carried"
    assert carried["reported_on"] == "2024-07-13"
    assert carried["source_file"]["file_name"] == "giai-ngan-2024-07-20.xlsx"
    assert carried["source_file"]["sender"] == "Sở Tài chính"
    districts = by_stream["district_transfer"]
    assert districts["units_reported"] == districts["units_total"] == 15
    assert response.headers.get("ETag")


def test_submissions_listed_by_date(client, two_files):
    response = client.get("/api/v1/submissions/", {"as_of": "2024-07-13"})
    assert response.status_code == 200
    (item,) = results(response)
    assert item["file_name"] == "giai-ngan-2024-07-20.xlsx"
    assert item["states_city"] is True
    assert set(item["streams"]) == {"city_assigned", "district_transfer"}


def test_coverage_needs_a_key_or_a_login(anon_client, two_files):
    assert anon_client.get("/api/v1/coverage/").status_code in (401, 403)
