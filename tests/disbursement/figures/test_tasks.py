"""Compute jobs run after commit; the nightly job is registered and recomputes the year."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django_celery_beat.models import PeriodicTask

from disbursement.figures.services import recompute_recent
from disbursement.figures.tasks import schedule_compute
from disbursement.models import Figure, Snapshot
from tests.disbursement.figures.builders import TY, allocate, investors, revise, snapshot, unit_figure


def test_schedule_compute_runs_only_after_commit(db, django_capture_on_commit_callbacks):
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    snap = snapshot(dt.date(2024, 5, 1), {unit: 10 * TY})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            schedule_compute(snap.id)
        assert not Figure.objects.filter(snapshot=snap).exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert unit_figure(snap, unit).disbursed == 10 * TY
    snap.refresh_from_db()
    assert snap.computed_at is not None


def test_nightly_job_is_registered_once_at_01_30_local_time(db):
    task = PeriodicTask.objects.get(task="disbursement.figures.tasks.recompute_recent_task")
    assert (task.crontab.minute, task.crontab.hour) == ("30", "1")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"
    assert task.enabled


def test_nightly_recompute_covers_last_year_until_31_january(db):
    (unit,) = investors(1)
    allocate(unit, 100 * TY, year=2023, effective=dt.date(2023, 1, 1))
    allocate(unit, 100 * TY)
    snapshot(dt.date(2023, 12, 29), {unit: 80 * TY})
    snapshot(dt.date(2024, 1, 19), {unit: 90 * TY}, year=2023)
    snapshot(dt.date(2024, 1, 19), {unit: 1 * TY})
    assert recompute_recent(dt.date(2024, 1, 20)) == 3
    assert recompute_recent(dt.date(2024, 2, 1)) == 1
    assert Snapshot.objects.filter(computed_at__isnull=True).count() == 0


def test_revisions_written_together_share_one_recompute(db, django_capture_on_commit_callbacks):
    a, b = investors(2)
    allocate(a, 100 * TY)
    allocate(b, 100 * TY)
    early = snapshot(dt.date(2024, 6, 7), {a: 10 * TY, b: 10 * TY})
    late = snapshot(dt.date(2024, 6, 21), {a: 10 * TY, b: 10 * TY})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            revise(a, 50 * TY, effective=dt.date(2024, 6, 14))
            revise(b, 20 * TY, effective=dt.date(2024, 6, 1))
    assert len([c for c in callbacks if c.__qualname__.startswith("schedule_recompute_from")]) == 1
    # From the earliest effective date: both snapshots were recomputed with the new plans.
    assert unit_figure(early, b).plan == 20 * TY
    assert unit_figure(late, a).plan == 50 * TY
