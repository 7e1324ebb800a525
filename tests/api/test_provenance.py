"""Where each figure came from, and which totals are partial, as a dashboard reads them."""

import datetime as dt

import pytest
import yaml

from tests.api.conftest import results
from tests.provenance import FILE_NAME, SENDER, make_partial


@pytest.fixture
def partial(world):
    """On 20/07/2024 An Lão has not reported this year; Kiến Thụy's latest report is of 13/07/2024."""
    return make_partial(
        world["current"],
        not_reported=world["districts"]["an_lao"],
        carried=world["districts"]["kien_thuy"],
        carried_on=dt.date(2024, 7, 13),
    )


def by_code(rows):
    return {r["unit"]["code"]: r for r in rows}


def test_a_unit_that_has_not_reported_is_null_never_zero(client, partial):
    rows = by_code(results(client.get("/api/v1/rankings/", {"stream": "district_transfer"})))
    an_lao = rows["AL"]
    assert an_lao["disbursed"] is None and an_lao["ratio"] is None and an_lao["rank"] is None
    assert an_lao["reported_on"] is None and an_lao["source_file"] is None
    # It is ranked after every unit that reported, and is not counted as not disbursed.
    assert list(rows) == ["KT", "DS", "AL"]
    not_started = results(client.get("/api/v1/ratios/", {"scope": "district", "not_started": "true"}))
    assert not_started == []
    silent = results(client.get("/api/v1/ratios/", {"scope": "district", "reported": "false"}))
    assert {(r["unit"]["code"], r["stream"]) for r in silent} == {("AL", "district_transfer"), ("AL", "new_rural")}


def test_each_figure_names_its_file_and_a_carried_one_its_date(client, partial):
    rows = by_code(results(client.get("/api/v1/rankings/", {"stream": "district_transfer"})))
    do_son, kien_thuy = rows["DS"], rows["KT"]
    assert do_son["reported_on"] == do_son["as_of"] == "2024-07-20"
    assert kien_thuy["reported_on"] == "2024-07-13" and kien_thuy["as_of"] == "2024-07-20"
    source_file = kien_thuy["source_file"]
    assert (source_file["file_name"], source_file["sender"]) == (FILE_NAME, SENDER)
    assert dt.datetime.fromisoformat(source_file["imported_at"]) == partial.submission.imported_at


def test_partial_totals_say_what_they_cover(client, partial):
    body = client.get("/api/v1/summary/").json()
    city = body["city"]
    assert city["is_partial"] is True and city["coverage"]["summary"] is False
    covered = {
        s["code"]: (s["units_reported"], s["units_carried"], s["units_not_reported"], s["units_total"])
        for s in city["coverage"]["streams"]
    }
    assert covered["district_transfer"] == (2, 1, 1, 3) and covered["city_assigned"] == (3, 0, 0, 3)
    transfer = next(s for s in body["streams"] if s["stream"] == "district_transfer")
    assert transfer["is_partial"] is True
    assert [(s["code"], s["units_reported"]) for s in transfer["coverage"]["streams"]] == [("district_transfer", 2)]
    assigned = next(s for s in body["streams"] if s["stream"] == "city_assigned")
    assert assigned["is_partial"] is False
    unit = results(client.get("/api/v1/rankings/", {"stream": "district_transfer"}))[0]
    assert unit["is_partial"] is False and unit["coverage"] is None


def test_a_complete_picture_is_not_partial(client, world):
    city = client.get("/api/v1/summary/").json()["city"]
    assert city["is_partial"] is False and city["coverage"]["summary"] is True
    assert all(s["units_not_reported"] == 0 for s in city["coverage"]["streams"])


@pytest.mark.django_db
def test_the_schema_documents_provenance_in_vietnamese(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    fields = schema["components"]["schemas"]["Figure"]["properties"]
    assert "chưa báo cáo" in fields["disbursed"]["description"]
    assert "Ngày của số liệu" in fields["reported_on"]["description"]
    assert "Tệp báo cáo" in fields["source_file"]["description"]
    assert "tổng các báo cáo đã nhận" in fields["is_partial"]["description"]
    assert "Phạm vi" in fields["coverage"]["description"]
    source_file = schema["components"]["schemas"]["SourceFile"]["properties"]
    assert set(source_file) == {"file_name", "sender", "imported_at"}
