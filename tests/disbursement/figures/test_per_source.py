"""Units and streams per budget source, beside their figures over all sources."""

import datetime as dt

from core.money import TY
from disbursement.figures.selectors import ranking, stream_figures
from disbursement.flags.selectors import open_flags
from disbursement.models import Allocation, AllocationRevision, BudgetSource, SnapshotLine
from tests.builders import allocate, computed, investors, local, snapshot
from tests.factories import stream


def central() -> BudgetSource:
    return BudgetSource.objects.get(code=BudgetSource.CENTRAL)


def central_line(snap, unit, plan: int, disbursed: int) -> None:
    allocation, _ = Allocation.objects.get_or_create(year=2024, stream=stream(), source=central(), investor=unit)
    AllocationRevision.objects.get_or_create(allocation=allocation, amount=plan, effective_from=dt.date(2024, 1, 1))
    SnapshotLine.objects.create(snapshot=snap, stream=stream(), source=central(), investor=unit, disbursed=disbursed)


def test_each_source_has_its_own_ranking_and_they_add_up(db):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    snap = snapshot(dt.date(2024, 7, 20), {a: 10 * TY, b: 40 * TY})
    central_line(snap, a, 100 * TY, 90 * TY)
    snap = computed(snap)

    over_all = {f.investor: f for f in ranking(snap, stream())}
    assert [(f.investor, f.rank) for f in ranking(snap, stream())] == [(a, 1), (b, 2)]
    assert (over_all[a].disbursed, over_all[a].plan) == (100 * TY, 200 * TY)

    assert [(f.investor, f.rank, f.rank_of) for f in ranking(snap, stream(), local())] == [(b, 1, 2), (a, 2, 2)]
    assert [(f.investor, f.rank, f.rank_of) for f in ranking(snap, stream(), central())] == [(a, 1, 1)]

    by_source = {f.source: f for f in stream_figures(snap)} | {
        source: stream_figures(snap, source=source).get() for source in (local(), central())
    }
    assert by_source[None].disbursed == by_source[local()].disbursed + by_source[central()].disbursed == 140 * TY
    assert by_source[central()].stream_average == 90


def test_flags_judge_a_unit_over_all_its_sources(db):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    snap = snapshot(dt.date(2024, 7, 20), {a: 0, b: 0})
    central_line(snap, a, 100 * TY, 80 * TY)
    snap = computed(snap)
    flags = {(flag.investor_id, flag.rule.kind, flag.source_id) for flag in open_flags(snap)}
    # b disbursed nothing at all; a nothing of the local budget but 80 of 200 tỷ over both sources.
    assert (b.id, "not_disbursed", None) in flags
    assert not any(investor == a.id and kind == "not_disbursed" for investor, kind, _ in flags)
    assert all(source_id is None for _, _, source_id in flags)
