from core.figures import disbursement_ratio
from core.notation import round_half_up
from tests.api.conftest import TY, results


def r4(disbursed, plan):
    return str(round_half_up(disbursement_ratio(disbursed, plan), 4))


def test_scopes_of_a_snapshot(client, world):
    rows = results(client.get("/api/v1/ratios/", {"page_size": 100}))
    scopes = {r["scope"] for r in rows}
    assert scopes == {"city", "source", "stream", "investor", "district"}


def test_source_ratios_on_each_basis(client, world):
    city = results(client.get("/api/v1/ratios/", {"scope": "source", "source": "nsdp"}))[0]
    assert city["disbursed"] == 3500 * TY and city["plan"] == 9000 * TY
    assert city["ratio"] == r4(3500 * TY, 9000 * TY)
    pm = results(client.get("/api/v1/ratios/", {"scope": "source", "source": "nsdp", "basis": "pm"}))[0]
    assert pm["plan"] == 7000 * TY and pm["ratio"] == r4(3500 * TY, 7000 * TY)
    assert pm["plan_city"] == 9000 * TY and pm["plan_pm"] == 7000 * TY
    detailed = results(client.get("/api/v1/ratios/", {"scope": "city", "basis": "detailed"}))[0]
    # No detailed plan entered at city level: the engine falls back to the sum of the allocations in force.
    allocated = (
        40_000_000
        + 300 * TY
        + 900 * TY  # city_assigned
        + 270_020_000_000
        + 120 * TY
        + 80 * TY  # district_transfer
        + 50 * TY
        + 40 * TY  # new_rural
    )
    assert detailed["disbursed"] == (3500 + 791) * TY
    assert detailed["plan"] == detailed["plan_detailed"] == allocated
    assert detailed["ratio"] == r4((3500 + 791) * TY, allocated)


def test_filter_by_unit(client, world):
    rows = results(client.get("/api/v1/ratios/", {"district": "KT"}))
    assert sorted(r["stream"] for r in rows) == ["district_transfer", "new_rural"]


def test_invalid_scope_is_a_400(client, world):
    response = client.get("/api/v1/ratios/", {"scope": "province"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Dữ liệu gửi lên không hợp lệ."
