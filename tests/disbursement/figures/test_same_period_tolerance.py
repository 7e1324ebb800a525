"""Same period last year means a snapshot near the same day, never one months away."""

from __future__ import annotations

import datetime as dt

import pytest

from disbursement.figures.services import compute_snapshot
from disbursement.models import EngineSetting, Figure
from tests.builders import allocate, investors, snapshot


@pytest.fixture
def unit(db):
    (investor,) = investors(1)
    for year in (2022, 2023):
        allocate(investor, 100, effective=dt.date(year, 1, 1), year=year)
    return investor


@pytest.fixture
def years(unit):
    """Last year's only snapshot: 20/3/2022."""
    march_2022 = snapshot(dt.date(2022, 3, 20), {unit: 10})
    compute_snapshot(march_2022.id)
    return march_2022


def snapshot_with_lines(as_of: dt.date, unit):
    return snapshot(as_of, {unit: 30})


def _city(snapshot):
    compute_snapshot(snapshot.id)
    return Figure.objects.get(snapshot=snapshot, scope=Figure.Scope.CITY)


def test_a_date_months_away_is_not_the_same_period(years, unit):
    july = snapshot_with_lines(dt.date(2023, 7, 20), unit)
    city = _city(july)
    assert city.same_period_snapshot is None
    assert city.same_period_ratio is None


def test_a_date_within_the_tolerance_is_the_same_period(years, unit):
    march = snapshot_with_lines(dt.date(2023, 3, 24), unit)
    city = _city(march)
    assert city.same_period_snapshot == years
    assert city.same_period_disbursed == 10


def test_the_tolerance_is_a_setting(years, unit):
    EngineSetting.objects.create(year=2023, same_period_tolerance_days=2)
    march = snapshot_with_lines(dt.date(2023, 3, 24), unit)
    assert _city(march).same_period_snapshot is None
