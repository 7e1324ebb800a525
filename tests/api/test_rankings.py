from decimal import Decimal

from core.figures import RATIO_API_PLACES, disbursement_ratio
from core.notation import round_half_up
from disbursement.models import Figure
from tests.api.conftest import TY, results


def expected_ratio(disbursed: int, plan: int) -> str:
    return str(round_half_up(disbursement_ratio(disbursed, plan), RATIO_API_PLACES))


def test_investor_ranking_highest_ratio_first(client, world):
    rows = results(client.get("/api/v1/rankings/", {"level": "investor"}))
    assert [r["unit"]["code"] for r in rows] == ["BQLDA", "SGTVT", "SYT"]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    health = rows[2]
    assert health["unit"] == {
        "level": "investor",
        "id": world["investors"]["health"].pk,
        "code": "SYT",
        "name": "Sở Y tế",
        "display_name": "Sở Y tế",
    }
    assert health["disbursed"] == 0 and health["plan"] == 40_000_000 and health["ratio"] == "0.0000"
    assert rows[0]["as_of"] == "2024-07-20" and rows[0]["stream"] == "city_assigned"


def test_district_ranking_ratios_are_four_place_strings(client, world):
    rows = results(client.get("/api/v1/rankings/", {"stream": "district_transfer"}))
    assert [r["unit"]["display_name"] for r in rows] == ["huyện Kiến Thụy", "quận Đồ Sơn", "huyện An Lão"]
    kien_thuy = rows[0]
    assert isinstance(kien_thuy["disbursed"], int) and isinstance(kien_thuy["plan"], int)
    assert kien_thuy["ratio"] == expected_ratio(183_384_000_000, 270_020_000_000)
    assert len(kien_thuy["ratio"].split(".")[1]) == 4
    stream_row = Figure.objects.get(
        snapshot=world["current"], scope="stream", stream__code="district_transfer", source__isnull=True
    )
    assert kien_thuy["stream_average"] == expected_ratio(stream_row.disbursed, stream_row.plan)


def test_same_period_and_previous_fields(client, world):
    rows = results(client.get("/api/v1/rankings/", {"stream": "district_transfer"}))
    kien_thuy = rows[0]
    assert kien_thuy["same_period_as_of"] == "2023-07-20"
    assert kien_thuy["same_period_disbursed"] == 100 * 10**9
    assert kien_thuy["same_period_ratio"] == expected_ratio(100 * 10**9, 270_020_000_000)


def test_level_and_stream_must_agree(client, world):
    response = client.get("/api/v1/rankings/", {"level": "investor", "stream": "new_rural"})
    assert response.status_code == 400 and "level" in response.json()["error"]["details"]
    assert client.get("/api/v1/rankings/", {"stream": "nope"}).status_code == 400
    assert client.get("/api/v1/rankings/", {"level": "ministry"}).status_code == 400


def test_year_and_as_of_choose_the_snapshot(client, world):
    last_year = results(client.get("/api/v1/rankings/", {"year": 2023, "level": "district"}))
    assert {r["snapshot"] for r in last_year} == {world["last_year"].pk}
    # A date between snapshots reads the latest one not after it.
    on_date = results(client.get("/api/v1/rankings/", {"as_of": "2024-01-15", "level": "district"}))
    assert {r["as_of"] for r in on_date} == {"2023-07-20"}
    missing = client.get("/api/v1/rankings/", {"year": 2020})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "snapshot_not_found"


def test_filter_and_order_like_every_list(client, world):
    slow = results(client.get("/api/v1/rankings/", {"level": "district", "ratio_max": "10"}))
    assert [r["unit"]["code"] for r in slow] == ["AL"]
    by_amount = results(client.get("/api/v1/rankings/", {"level": "district", "ordering": "-disbursed"}))
    assert [r["disbursed"] for r in by_amount] == sorted((r["disbursed"] for r in by_amount), reverse=True)
    not_started = results(client.get("/api/v1/rankings/", {"level": "investor", "not_started": "true"}))
    assert [r["unit"]["code"] for r in not_started] == ["SYT"]
    page = client.get("/api/v1/rankings/", {"level": "investor", "page_size": 1, "page": 2}).json()
    assert page["count"] == 3 and [r["unit"]["code"] for r in page["results"]] == ["SGTVT"]
    assert client.get("/api/v1/rankings/", {"page": 99}).json()["error"]["code"] == "not_found"


def test_basis_pm_without_unit_plans_gives_no_ratio_and_no_rank(client, world):
    rows = results(client.get("/api/v1/rankings/", {"level": "investor", "basis": "pm"}))
    assert {r["basis"] for r in rows} == {"pm"}
    assert all(r["ratio"] is None and r["rank"] is None for r in rows)
    assert client.get("/api/v1/rankings/", {"basis": "national"}).status_code == 400


def test_ratio_decimal_strings_parse_back(client, world):
    for row in results(client.get("/api/v1/rankings/", {"level": "investor"})):
        assert Decimal(row["ratio"]) == round_half_up(disbursement_ratio(row["disbursed"], row["plan"]), 4)


def test_rankings_within_one_source(client, central_capital):
    query = {"level": "district", "stream": "district_transfer"}
    central = results(client.get("/api/v1/rankings/", {**query, "source": "nstw"}))
    assert [(r["unit"]["code"], r["disbursed"], r["plan"], r["ratio"], r["rank"], r["rank_of"]) for r in central] == [
        ("AL", 90 * TY, 100 * TY, "90.0000", 1, 1)
    ]
    assert central[0]["stream_average"] == "90.0000"

    local = results(client.get("/api/v1/rankings/", {**query, "source": "nsdp"}))
    assert [(r["unit"]["code"], r["rank"]) for r in local] == [("KT", 1), ("DS", 2), ("AL", 3)]
    assert next(r for r in local if r["unit"]["code"] == "AL")["ratio"] == "5.8217"

    # Over all sources An Lão counts both: 96,986 of 220 tỷ.
    both = results(client.get("/api/v1/rankings/", query))
    an_lao = next(r for r in both if r["unit"]["code"] == "AL")
    assert (an_lao["disbursed"], an_lao["plan"], an_lao["ratio"]) == (96_986_000_000, 220 * TY, "44.0845")


def test_unknown_source_is_a_400(client, world):
    response = client.get("/api/v1/rankings/", {"level": "district", "source": "khong-co"})
    assert response.status_code == 400
    assert "source" in response.json()["error"]["details"]


def test_ratios_show_per_source_unit_figures_only_when_asked(client, central_capital):
    everything = results(client.get("/api/v1/ratios/", {"scope": "district", "stream": "district_transfer"}))
    assert len(everything) == 3 and {r["source"] for r in everything} == {None}
    central = results(client.get("/api/v1/ratios/", {"scope": "district", "source": "nstw"}))
    assert [(r["unit"]["code"], r["source"], r["ratio"]) for r in central] == [("AL", "nstw", "90.0000")]
    # Beside the stream's ratio in that source, as the rankings give it.
    assert central[0]["stream_average"] == "90.0000"
