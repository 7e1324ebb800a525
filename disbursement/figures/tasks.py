"""Celery tasks of the compute engine. Thin: they take ids and call services.

Services do not send these: they call disbursement.recompute.request_recompute,
which sends recompute_from_task once the transaction commits.

A compute is one transaction: a worker killed or a database connection lost in the middle writes nothing, and
the task runs again (redelivered, or retried with back-off), replacing the snapshot's figures as a whole.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from disbursement.figures import services
from disbursement.outbox import RETRY_POLICY


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_POLICY)
def compute_snapshot_task(snapshot_id: int) -> int:
    """Compute one snapshot; the later snapshots of its year follow through request_recompute."""
    return services.compute_snapshot(snapshot_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_POLICY)
def recompute_from_task(year: int, from_date: str) -> int:
    """Recompute the year's current snapshots dated on or after `from_date` (ISO), in date order.

    A version an import has just written is computed from the version it superseded where that gives
    the same figures (a correction of a few units on a large date); the nightly job recomputes all.
    """
    return services.recompute_year(year, from_date=dt.date.fromisoformat(from_date), incremental=True)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_POLICY)
def recompute_recent_task() -> int:
    """Nightly: recompute the snapshots of the years still being disbursed."""
    return services.recompute_recent()
