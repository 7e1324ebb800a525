"""Flags across a plan revised mid-year and a unit that appears in the middle of the year."""

from __future__ import annotations

import datetime as dt

from core.money import TY
from disbursement.flags.selectors import flag_history, flags_by_unit
from tests.builders import allocate, computed, investors, revise, snapshot
from tests.factories import stream


def test_plan_revised_mid_year_clears_a_flag_from_the_effective_date(db, django_capture_on_commit_callbacks):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(dt.date(2024, 6, 7), {unit: 5 * TY}))
    computed(snapshot(dt.date(2024, 6, 21), {unit: 6 * TY}))
    [episode] = flag_history(investor=unit, kind="below_threshold")
    assert (episode.raised_on, episode.cleared_on) == (dt.date(2024, 6, 7), None)
    # The plan is cut to 50 tỷ from 14/6: 6 / 50 = 12% on 21/6, no longer below 10%.
    with django_capture_on_commit_callbacks(execute=True):
        revise(unit, 50 * TY, effective=dt.date(2024, 6, 14))
    [episode] = flag_history(investor=unit, kind="below_threshold")
    assert (episode.raised_on, episode.cleared_on) == (dt.date(2024, 6, 7), dt.date(2024, 6, 21))


def test_unit_appearing_mid_year_is_neither_stalled_nor_decreasing_on_arrival(db):
    old, new = investors(2)
    allocate(old, 100 * TY)
    days = [dt.date(2024, 3, d) for d in (1, 8, 15, 22, 29)]
    for i, day in enumerate(days):
        amounts = {old: 10 * TY}
        if day >= dt.date(2024, 3, 22):
            amounts[new] = 5 * TY
            if i == 3:
                allocate(new, 100 * TY, effective=day)
        last = computed(snapshot(day, amounts))
    flags = flags_by_unit(last)
    assert "stalled" in {f.kind for f in flags[(stream().id, old.id, None)]}
    new_kinds = {f.kind for f in flags.get((stream().id, new.id, None), [])}
    assert "stalled" not in new_kinds
    assert "decrease" not in new_kinds
    assert "below_threshold" in new_kinds
