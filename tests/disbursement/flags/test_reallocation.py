"""Reallocation candidates: slow units with money left next to units that have nearly spent theirs."""

from __future__ import annotations

import datetime as dt

from core.money import TY
from disbursement.figures.selectors import reallocation_candidates
from disbursement.models import EngineSetting
from tests.builders import allocate, computed, investors, snapshot
from tests.factories import stream


def test_slow_units_largest_undisbursed_first_next_to_nearly_exhausted_units(db):
    idle, slow, average, fast, done = investors(5)
    plans = {idle: 50, slow: 400, average: 100, fast: 100, done: 20}
    for unit, plan in plans.items():
        allocate(unit, plan * TY)
    amounts = {idle: 0, slow: 20 * TY, average: 60 * TY, fast: 92 * TY, done: 20 * TY}
    snap = computed(snapshot(dt.date(2024, 8, 2), amounts))
    candidates = reallocation_candidates(snap, stream())
    assert [(c.figure.investor, c.amount) for c in candidates.slow] == [(slow, 380 * TY), (idle, 50 * TY)]
    assert candidates.slow_total == 430 * TY
    assert all(c.reasons for c in candidates.slow)
    assert [(c.figure.investor, c.amount) for c in candidates.fast] == [(done, 0), (fast, 8 * TY)]


def test_near_exhaustion_threshold_is_a_setting(db):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    EngineSetting.objects.create(year=2024, near_exhaustion_percent=80)
    snap = computed(snapshot(dt.date(2024, 8, 2), {a: 85 * TY, b: 5 * TY}))
    candidates = reallocation_candidates(snap, stream())
    assert [c.figure.investor for c in candidates.fast] == [a]
    assert [c.figure.investor for c in candidates.slow] == [b]
