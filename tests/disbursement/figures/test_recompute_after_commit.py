"""A change asks for a recompute; after commit, each affected snapshot is computed once, in date order.

These tests commit for real (transactional database), as a web request or an import job does.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.db import transaction

from core.money import TY
from disbursement.figures import services
from disbursement.plans.services import AllocationChange, revise_allocations
from disbursement.recompute import request_recompute
from tests.builders import allocate, investors, local, revise, snapshot, unit_figure
from tests.conftest import ROOT
from tests.factories import stream

# serialized_rollback restores the migrations' reference rows that the flush after each test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MAY, JUNE, JULY = dt.date(2024, 5, 3), dt.date(2024, 6, 7), dt.date(2024, 7, 5)


@pytest.fixture
def computed_ids(monkeypatch) -> list[int]:
    """The ids of the snapshots compute_snapshot is called for, in call order."""
    calls: list[int] = []
    compute = services.compute_snapshot

    def counting(snapshot_id: int, **kwargs) -> int:
        calls.append(snapshot_id)
        return compute(snapshot_id, **kwargs)

    monkeypatch.setattr(services, "compute_snapshot", counting)
    return calls


@pytest.fixture
def year_2024():
    """Three units with plans and three computed snapshots of 2024."""
    units = investors(3)
    for unit in units:
        allocate(unit, 100 * TY)
    snapshots = [snapshot(day, {unit: 10 * TY for unit in units}) for day in (MAY, JUNE, JULY)]
    services.recompute_year(2024)
    return units, snapshots


def test_an_import_that_revises_plans_computes_each_snapshot_once(year_2024, computed_ids):
    units, (may, june, july) = year_2024
    with transaction.atomic():
        # What an import writes: a new snapshot, plan revisions one by one and in bulk.
        new = snapshot(dt.date(2024, 6, 21), {unit: 20 * TY for unit in units})
        request_recompute(new.year, new.as_of)
        revise(units[0], 50 * TY, effective=dt.date(2024, 6, 1))
        revise(units[1], 40 * TY, effective=dt.date(2024, 6, 1))
        revise_allocations(
            2024,
            [AllocationChange(stream(), local(), units[2].id, None, 25 * TY, dt.date(2024, 5, 31), "Theo tệp")],
        )
        assert computed_ids == []

    # From the earliest date asked (31/5): the June and July snapshots, the new one among them, once each.
    assert computed_ids == [june.id, new.id, july.id]
    assert unit_figure(july, units[0]).ratio == 20
    assert unit_figure(july, units[2]).ratio == 40
    assert unit_figure(may, units[2]).plan == 100 * TY


def test_a_transaction_that_rolls_back_computes_nothing(year_2024, computed_ids):
    units, (_may, june, july) = year_2024
    with pytest.raises(RuntimeError), transaction.atomic():
        revise(units[0], 50 * TY, effective=dt.date(2024, 5, 1))
        raise RuntimeError("the import failed")
    assert computed_ids == []
    assert unit_figure(july, units[0]).plan == 100 * TY

    # The next transaction recomputes from its own date, not from the rolled-back one.
    with transaction.atomic():
        revise(units[1], 50 * TY, effective=dt.date(2024, 6, 1))
    assert computed_ids == [june.id, july.id]


def test_each_year_is_recomputed_by_its_own_task_from_its_own_date(year_2024, monkeypatch):
    units, (may, june, july) = year_2024
    allocate(units[0], 100 * TY, year=2023, effective=dt.date(2023, 1, 1))
    last_year = snapshot(dt.date(2023, 7, 7), {units[0]: 10 * TY})
    asked: list[tuple[int, dt.date | None]] = []
    recompute_year = services.recompute_year

    def counting(year: int, **kwargs) -> int:
        asked.append((year, kwargs.get("from_date")))
        return recompute_year(year, **kwargs)

    monkeypatch.setattr(services, "recompute_year", counting)
    with transaction.atomic():
        revise(units[0], 80 * TY, effective=dt.date(2024, 7, 1))
        revise(units[0], 90 * TY, effective=dt.date(2023, 6, 1), year=2023)
        revise(units[1], 80 * TY, effective=dt.date(2024, 6, 1))
    assert asked == [(2023, dt.date(2023, 6, 1)), (2024, dt.date(2024, 6, 1))]
    last_year.refresh_from_db()
    assert last_year.computed_at is not None


def test_a_snapshot_computed_out_of_date_order_recomputes_the_later_ones_once(computed_ids):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    may, july = snapshot(MAY, {unit: 10 * TY}), snapshot(JULY, {unit: 30 * TY})
    services.recompute_year(2024)
    computed_ids.clear()

    june = snapshot(JUNE, {unit: 20 * TY})
    services.compute_snapshot(june.id)

    assert computed_ids == [june.id, july.id]
    assert unit_figure(july, unit).previous_disbursed == 20 * TY
    assert may.id not in computed_ids


def test_a_fresh_process_finds_the_task_it_is_asked_to_send():
    """A web process has not imported the task modules when its first request asks for a recompute."""
    code = (
        "import django; django.setup(); import sys;"
        "from disbursement.recompute import recompute_task;"
        "loaded = 'disbursement.figures.tasks' in sys.modules;"
        "print(loaded, recompute_task().name)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "GIAINGAN_LOCAL": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "disbursement.figures.tasks.recompute_from_task"]
