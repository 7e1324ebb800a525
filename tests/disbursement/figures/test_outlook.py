"""Year-end outlook: what is still to disburse to reach the target, and the weekly pace it needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.money import TY
from disbursement.models import EngineSetting
from tests.builders import allocate, computed, investors, snapshot, unit_figure


def test_default_target_is_the_whole_plan_by_31_january(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    # 20/7/2024 to 31/1/2025: 195 days, 28 weeks (rounded up).
    snap = computed(snapshot(dt.date(2024, 7, 20), {unit: 30 * TY}))
    figure = unit_figure(snap, unit)
    assert figure.target_date == dt.date(2025, 1, 31)
    assert figure.weeks_remaining == 28
    assert figure.target_amount == 100 * TY
    assert figure.remaining_amount == 70 * TY
    assert figure.weekly_required == -(-70 * TY // 28)


def test_target_and_date_are_configurable_per_year(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    EngineSetting.objects.create(year=None, target_percent=Decimal(100))
    EngineSetting.objects.create(year=2024, target_percent=Decimal(95), target_date=dt.date(2024, 12, 31))
    snap = computed(snapshot(dt.date(2024, 12, 3), {unit: 80 * TY}))
    figure = unit_figure(snap, unit)
    assert figure.target_amount == 95 * TY
    assert figure.remaining_amount == 15 * TY
    assert figure.weeks_remaining == 4
    assert figure.weekly_required == 15 * TY // 4


def test_target_reached_or_past_the_deadline(db):
    done, late = investors(2)
    allocate(done, 100 * TY)
    allocate(late, 100 * TY)
    snap = computed(snapshot(dt.date(2025, 1, 31), {done: 101 * TY, late: 60 * TY}, year=2024))
    assert unit_figure(snap, done).remaining_amount == 0
    figure = unit_figure(snap, late)
    assert figure.remaining_amount == 40 * TY
    assert figure.weeks_remaining == 0
    assert figure.weekly_required is None
