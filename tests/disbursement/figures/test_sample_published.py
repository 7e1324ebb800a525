"""The 20/7/2024 sample gives the figures the city published."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.money import TY, parse_vn_decimal
from core.notation import format_amount, format_percent, format_unit_percent
from disbursement.figures.selectors import city_figure, ranking, source_figures, stream_figures
from disbursement.models import BudgetSource, CapitalStream
from tests.sample_rows import load_sample_rows


def pct(ratio: Decimal) -> str:
    """A ratio as the published file writes it: '35,76'."""
    return format_percent(ratio).removesuffix("%")


@pytest.fixture
def sample(db):
    return load_sample_rows()


def test_citywide_ratios_match_the_report(sample):
    city = city_figure(sample.snapshot)
    published = sample.published["city"]
    assert format_amount(city.disbursed) == published["disbursed"]
    assert pct(city.ratio_pm) == published["pm_ratio_pct"]
    assert pct(city.ratio) == published["city_ratio_pct"]
    assert format_amount(city.plan) == published["city_plan"]
    assert format_amount(city.plan_pm) == published["pm_plan"]
    # No detailed-allocation plan entered: the allocations in force are the detailed allocation.
    assert city.plan_detailed == sum(f.plan for f in stream_figures(sample.snapshot))
    assert city.ratio_detailed > city.ratio_pm


def test_ratio_per_budget_source(sample):
    by_code = {f.source.code: f for f in source_figures(sample.snapshot)}
    published = sample.published["city"]
    assert pct(by_code[BudgetSource.CENTRAL].ratio) == published["central_budget_ratio_pct"]
    assert pct(by_code[BudgetSource.LOCAL].ratio) == published["local_budget_ratio_pct"]
    assert format_amount(by_code[BudgetSource.LOCAL].disbursed) == published["local_budget_disbursed"]


def test_same_period_last_year_uses_the_revised_plan_and_says_which_date(sample):
    city = city_figure(sample.snapshot)
    last = sample.published["same_period_2023"]
    assert city.same_period_snapshot == sample.last_year
    assert city.same_period_snapshot.as_of.isoformat() == last["as_of"]
    assert format_amount(city.same_period_disbursed) == last["disbursed"]
    assert format_amount(city.same_period_plan) == last["city_plan"]
    # The report truncates (39,84 / 67,69); half-up gives one more in the last place.
    published_city = parse_vn_decimal(last["city_ratio_pct_as_published"])
    published_pm = parse_vn_decimal(last["pm_ratio_pct"])
    assert pct(city.same_period_ratio) == pct(published_city + Decimal("0.01"))
    assert pct(city.same_period_ratio_pm) == pct(published_pm + Decimal("0.01"))
    assert city.same_period_ratio.quantize(Decimal("0.01"), rounding="ROUND_DOWN") == published_city


def test_city_assigned_projects(sample):
    stream = CapitalStream.objects.get(code=CapitalStream.CITY_ASSIGNED)
    published = sample.published["city_assigned_projects"]
    figure = stream_figures(sample.snapshot).get(stream=stream)
    assert pct(figure.ratio) == published["ratio_pct"]
    assert format_amount(figure.plan, places=1) == published["plan"]
    assert format_amount(figure.disbursed, places=1) == published["disbursed"]
    units = list(ranking(sample.snapshot, stream))
    assert len(units) == published["investors"]
    assert sum(1 for f in units if f.disbursed > 0) == published["investors_disbursing"]
    assert [f.investor.name for f in units if f.disbursed == 0] == ["Sở Y tế"]
    assert units[-1].investor.name == "Sở Y tế"


def test_targeted_capital_to_districts(sample):
    stream = CapitalStream.objects.get(code=CapitalStream.DISTRICT_TRANSFER)
    published = sample.published["targeted_capital_to_districts"]
    figure = stream_figures(sample.snapshot).get(stream=stream)
    assert pct(figure.ratio) == "35,15"
    assert format_unit_percent(figure.ratio).startswith(published["ratio_pct_as_published"])
    assert format_amount(figure.plan) == published["plan"]
    # The workbook's rows add up to 1.513,543 tỷ; the report printed 1.513,544.
    assert abs(figure.disbursed - parse_vn_decimal(published["disbursed"]) * TY) <= 10**6

    units = list(ranking(sample.snapshot, stream))
    above = [f for f in units if f.ratio > figure.stream_average]
    below = [f for f in units if f.ratio < figure.stream_average]
    assert len(above) == published["bands_as_published"]["above 35%"]
    assert len(below) == published["bands_as_published"]["below 35%"]
    expected = [(d["name"].split(" ", 1)[1], d["disbursed"], d["plan"]) for d in published["districts"]]
    got = [(f.district.name, format_amount(f.disbursed), format_amount(f.plan)) for f in units]
    assert got == expected
    assert [f.rank for f in units] == list(range(1, 16))
    assert all(f.stream_average == figure.ratio for f in units)


def test_sample_flags(sample):
    from disbursement.flags.selectors import flags_by_unit, open_flags

    stream = CapitalStream.objects.get(code=CapitalStream.CITY_ASSIGNED)
    flags = flags_by_unit(sample.snapshot)
    not_disbursed = [f for f in open_flags(sample.snapshot) if f.kind == "not_disbursed"]
    assert [(f.investor.name, f.stream_id) for f in not_disbursed] == [("Sở Y tế", stream.id)]
    assert "0,040 tỷ đồng" in not_disbursed[0].reason
    # The workbook's rows, subtotals and stated ratios agree: no data anomaly.
    anomalies = [f for f in open_flags(sample.snapshot) if f.kind not in f.rule.LAGGING_KINDS]
    assert anomalies == []
    below_average = {
        key[1] for key, unit_flags in flags.items() for f in unit_flags if f.kind == "below_stream_average"
    }
    expected = {f.investor_id for f in ranking(sample.snapshot, stream) if f.ratio < f.stream_average}
    districts = CapitalStream.objects.get(code=CapitalStream.DISTRICT_TRANSFER)
    assert below_average - {None} == expected
    assert (
        len([k for k in flags if k[0] == districts.id and any(f.kind == "below_stream_average" for f in flags[k])]) == 6
    )
