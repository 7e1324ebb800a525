"""Celery discovers tasks here; each feature keeps its tasks in its own module."""

from disbursement.digest.tasks import send_digest_task, send_weekly_digests_task
from disbursement.figures.tasks import compute_snapshot_task, recompute_from_task, recompute_recent_task
from disbursement.followup.tasks import run_follow_up_task, send_reminder_task, send_request_mail_task
from disbursement.importing.tasks import run_import_job_task
from disbursement.upkeep.tasks import remove_old_uploads_task, sweep_task

__all__ = [
    "compute_snapshot_task",
    "recompute_from_task",
    "recompute_recent_task",
    "remove_old_uploads_task",
    "run_follow_up_task",
    "run_import_job_task",
    "send_digest_task",
    "send_reminder_task",
    "send_request_mail_task",
    "send_weekly_digests_task",
    "sweep_task",
]
