"""The nightly job is registered and recomputes the years still being disbursed."""

from __future__ import annotations

import datetime as dt

from django_celery_beat.models import PeriodicTask

from core.money import TY
from disbursement.figures.services import recompute_recent
from disbursement.models import Snapshot
from tests.builders import allocate, investors, snapshot


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
