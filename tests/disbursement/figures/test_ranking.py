"""Stream average, ranks, ties and units without a plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.figures import disbursement_ratio
from core.money import TY
from disbursement.figures.selectors import ranking
from tests.builders import allocate, computed, investors, snapshot, stream_figure, unit_figure
from tests.factories import stream

DAY = dt.date(2024, 3, 31)


def test_stream_average_is_the_ratio_of_totals_not_the_mean_of_ratios(db):
    big, small = investors(2)
    allocate(big, 900 * TY)
    allocate(small, 100 * TY)
    snap = computed(snapshot(DAY, {big: 90 * TY, small: 90 * TY}))
    # Mean of ratios would be (10% + 90%) / 2 = 50%; the totals give 180 / 1000 = 18%.
    assert stream_figure(snap).ratio == Decimal("18")
    assert unit_figure(snap, big).stream_average == Decimal("18")


def test_equal_ratios_share_a_rank_and_the_next_rank_skips(db):
    a, b, c, d = investors(4)
    for unit, plan in ((a, 100), (b, 200), (c, 300), (d, 100)):
        allocate(unit, plan * TY)
    # a 50%, b 25% (50/200), c 25% (75/300), d 10%.
    snap = computed(snapshot(DAY, {a: 50 * TY, b: 50 * TY, c: 75 * TY, d: 10 * TY}))
    assert [unit_figure(snap, u).rank for u in (a, b, c, d)] == [1, 2, 2, 4]
    assert {unit_figure(snap, u).rank_of for u in (a, b, c, d)} == {4}


def test_unit_with_zero_plan_has_no_ratio_and_no_rank(db):
    planned, unplanned = investors(2)
    allocate(planned, 100 * TY)
    allocate(unplanned, 0)
    snap = computed(snapshot(DAY, {planned: 10 * TY, unplanned: 0}))
    figure = unit_figure(snap, unplanned)
    assert figure.ratio is None
    assert figure.rank is None
    assert figure.remaining_amount is None
    assert unit_figure(snap, planned).rank_of == 1
    assert list(ranking(snap, stream()))[-1].investor == unplanned


def test_rank_change_since_the_previous_snapshot(db):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    first = computed(snapshot(dt.date(2024, 3, 1), {a: 20 * TY, b: 10 * TY}))
    second = computed(snapshot(dt.date(2024, 3, 8), {a: 25 * TY, b: 40 * TY}))
    assert unit_figure(first, b).rank == 2
    fb = unit_figure(second, b)
    assert (fb.rank, fb.previous_rank, fb.rank_change) == (1, 2, 1)
    fa = unit_figure(second, a)
    assert (fa.rank, fa.previous_rank, fa.rank_change) == (2, 1, -1)
    assert fa.change_amount == 5 * TY
    assert fa.change_points == Decimal("5")
    assert fa.previous_snapshot == first


def test_ratio_is_exact_until_shown(db):
    (unit,) = investors(1)
    allocate(unit, 3 * TY)
    snap = computed(snapshot(DAY, {unit: 1 * TY}))
    assert unit_figure(snap, unit).ratio == disbursement_ratio(1, 3).quantize(Decimal("0.000001"))
