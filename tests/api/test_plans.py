import datetime as dt

import pytest

from disbursement.plans.services import revise_allocation, revise_city_plan
from tests.api.conftest import TY, results
from tests.factories import InvestorFactory, source, stream


@pytest.fixture
def revised(db):
    """The city's 2023 plan as quoted in March and after its revision."""
    revise_city_plan(
        year=2023, level="city", source=source("nsdp"), amount=22_156_828_000_000, effective_from=dt.date(2023, 1, 1)
    )
    revise_city_plan(
        year=2023, level="city", source=source("nsdp"), amount=22_770_828_000_000, effective_from=dt.date(2023, 6, 15)
    )
    investor = InvestorFactory(code="SYT", name="Sở Y tế")
    revise_allocation(
        year=2023,
        stream=stream("city_assigned"),
        source=source("nsdp"),
        investor=investor,
        amount=40_000_000,
        effective_from=dt.date(2023, 1, 1),
    )
    revise_allocation(
        year=2023,
        stream=stream("city_assigned"),
        source=source("nsdp"),
        investor=investor,
        amount=90 * TY,
        effective_from=dt.date(2023, 9, 1),
    )


def test_city_plan_in_force_follows_the_date(client, revised):
    march = results(client.get("/api/v1/city-plans/", {"year": 2023, "on": "2023-03-31"}))
    assert [(p["level"], p["source"], p["amount_in_force"]) for p in march] == [("city", "nsdp", 22_156_828_000_000)]
    july = results(client.get("/api/v1/city-plans/", {"year": 2023, "on": "2023-07-20"}))[0]
    assert july["amount_in_force"] == 22_770_828_000_000
    assert [r["amount"] for r in july["revisions"]] == [22_156_828_000_000, 22_770_828_000_000]
    assert july["revisions"][1]["effective_from"] == "2023-06-15"


def test_plan_revisions_list_and_filters(client, revised):
    rows = results(client.get("/api/v1/city-plan-revisions/", {"year": 2023, "effective_from_after": "2023-06-01"}))
    assert [r["amount"] for r in rows] == [22_770_828_000_000]
    assert results(client.get("/api/v1/city-plan-revisions/", {"year": 2022})) == []


def test_allocations_with_amount_in_force(client, revised):
    before = results(client.get("/api/v1/allocations/", {"investor": "SYT", "on": "2023-08-31"}))
    assert [(a["stream"], a["source"], a["unit"]["code"], a["amount_in_force"]) for a in before] == [
        ("city_assigned", "nsdp", "SYT", 40_000_000)
    ]
    after = results(client.get("/api/v1/allocations/", {"investor": "SYT", "on": "2023-09-01"}))[0]
    assert after["amount_in_force"] == 90 * TY and after["deadline"] == "2024-01-31"
    revisions = results(client.get("/api/v1/allocation-revisions/", {"investor": "SYT", "ordering": "-effective_from"}))
    assert [r["amount"] for r in revisions] == [90 * TY, 40_000_000]


def test_bad_date_is_a_400(client, revised):
    response = client.get("/api/v1/city-plans/", {"on": "20/7/2024"})
    assert response.status_code == 400
    assert "on" in response.json()["error"]["details"]
