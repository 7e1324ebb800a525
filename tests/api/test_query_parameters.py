"""Every list reads its query in one way: the same year bounds, ISO dates, errors per parameter."""

import pytest

from disbursement.filtersets import YEAR_MAX, YEAR_MIN

YEAR_PATHS = [
    ("/api/v1/snapshots/", {}),
    ("/api/v1/city-plans/", {}),
    ("/api/v1/allocations/", {}),
    ("/api/v1/flags/", {}),
    ("/api/v1/rankings/", {}),
    ("/api/v1/ratios/", {}),
    ("/api/v1/summary/", {}),
    ("/api/v1/series/", {"stream": "district_transfer", "district": "KT"}),
]


@pytest.mark.parametrize(("path", "query"), YEAR_PATHS)
def test_every_list_takes_the_same_years(client, world, path, query):
    for year in (YEAR_MIN - 1, YEAR_MAX + 1):
        response = client.get(path, {**query, "year": year})
        assert response.status_code == 400, (path, year)
        assert "year" in response.json()["error"]["details"]
    assert client.get(path, {**query, "year": 2024}).status_code == 200, path


@pytest.mark.parametrize("path", ["/api/v1/rankings/", "/api/v1/snapshots/", "/api/v1/allocations/"])
def test_dates_are_iso_only(client, world, path):
    name = {"/api/v1/rankings/": "as_of", "/api/v1/snapshots/": "as_of_after", "/api/v1/allocations/": "on"}[path]
    response = client.get(path, {name: "20/7/2024"})
    assert response.status_code == 400 and name in response.json()["error"]["details"]
    assert client.get(path, {name: "2024-07-20"}).status_code == 200


def test_unknown_codes_are_named_in_the_error(client, world):
    details = client.get("/api/v1/rankings/", {"stream": "khong-co"}).json()["error"]["details"]
    assert details == {"stream": ['Không có dòng vốn mã "khong-co".']}
    details = client.get("/api/v1/series/", {"year": 2024, "stream": "new_rural", "district": "ZZ"}).json()
    assert details["error"]["details"] == {"district": ['Không có quận, huyện mã "ZZ".']}
