"""Rules that flag slow units: not disbursed, below threshold or average, behind schedules, stalled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.money import TY
from disbursement.flags.selectors import flags_by_unit, open_flags
from disbursement.models import CapitalStream, FlagRule, MilestoneSchedule, QuarterlySchedule
from investors.models import Investor
from tests.builders import allocate, computed, districts, investors, snapshot
from tests.factories import stream

DAY = dt.date(2024, 5, 10)


def kinds(snap, unit) -> set[str]:
    if isinstance(unit, Investor):
        key = (stream().id, unit.id, None)
    else:
        key = (stream(CapitalStream.DISTRICT_TRANSFER).id, None, unit.id)
    return {f.kind for f in flags_by_unit(snap).get(key, [])}


def test_not_disbursed_needs_a_plan(db):
    idle, unplanned = investors(2)
    allocate(idle, 40 * 10**6)
    allocate(unplanned, 0)
    snap = computed(snapshot(DAY, {idle: 0, unplanned: 0}))
    assert "not_disbursed" in kinds(snap, idle)
    assert kinds(snap, unplanned) == set()
    (flag,) = [f for f in open_flags(snap) if f.kind == "not_disbursed"]
    assert flag.reason == "Chưa giải ngân; kế hoạch vốn được bố trí 0,040 tỷ đồng."
    assert flag.value == 0


def test_below_threshold_is_strict_and_excludes_units_not_disbursing(db):
    at, under, none = investors(3)
    for unit in (at, under, none):
        allocate(unit, 100 * TY)
    snap = computed(snapshot(DAY, {at: 10 * TY, under: 9 * TY, none: 0}))
    assert "below_threshold" not in kinds(snap, at)
    assert "below_threshold" in kinds(snap, under)
    assert "below_threshold" not in kinds(snap, none)
    (flag,) = [f for f in open_flags(snap) if f.kind == "below_threshold"]
    assert flag.reason == "Giải ngân 9% (9,000 tỷ đồng / 100,000 tỷ đồng), dưới ngưỡng 10%."


def test_threshold_rule_per_stream_overrides_the_general_rule(db):
    (investor,) = investors(1)
    (district,) = districts(1)
    allocate(investor, 100 * TY)
    allocate(district, 100 * TY)
    FlagRule.objects.create(
        name="Dưới 20% (vốn cho quận, huyện, 2024)",
        kind="below_threshold",
        stream=stream("district_transfer"),
        year=2024,
        threshold=Decimal(20),
    )
    snap = snapshot(DAY, {investor: 15 * TY})
    snapshot_line = snap.lines.get()
    snapshot_line.pk = None
    snapshot_line.investor, snapshot_line.district = None, district
    snapshot_line.stream = stream(CapitalStream.DISTRICT_TRANSFER)
    snapshot_line.save()
    computed(snap)
    assert "below_threshold" not in kinds(snap, investor)
    assert "below_threshold" in kinds(snap, district)
    (flag,) = [f for f in open_flags(snap) if f.kind == "below_threshold"]
    assert flag.rule.year == 2024
    assert "dưới ngưỡng 20%" in flag.reason


def test_below_the_stream_average_and_ties_at_the_average(db):
    a, b, c = investors(3)
    for unit in (a, b, c):
        allocate(unit, 100 * TY)
    # Average 30%: b sits exactly on it and is not below.
    snap = computed(snapshot(DAY, {a: 50 * TY, b: 30 * TY, c: 10 * TY}))
    assert "below_stream_average" not in kinds(snap, a)
    assert "below_stream_average" not in kinds(snap, b)
    assert "below_stream_average" in kinds(snap, c)


def test_behind_the_milestone_of_the_year(db):
    slow, ok = investors(2)
    allocate(slow, 100 * TY)
    allocate(ok, 100 * TY)
    MilestoneSchedule.objects.create(year=2024, due=dt.date(2024, 6, 30), min_ratio=Decimal(40))
    MilestoneSchedule.objects.create(year=2024, due=dt.date(2024, 9, 30), min_ratio=Decimal(60))
    before = computed(snapshot(dt.date(2024, 6, 28), {slow: 30 * TY, ok: 45 * TY}))
    july = computed(snapshot(dt.date(2024, 7, 5), {slow: 35 * TY, ok: 45 * TY}))
    october = computed(snapshot(dt.date(2024, 10, 4), {slow: 70 * TY, ok: 55 * TY}))
    assert "behind_milestone" not in kinds(before, slow)
    assert "behind_milestone" in kinds(july, slow)
    assert "behind_milestone" not in kinds(july, ok)
    assert "behind_milestone" not in kinds(october, slow)
    assert "behind_milestone" in kinds(october, ok)


def test_behind_the_units_registered_quarterly_schedule(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    for quarter, amount in ((1, 10), (2, 30), (3, 30)):
        QuarterlySchedule.objects.create(year=2024, quarter=quarter, stream=stream(), investor=unit, amount=amount * TY)
    q2 = computed(snapshot(dt.date(2024, 6, 28), {unit: 20 * TY}))
    july = computed(snapshot(dt.date(2024, 7, 5), {unit: 35 * TY}))
    assert "behind_registered" not in kinds(q2, unit)  # only Q1 (10) is due before 30/6
    assert "behind_registered" in kinds(july, unit)  # Q1 + Q2 = 40 due
    (flag,) = [f for f in open_flags(july) if f.kind == "behind_registered"]
    assert flag.value == 5 * TY
    assert "quý 2" in flag.reason


def test_stalled_after_n_snapshots_without_increase(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    days = [dt.date(2024, 3, d) for d in (1, 8, 15, 22, 29)]
    amounts = [10, 20, 20, 20, 20]
    snaps = [computed(snapshot(day, {unit: amount * TY})) for day, amount in zip(days, amounts, strict=True)]
    # Default N = 3: 8/3 -> 29/3 is three snapshots without increase.
    assert ["stalled" in kinds(s, unit) for s in snaps] == [False, False, False, False, True]
