"""Every list bound to the snapshots carries ETag and Last-Modified, answers a conditional request with 304,
and its 304 varies on the same headers as its 200. The lists are walked from the schema, so a new one is
covered, or named here with the reason it is not bound to the snapshots."""

import datetime as dt

import yaml

from disbursement.models import Snapshot
from tests.api.conftest import TY, _snapshot

NOT_BOUND_TO_SNAPSHOTS = {
    "/api/v1/streams/": "reference data, edited in the admin",
    "/api/v1/sources/": "reference data, edited in the admin",
    "/api/v1/districts/": "reference data, edited in the admin",
    "/api/v1/investors/": "reference data, edited in the admin",
    "/api/v1/imports/": "import jobs: their progress, not a snapshot's data",
    "/api/v1/api-keys/": "the administrators' keys",
    "/api/v1/health/": "a probe of the service",
    "/api/v1/explanation-requests/": "follow-up of flags, written by staff and units as they act",
    "/api/v1/explanations/": "follow-up of flags, written by the units through their form",
    "/api/v1/commitments/": "follow-up of flags, written with the units' explanations",
}
# The parameters a list cannot answer without.
QUERIES = {
    "/api/v1/series/": {"year": 2024, "stream": "district_transfer", "district": "KT"},
    "/api/v1/reallocation-candidates/": {"stream": "city_assigned"},
}


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def _lists(client) -> list[str]:
    paths = yaml.safe_load(client.get("/api/v1/schema/").content)["paths"]
    return [path for path, operations in paths.items() if "get" in operations and "{" not in path]


def test_every_snapshot_bound_list_is_conditional_with_one_vary(client, world):
    walked = []
    for path in _lists(client):
        if path in NOT_BOUND_TO_SNAPSHOTS:
            continue
        query = QUERIES.get(path, {})
        first = client.get(path, query)
        assert first.status_code == 200, (path, first.content[:300])
        assert first.get("ETag", "").startswith('"'), f"{path} has no ETag"
        assert first.get("Last-Modified", "").endswith("GMT"), path
        again = client.get(path, query, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, path
        assert again["ETag"] == first["ETag"], path
        assert _vary(again) == _vary(first), (path, first.get("Vary"), again.get("Vary"))
        walked.append(path)
    assert {"/api/v1/flags/", "/api/v1/flags/open/", "/api/v1/snapshots/", "/api/v1/rankings/"} <= set(walked)


def test_json_lists_vary_on_the_caller_and_the_encoding(client, world):
    for path in ("/api/v1/flags/", "/api/v1/rankings/"):
        plain = client.get(path)
        packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert {"accept", "accept-encoding", "authorization", "cookie"} <= _vary(plain)
        assert _vary(packed) == _vary(plain)
        assert client.get(path, HTTP_IF_NONE_MATCH=packed["ETag"], HTTP_ACCEPT_ENCODING="gzip").status_code == 304


def test_flag_history_changes_its_etag_with_a_new_snapshot(client, world):
    before = client.get("/api/v1/flags/")
    new = _snapshot(
        2024, dt.date(2024, 8, 31), {"nsdp": 5000 * TY}, [("district_transfer", world["districts"]["an_lao"], 90 * TY)]
    )
    after = client.get("/api/v1/flags/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    # An Lão's 90 of 120 tỷ clears its flag on the new date: the history says so.
    assert any(row["cleared_snapshot"] == new.pk for row in after.json()["results"])


def test_snapshot_list_changes_its_etag_when_a_snapshot_is_edited(client, world):
    before = client.get("/api/v1/snapshots/")
    snapshot = Snapshot.objects.get(pk=world["current"].pk)
    snapshot.note = "Số liệu ước đến hết tháng"
    snapshot.save()
    after = client.get("/api/v1/snapshots/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert any(row["note"] == "Số liệu ước đến hết tháng" for row in after.json()["results"])
