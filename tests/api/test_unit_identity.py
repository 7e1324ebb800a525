"""A unit is named one way by every endpoint: an object with its code (what every filter takes) and its id.
An unknown code is a Vietnamese 400 naming it, on every parameter of the schema that takes a code."""

import pytest
import yaml

from tests.api.conftest import results

UNIT_KEYS = {"level", "id", "code", "name", "display_name"}
NOUNS = {"investor": "chủ đầu tư", "district": "quận, huyện", "stream": "dòng vốn", "source": "nguồn vốn"}
# The parameters a list cannot answer without, besides the one under test.
QUERIES = {
    "/api/v1/series/": {"year": 2024, "stream": "district_transfer", "district": "KT"},
    "/api/v1/reallocation-candidates/": {"stream": "district_transfer"},
}


def _units(path: str, body) -> list[dict]:
    """Every unit object an answer holds, wherever it is nested."""
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "unit" and isinstance(value, dict):
                found.append(value)
            else:
                found.extend(_units(path, value))
    elif isinstance(body, list):
        for item in body:
            found.extend(_units(path, item))
    return found


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/rankings/", {"level": "district"}),
        ("/api/v1/ratios/", {}),
        ("/api/v1/flags/", {}),
        ("/api/v1/flags/open/", {"group": "unit"}),
        ("/api/v1/allocations/", {"year": 2024}),
        ("/api/v1/allocation-revisions/", {"year": 2024}),
        ("/api/v1/coverage/", {}),
        ("/api/v1/series/", QUERIES["/api/v1/series/"]),
        ("/api/v1/reallocation-candidates/", {"stream": "district_transfer"}),
    ],
)
def test_every_endpoint_names_a_unit_by_code_and_id(client, world, path, query):
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:300]
    units = _units(path, response.json())
    assert units, f"{path} names no unit"
    for unit in units:
        assert set(unit) == UNIT_KEYS, (path, unit)
        detail = client.get(f"/api/v1/{unit['level']}s/{unit['id']}/").json()
        assert (detail["code"], detail["display_name"]) == (unit["code"], unit["display_name"])


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/ratios/", {}),
        ("/api/v1/flags/", {}),
        ("/api/v1/allocations/", {"year": 2024}),
        ("/api/v1/allocation-revisions/", {"year": 2024}),
    ],
)
def test_the_code_a_row_shows_is_the_code_its_filter_takes(client, world, path, query):
    rows = results(client.get(path, query))
    unit = next(row["unit"] for row in rows if row.get("unit"))
    narrowed = results(client.get(path, {**query, unit["level"]: unit["code"]}))
    assert narrowed
    assert {(row["unit"]["level"], row["unit"]["code"]) for row in narrowed} == {(unit["level"], unit["code"])}


def test_rankings_and_series_name_the_same_unit_alike(client, world):
    ranked = results(client.get("/api/v1/rankings/", {"level": "district", "stream": "district_transfer"}))
    first = ranked[0]["unit"]
    series = client.get(
        "/api/v1/series/", {"year": 2024, "stream": "district_transfer", "district": first["code"]}
    ).json()
    assert series["unit"] == first


def _code_parameters(client) -> list[tuple[str, str]]:
    paths = yaml.safe_load(client.get("/api/v1/schema/").content)["paths"]
    found = []
    for path, operations in paths.items():
        if "get" not in operations or "{" in path:
            continue
        for parameter in operations["get"].get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "query" and (name in NOUNS or name == "code"):
                found.append((path, name))
    return found


def test_an_unknown_code_is_a_vietnamese_400_on_every_parameter(client, world):
    walked = _code_parameters(client)
    assert ("/api/v1/flags/", "investor") in walked and ("/api/v1/districts/", "code") in walked
    for path, name in walked:
        response = client.get(path, {**QUERIES.get(path, {}), name: "ZZ9"})
        assert response.status_code == 400, (path, name, response.status_code)
        error = response.json()["error"]
        assert error["message"] == "Dữ liệu gửi lên không hợp lệ."
        (message,) = error["details"][name]
        assert message.startswith("Không có ") and message.endswith(' mã "ZZ9".'), (path, name, message)
        if name in NOUNS:
            assert message == f'Không có {NOUNS[name]} mã "ZZ9".'
