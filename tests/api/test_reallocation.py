"""Reallocation candidates through the API. Needs disbursement.figures.selectors.reallocation_candidates."""

from tests.api.conftest import results


def test_candidates_are_units_of_the_stream(client, world):
    rows = results(client.get("/api/v1/reallocation-candidates/", {"stream": "city_assigned"}))
    assert all(r["stream"] == "city_assigned" and r["unit"]["level"] == "investor" for r in rows)
    # The unit that has not disbursed anything is the first one to lose capital.
    assert "SYT" in [r["unit"]["code"] for r in rows]


def test_stream_is_required(client, world):
    response = client.get("/api/v1/reallocation-candidates/")
    assert response.status_code == 400
    assert "stream" in response.json()["error"]["details"]
