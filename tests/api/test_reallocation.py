"""Reallocation candidates through the API. Needs disbursement.figures.selectors.reallocation_candidates."""

from tests.api.conftest import TY, results


def test_candidates_are_units_of_the_stream(client, world):
    rows = results(client.get("/api/v1/reallocation-candidates/", {"stream": "city_assigned"}))
    assert all(r["stream"] == "city_assigned" and r["unit"]["level"] == "investor" for r in rows)
    # Slow units (an open lagging flag and money left), largest undisbursed amount first; the board
    # (50%, above the stream's 47.5% and below the 90% near-exhaustion mark) is in neither group.
    assert [(r["group"], r["unit"]["code"], r["amount"]) for r in rows] == [
        ("slow", "SGTVT", 180 * TY),
        ("slow", "SYT", 40_000_000),
    ]
    health = rows[1]
    assert health["disbursed"] == 0 and health["plan"] == 40_000_000
    # The unit that has not disbursed anything carries that reason.
    assert any(reason.startswith("Chưa giải ngân") for reason in health["reasons"])


def test_stream_is_required(client, world):
    response = client.get("/api/v1/reallocation-candidates/")
    assert response.status_code == 400
    assert "stream" in response.json()["error"]["details"]
