"""Celery tasks of the compute engine. Thin: they take ids and call services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import transaction

from disbursement.figures import services
from disbursement.models import Snapshot


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def compute_snapshot_task(self, snapshot_id: int) -> int:
    return services.compute_snapshot(snapshot_id)


@shared_task(acks_late=True)
def recompute_after_task(snapshot_id: int) -> int:
    """Recompute the snapshots of the year dated after this one (their comparisons depend on it)."""
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return 0
    return services.recompute_year(snapshot.year, after=snapshot.as_of)


@shared_task(acks_late=True)
def recompute_from_task(year: int, from_date: str) -> int:
    """Recompute the year's snapshots dated on or after `from_date` (ISO), e.g. after a plan revision."""
    return services.recompute_year(year, from_date=dt.date.fromisoformat(from_date))


@shared_task(acks_late=True)
def recompute_recent_task() -> int:
    """Nightly: recompute the snapshots of the years still being disbursed."""
    return services.recompute_recent()


def schedule_compute(snapshot_id: int) -> None:
    """Compute a snapshot once the current transaction has committed."""
    transaction.on_commit(lambda: compute_snapshot_task.delay(snapshot_id))


def schedule_recompute_after(snapshot_id: int) -> None:
    transaction.on_commit(lambda: recompute_after_task.delay(snapshot_id))


def schedule_recompute_from(year: int, from_date: dt.date) -> None:
    """Recompute once the plan revision being written has committed.

    An import writes many revisions in one transaction: they share one recompute per year,
    from the earliest effective date.
    """
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        recompute_from_task.delay(year, from_date.isoformat())
        return
    state = getattr(conn, "_recompute_pending", None)
    # A rolled-back transaction or savepoint drops the callback: start a new batch then.
    if state is None or not any(entry[1] is state[1] for entry in conn.run_on_commit):
        pending: dict[int, dt.date] = {}

        def flush(pending=pending) -> None:
            for pending_year in sorted(pending):
                recompute_from_task.delay(pending_year, pending[pending_year].isoformat())

        state = (pending, flush)
        conn._recompute_pending = state
        transaction.on_commit(flush)
    pending = state[0]
    pending[year] = min(pending.get(year, from_date), from_date)
