import datetime as dt

from tests.api.conftest import TY, _snapshot


def test_unit_series_across_snapshots(client, world):
    kien_thuy = world["districts"]["kien_thuy"]
    _snapshot(2024, dt.date(2024, 3, 31), {"nsdp": 1000 * TY}, [("district_transfer", kien_thuy, 50 * TY)])
    response = client.get("/api/v1/series/", {"year": 2024, "stream": "district_transfer", "district": "KT"})
    assert response.status_code == 200
    body = response.json()
    assert body["unit"]["display_name"] == "huyện Kiến Thụy"
    assert [(p["as_of"], p["disbursed"]) for p in body["points"]] == [
        ("2024-03-31", 50 * TY),
        ("2024-07-20", 183_384_000_000),
    ]


def test_series_needs_exactly_one_unit(client, world):
    both = client.get(
        "/api/v1/series/", {"year": 2024, "stream": "district_transfer", "district": "KT", "investor": "SYT"}
    )
    assert both.status_code == 400
    none = client.get("/api/v1/series/", {"year": 2024, "stream": "district_transfer"})
    assert none.status_code == 400
    unknown = client.get("/api/v1/series/", {"year": 2024, "stream": "district_transfer", "district": "ZZ"})
    assert unknown.status_code == 400 and "district" in unknown.json()["error"]["details"]


def test_unit_series_of_one_source(client, central_capital):
    query = {"year": 2024, "stream": "district_transfer", "district": "AL"}
    central = client.get("/api/v1/series/", {**query, "source": "nstw"}).json()
    assert central["source"] == "nstw"
    assert [(p["as_of"], p["disbursed"], p["ratio"]) for p in central["points"]] == [("2024-07-20", 90 * TY, "90.0000")]
    both = client.get("/api/v1/series/", query).json()
    assert both["source"] is None
    assert [p["disbursed"] for p in both["points"]] == [96_986_000_000]
    assert client.get("/api/v1/series/", {**query, "source": "khong-co"}).status_code == 400
