"""Previous snapshot, same period last year, plan revisions, out-of-order imports, idempotency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.money import TY
from disbursement.figures.selectors import unit_series
from disbursement.figures.services import compute_snapshot
from disbursement.models import Figure
from tests.builders import allocate, computed, figure_rows, investors, revise, snapshot, unit_figure
from tests.factories import stream


def test_same_period_is_the_nearest_earlier_snapshot_of_last_year(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY, year=2023, effective=dt.date(2023, 1, 1))
    allocate(unit, 200 * TY)
    computed(snapshot(dt.date(2023, 7, 14), {unit: 30 * TY}))
    computed(snapshot(dt.date(2023, 7, 28), {unit: 45 * TY}))
    snap = computed(snapshot(dt.date(2024, 7, 20), {unit: 50 * TY}))
    figure = unit_figure(snap, unit)
    assert figure.same_period_snapshot.as_of == dt.date(2023, 7, 14)
    assert figure.same_period_disbursed == 30 * TY
    assert figure.same_period_ratio == Decimal("30")
    assert figure.ratio == Decimal("25")


def test_same_period_computed_even_if_last_year_was_never_computed(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY, year=2023, effective=dt.date(2023, 1, 1))
    allocate(unit, 100 * TY)
    snapshot(dt.date(2023, 7, 1), {unit: 40 * TY})
    snap = computed(snapshot(dt.date(2024, 7, 1), {unit: 10 * TY}))
    assert unit_figure(snap, unit).same_period_ratio == Decimal("40")


def test_plan_revised_mid_year_applies_from_its_effective_date(db, django_capture_on_commit_callbacks):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    before = computed(snapshot(dt.date(2024, 6, 1), {unit: 40 * TY}))
    after = computed(snapshot(dt.date(2024, 7, 1), {unit: 50 * TY}))
    assert unit_figure(after, unit).ratio == Decimal("50")
    with django_capture_on_commit_callbacks(execute=True):
        revise(unit, 200 * TY, effective=dt.date(2024, 6, 15))
    # The revision's commit recomputed the snapshots dated on or after 15/6 only.
    assert unit_figure(before, unit).ratio == Decimal("40")
    figure = unit_figure(after, unit)
    assert figure.ratio == Decimal("25")
    assert figure.plan == 200 * TY
    assert figure.previous_ratio == Decimal("40")
    assert figure.change_points == Decimal("-15")


def test_unit_appearing_mid_year_has_no_previous_figures(db):
    old, new = investors(2)
    allocate(old, 100 * TY)
    computed(snapshot(dt.date(2024, 3, 1), {old: 10 * TY}))
    allocate(new, 100 * TY, effective=dt.date(2024, 4, 1))
    snap = computed(snapshot(dt.date(2024, 4, 5), {old: 20 * TY, new: 30 * TY}))
    figure = unit_figure(snap, new)
    assert figure.previous_snapshot is None
    assert figure.previous_disbursed is None
    assert figure.rank_change is None
    assert figure.rank == 1
    assert unit_figure(snap, old).previous_disbursed == 10 * TY


def test_snapshot_imported_out_of_date_order_gives_the_same_rows(db, django_capture_on_commit_callbacks):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    days = [dt.date(2024, 3, 1), dt.date(2024, 3, 8), dt.date(2024, 3, 15)]
    amounts = [{a: 10 * TY, b: 5 * TY}, {a: 12 * TY, b: 20 * TY}, {a: 30 * TY, b: 21 * TY}]

    # Out of order: the first and the last arrive, then the middle one.
    first = computed(snapshot(days[0], amounts[0]))
    last = computed(snapshot(days[2], amounts[2]))
    assert unit_figure(last, a).previous_disbursed == 10 * TY
    middle = snapshot(days[1], amounts[1])
    with django_capture_on_commit_callbacks(execute=True):
        compute_snapshot(middle.id)
    out_of_order = [figure_rows(s) for s in (first, middle, last)]
    assert unit_figure(last, a).previous_disbursed == 12 * TY
    assert unit_figure(last, b).rank_change == -1

    # In order, from scratch: identical rows.
    for s in (first, middle, last):
        Figure.objects.filter(snapshot=s).delete()
        compute_snapshot(s.id, cascade=False)
    assert [figure_rows(s) for s in (first, middle, last)] == out_of_order


def test_computing_twice_gives_identical_rows(db):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 50 * TY)
    computed(snapshot(dt.date(2024, 3, 1), {a: 10 * TY, b: 5 * TY}))
    snap = computed(snapshot(dt.date(2024, 3, 8), {a: 12 * TY, b: 20 * TY}))
    once = figure_rows(snap)
    compute_snapshot(snap.id)
    assert figure_rows(snap) == once
    assert Figure.objects.filter(snapshot=snap).count() == len(once)


def test_unit_series_over_the_year(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    for day, amount in ((dt.date(2024, 3, 8), 20), (dt.date(2024, 3, 1), 10)):
        computed(snapshot(day, {unit: amount * TY}))
    series = unit_series(2024, stream(), investor=unit)
    assert [(f.snapshot.as_of.day, f.ratio) for f in series] == [(1, Decimal("10")), (8, Decimal("20"))]
    assert [f.scope for f in unit_series(2024, stream())] == ["stream", "stream"]
    assert [f.scope for f in unit_series(2024, None)] == ["city", "city"]
