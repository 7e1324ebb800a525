"""Which band a unit falls in, and the bands of a stream."""

from __future__ import annotations

from core.money import TY
from disbursement.figures.selectors import ranking
from disbursement.models import BandConfig
from disbursement.report.selectors import BandKind, band_config_for, band_for, banded_units
from tests.disbursement.report.helpers import stream_snapshot
from tests.factories import stream


def _config(limits: str, **kwargs) -> BandConfig:
    return BandConfig.objects.update_or_create(
        stream=stream("district_transfer"), year=2024, defaults={"limits": limits, **kwargs}
    )[0]


def _names(group) -> list[str]:
    return [f.district.name for f in group.units]


def _by_label(groups) -> dict[str, list[str]]:
    return {g.label: _names(g) for g in groups}


def test_fixed_limits_make_not_disbursed_and_range_bands(db):
    snapshot = stream_snapshot(
        [("A", 100 * TY, 0), ("B", 100 * TY, 5 * TY), ("C", 100 * TY, 20 * TY), ("D", 100 * TY, 50 * TY)]
    )
    _config("0; 10; 35")
    groups = banded_units(snapshot, stream("district_transfer"))
    assert [g.label for g in groups] == [
        "trên 35%",
        "từ 10% đến dưới 35%",
        "dưới 10%",
        "chưa giải ngân",
        "chưa có kế hoạch vốn",
        "chưa báo cáo",
    ]
    assert _by_label(groups) == {
        "trên 35%": ["D"],
        "từ 10% đến dưới 35%": ["C"],
        "dưới 10%": ["B"],
        "chưa giải ngân": ["A"],
        "chưa có kế hoạch vốn": [],
        "chưa báo cáo": [],
    }
    assert {g.total for g in groups} == {4}


def test_without_zero_limit_a_unit_that_disbursed_nothing_is_simply_below(db):
    snapshot = stream_snapshot([("A", 100 * TY, 0), ("B", 100 * TY, 50 * TY)])
    _config("35")
    groups = banded_units(snapshot, stream("district_transfer"))
    assert _by_label(groups) == {"trên 35%": ["B"], "dưới 35%": ["A"], "chưa có kế hoạch vốn": [], "chưa báo cáo": []}


def test_stream_average_limit_is_applied_as_written_or_exactly(db):
    # Stream: 351,5 / 1.000 = 35,15%. A unit at 35,1% is above the written 35% but below the exact average.
    snapshot = stream_snapshot([("A", 500 * TY, 175_500_000_000), ("B", 500 * TY, 176 * TY)])
    _config("TB")
    groups = banded_units(snapshot, stream("district_transfer"))
    assert _by_label(groups) == {"trên 35%": ["B", "A"], "dưới 35%": [], "chưa có kế hoạch vốn": [], "chưa báo cáo": []}
    _config("TB", average_limit=BandConfig.AverageLimit.EXACT, average_places=2)
    groups = banded_units(snapshot, stream("district_transfer"))
    assert _by_label(groups) == {
        "trên 35,15%": ["B"],
        "dưới 35,15%": ["A"],
        "chưa có kế hoạch vốn": [],
        "chưa báo cáo": [],
    }


def test_band_for_places_a_unit_by_the_same_limit_the_bands_write(db):
    snapshot = stream_snapshot([("A", 500 * TY, 175_500_000_000), ("B", 500 * TY, 176 * TY)])
    figures = {f.district.name: f for f in ranking(snapshot, stream("district_transfer"))}
    assert band_for(figures["A"], _config("TB")).label == "trên 35%"
    exact = _config("TB", average_limit=BandConfig.AverageLimit.EXACT, average_places=2)
    assert band_for(figures["A"], exact).label == "dưới 35,15%"


def test_average_below_one_percent_is_written_with_the_decimals_that_show_it(db):
    snapshot = stream_snapshot([("A", 1000 * TY, 3 * TY), ("B", 1000 * TY, 5 * TY)])
    _config("0; TB")
    assert [g.label for g in banded_units(snapshot, stream("district_transfer"))][:2] == ["trên 0,4%", "dưới 0,4%"]


def test_fixed_limits_are_written_as_given(db):
    snapshot = stream_snapshot([("A", 100 * TY, 50 * TY)])
    _config("12,5; 40")
    assert [g.label for g in banded_units(snapshot, stream("district_transfer"))][:3] == [
        "trên 40%",
        "từ 12,5% đến dưới 40%",
        "dưới 12,5%",
    ]


def test_ratio_equal_to_a_limit_goes_above_and_equal_ratios_stay_together(db):
    snapshot = stream_snapshot([("Nhỏ", 100 * TY, 35 * TY), ("Lớn", 200 * TY, 70 * TY), ("Thấp", 100 * TY, 10 * TY)])
    config = _config("35")
    figures = {f.district.name: f for f in ranking(snapshot, stream("district_transfer"))}
    assert band_for(figures["Nhỏ"], config).label == "trên 35%"
    assert figures["Nhỏ"].rank == figures["Lớn"].rank
    groups = banded_units(snapshot, stream("district_transfer"))
    # A tie keeps the ranking's order: the larger disbursement first.
    assert _by_label(groups)["trên 35%"] == ["Lớn", "Nhỏ"]


def test_unit_with_a_zero_plan_or_no_plan_has_its_own_band(db):
    snapshot = stream_snapshot([("Không", 0, 5 * TY), ("Thiếu", None, 3 * TY), ("Có", 100 * TY, 50 * TY)])
    config = _config("0; 35")
    figures = {f.district.name: f for f in ranking(snapshot, stream("district_transfer"))}
    assert band_for(figures["Không"], config).kind == BandKind.NO_PLAN
    assert band_for(figures["Thiếu"], config).kind == BandKind.NO_PLAN
    groups = banded_units(snapshot, stream("district_transfer"))
    assert groups[-2].label == "chưa có kế hoạch vốn"
    assert _names(groups[-2]) == ["Không", "Thiếu"]
    assert groups[-2].total == 3


def test_ascending_order_lists_bands_and_units_from_the_lowest(db):
    snapshot = stream_snapshot([("A", 100 * TY, 60 * TY), ("B", 100 * TY, 40 * TY), ("C", 100 * TY, 5 * TY)])
    _config("35", order=BandConfig.Order.ASCENDING)
    groups = banded_units(snapshot, stream("district_transfer"))
    assert [(g.label, _names(g)) for g in groups] == [
        ("dưới 35%", ["C"]),
        ("trên 35%", ["B", "A"]),
        ("chưa có kế hoạch vốn", []),
        ("chưa báo cáo", []),
    ]


def test_config_of_an_earlier_year_applies_until_replaced(db):
    district_transfer = stream("district_transfer")
    BandConfig.objects.filter(stream=district_transfer).delete()
    BandConfig.objects.create(stream=district_transfer, year=2023, limits="0; 20")
    assert band_config_for(district_transfer, 2025).limits == "0; 20"
    BandConfig.objects.create(stream=district_transfer, year=2025, limits="45")
    assert band_config_for(district_transfer, 2025).limits == "45"
    assert band_config_for(district_transfer, 2024).limits == "0; 20"


def test_default_rows_band_every_stream_by_its_average(db):
    for code in ("city_assigned", "district_transfer", "new_rural"):
        assert band_config_for(stream(code), 2024).parsed_limits()[-1] == "average"
