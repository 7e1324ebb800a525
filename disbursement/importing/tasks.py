"""Celery tasks of the import. Thin: they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from disbursement.importing import jobs


@shared_task(acks_late=True)
def run_import_job_task(job_id: int) -> str | None:
    job = jobs.run_import_job(job_id)
    return job.status if job else None
