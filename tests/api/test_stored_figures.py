"""The API writes the stored figures: what the admin, the exports, the digest and the draft read too."""

from decimal import Decimal

from disbursement.models import Figure
from tests.api.conftest import results


def district_row(world, code="KT"):
    return Figure.objects.filter(
        snapshot=world["current"], stream__code="district_transfer", source__isnull=True, district__code=code
    )


def test_ratios_ranks_and_changes_are_the_stored_ones(client, world):
    # Values no division of the row's own amounts gives: only reading the stored row can show them.
    district_row(world).update(ratio=Decimal("12.345650"), change_points=Decimal("-1.234549"))
    # A unit's stream average is its stream's stored ratio.
    Figure.objects.filter(
        snapshot=world["current"], scope="stream", stream__code="district_transfer", source__isnull=True
    ).update(ratio=Decimal("33.333350"))
    kien_thuy = next(
        r
        for r in results(client.get("/api/v1/rankings/", {"stream": "district_transfer"}))
        if r["unit"]["code"] == "KT"
    )
    assert kien_thuy["ratio"] == "12.3457"
    assert kien_thuy["change_points"] == "-1.2345"
    assert kien_thuy["stream_average"] == "33.3334"


def test_every_basis_reads_its_stored_ratio_average_and_rank(client, world):
    # A unit's stream average on the PM basis is its stream's stored one.
    Figure.objects.filter(
        snapshot=world["current"], scope="stream", stream__code="district_transfer", source__isnull=True
    ).update(stream_average_pm=Decimal("41.5"))
    district_row(world, "DS").update(
        plan_pm=50 * 10**9,
        ratio_pm=Decimal("80"),
        rank_pm=1,
        rank_of_pm=2,
        same_period_plan_pm=60 * 10**9,
        same_period_ratio_pm=Decimal("20"),
    )
    rows = results(client.get("/api/v1/rankings/", {"stream": "district_transfer", "basis": "pm"}))
    # Ordered by the rank on that basis: Đồ Sơn first, the units without a PM plan after it.
    do_son = rows[0]
    assert do_son["unit"]["code"] == "DS"
    assert (do_son["plan"], do_son["ratio"], do_son["rank"], do_son["rank_of"]) == (50 * 10**9, "80.0000", 1, 2)
    assert do_son["stream_average"] == "41.5000"
    assert (do_son["same_period_plan"], do_son["same_period_ratio"]) == (60 * 10**9, "20.0000")
    series = client.get(
        "/api/v1/series/", {"year": 2024, "stream": "district_transfer", "district": "DS", "basis": "pm"}
    ).json()
    assert [(p["ratio"], p["rank"], p["rank_of"]) for p in series["points"]] == [("80.0000", 1, 2)]


def test_summary_change_against_last_year_is_of_the_stored_ratios(client, world):
    Figure.objects.filter(snapshot=world["current"], scope="city").update(
        ratio=Decimal("35.758349"), same_period_ratio=Decimal("25.000050")
    )
    body = client.get("/api/v1/summary/").json()
    assert body["city"]["ratio"] == "35.7583" and body["city"]["same_period_ratio"] == "25.0001"
    # 10.758299 rounded once, not the difference of the two rounded strings (10.7582).
    assert body["same_period_change_points"] == "10.7583"
