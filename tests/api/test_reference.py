import pytest

from tests.api.conftest import results


@pytest.mark.django_db
def test_streams_by_code(client):
    rows = results(client.get("/api/v1/streams/"))
    assert [r["code"] for r in rows] == ["city_assigned", "district_transfer", "new_rural", "other"]
    rural = client.get("/api/v1/streams/new_rural/").json()
    assert rural["unit_level"] == "district" and rural["rural_only"] is True
    assert [r["code"] for r in results(client.get("/api/v1/streams/", {"unit_level": "investor"}))] == [
        "city_assigned",
        "other",
    ]


@pytest.mark.django_db
def test_sources(client):
    rows = results(client.get("/api/v1/sources/"))
    assert rows[0] == {"code": "nstw", "name": "Ngân sách trung ương", "short_name": "NSTW", "order": 1}
    assert client.get("/api/v1/sources/nope/").status_code == 404
