"""A flag is raised once, stays open while its condition holds, and keeps its history."""

from __future__ import annotations

import datetime as dt

from core.money import TY
from disbursement.figures.services import compute_snapshot
from disbursement.flags.selectors import flag_changes, flag_history, open_flags
from disbursement.models import Flag, FlagRule
from disbursement.snapshots.services import create_snapshot
from tests.builders import allocate, computed, investors, local, snapshot
from tests.factories import stream

DAYS = [dt.date(2024, 3, 1), dt.date(2024, 3, 8), dt.date(2024, 3, 15), dt.date(2024, 3, 22)]


def not_disbursed(unit) -> list[Flag]:
    return list(flag_history(investor=unit, kind="not_disbursed").order_by("raised_on"))


def test_raised_once_open_until_cleared_then_raised_again(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    snaps = [computed(snapshot(day, {unit: amount})) for day, amount in zip(DAYS, [0, 0, TY, 0], strict=True)]
    episodes = not_disbursed(unit)
    assert [(f.raised_on, f.cleared_on) for f in episodes] == [(DAYS[0], DAYS[2]), (DAYS[3], None)]
    assert [f.is_open for f in episodes] == [False, True]
    assert [len([f for f in open_flags(s) if f.kind == "not_disbursed"]) for s in snaps] == [1, 1, 0, 1]
    new, cleared = flag_changes(snaps[2])
    assert [f.kind for f in cleared] == ["not_disbursed"]
    assert [f.kind for f in new if f.kind == "not_disbursed"] == []
    new, cleared = flag_changes(snaps[1])
    assert (new, cleared) == ([], [])


def test_recomputing_a_snapshot_does_not_duplicate_flags(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    first = computed(snapshot(DAYS[0], {unit: 0}))
    second = computed(snapshot(DAYS[1], {unit: 0}))
    before = sorted(Flag.objects.values_list("kind", "raised_on", "cleared_on", "reason"))
    compute_snapshot(first.id, cascade=False)
    compute_snapshot(second.id, cascade=False)
    compute_snapshot(second.id, cascade=False)
    assert sorted(Flag.objects.values_list("kind", "raised_on", "cleared_on", "reason")) == before
    assert len(not_disbursed(unit)) == 1


def test_snapshot_imported_out_of_date_order_fixes_the_history(db, django_capture_on_commit_callbacks):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(DAYS[0], {unit: 0}))
    computed(snapshot(DAYS[2], {unit: 0}))
    assert [(f.raised_on, f.cleared_on) for f in not_disbursed(unit)] == [(DAYS[0], None)]
    # The missing week arrives late and shows disbursement: the episode ends there and a new one starts.
    middle = snapshot(DAYS[1], {unit: TY // 2})
    with django_capture_on_commit_callbacks(execute=True):
        compute_snapshot(middle.id)
    assert [(f.raised_on, f.cleared_on) for f in not_disbursed(unit)] == [(DAYS[0], DAYS[1]), (DAYS[2], None)]


def test_a_replaced_file_for_the_same_date_replaces_its_flags(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(DAYS[0], {unit: 0}))
    assert len(not_disbursed(unit)) == 1
    replacement = create_snapshot(year=2024, as_of=DAYS[0])
    replacement.lines.create(stream=stream(), source=local(), investor=unit, disbursed=5 * TY)
    computed(replacement)
    assert not_disbursed(unit) == []


def test_a_deactivated_rule_clears_its_flags_on_the_next_snapshot(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    computed(snapshot(DAYS[0], {unit: 0}))
    FlagRule.objects.filter(kind="not_disbursed").update(is_active=False)
    computed(snapshot(DAYS[1], {unit: 0}))
    assert [(f.raised_on, f.cleared_on) for f in not_disbursed(unit)] == [(DAYS[0], DAYS[1])]
