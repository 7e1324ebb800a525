"""Celery tasks of the compute engine. Thin: they take ids and call services."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from disbursement.figures import services


@shared_task(bind=True, max_retries=3, default_retry_delay=30, acks_late=True)
def compute_snapshot_task(self, snapshot_id: int) -> int:
    return services.compute_snapshot(snapshot_id)


def schedule_compute(snapshot_id: int) -> None:
    """Compute a snapshot once the current transaction has committed."""
    transaction.on_commit(lambda: compute_snapshot_task.delay(snapshot_id))
