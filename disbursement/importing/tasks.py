"""Celery tasks of the import. Thin: they take ids and call services.

A lost database or broker connection is retried with back-off (disbursement/outbox.py); a worker that dies
leaves the message unacknowledged, so it is delivered again and the job's claim decides who runs it.
"""

from __future__ import annotations

from celery import shared_task

from disbursement.importing import jobs
from disbursement.outbox import RETRY_POLICY


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_POLICY)
def run_import_job_task(job_id: int) -> str | None:
    job = jobs.run_import_job(job_id)
    return job.status if job else None
