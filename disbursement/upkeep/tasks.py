"""Celery tasks of the upkeep, sent by beat. Thin: they call services."""

from __future__ import annotations

from celery import shared_task

from disbursement.outbox import RETRY_POLICY
from disbursement.upkeep import services


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_POLICY)
def sweep_task() -> dict[str, int]:
    return services.sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_POLICY)
def remove_old_uploads_task() -> int:
    return services.remove_old_uploads()
