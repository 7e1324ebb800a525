from decimal import Decimal

from core.figures import disbursement_ratio
from core.notation import round_half_up
from tests.api.conftest import TY


def r4(disbursed, plan):
    return str(round_half_up(disbursement_ratio(disbursed, plan), 4))


def test_citywide_summary_with_same_period(client, world):
    response = client.get("/api/v1/summary/")
    assert response.status_code == 200
    body = response.json()
    assert body["snapshot"]["as_of"] == "2024-07-20"
    assert body["same_period_snapshot"]["as_of"] == "2023-07-20"
    city = body["city"]
    assert city["disbursed"] == 4291 * TY and city["plan"] == 12000 * TY
    assert city["ratio"] == r4(4291 * TY, 12000 * TY)
    assert city["same_period_ratio"] == r4(3000 * TY, 12000 * TY)
    assert Decimal(body["same_period_change_points"]) == Decimal(city["ratio"]) - Decimal(city["same_period_ratio"])
    assert [s["source"] for s in body["sources"]] == ["nstw", "nsdp"]
    assert [s["stream"] for s in body["streams"]] == ["city_assigned", "district_transfer", "new_rural"]


def test_summary_on_the_pm_basis(client, world):
    city = client.get("/api/v1/summary/", {"basis": "pm"}).json()["city"]
    assert city["plan"] == 10000 * TY
    assert city["ratio"] == r4(4291 * TY, 10000 * TY)
    assert city["same_period_ratio"] == r4(3000 * TY, 10000 * TY)


def test_summary_of_a_year_without_last_year(client, world):
    body = client.get("/api/v1/summary/", {"year": 2023}).json()
    assert body["same_period_snapshot"] is None and body["same_period_change_points"] is None
