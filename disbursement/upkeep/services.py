"""Upkeep the beat runs: the sweeper that keeps queued work from being lost, and the retention of uploads.

The sweeper (every SWEEP_EVERY_SECONDS) sends the outbox rows the broker did not take (it was down, or the
process died just after its commit), queues again the import jobs left pending or abandoned by a dead worker
(their claim expired) and the digest deliveries nobody queued. Everything it sends is idempotent: a job or a
delivery already taken by a live worker is left alone by its claim.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from disbursement import outbox
from disbursement.importing.jobs import IMPORT_TASK, RUNNING
from disbursement.models import DigestDelivery, ImportJob, OutboxMessage, Submission

logger = logging.getLogger(__name__)

DIGEST_TASK = "disbursement.digest.tasks.send_digest_task"
SWEEP_BATCH = 500
# Sent rows are kept this long, for whoever looks into what was queued.
OUTBOX_KEEP_SENT_DAYS = 7


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Send what was not sent and queue again what was left behind; how many of each."""
    now = now or timezone.now()
    counts = {"outbox_sent": 0, "jobs_requeued": 0, "deliveries_requeued": 0}
    resend_before = now - dt.timedelta(seconds=settings.OUTBOX_RESEND_SECONDS)
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=resend_before)
    for message_id in unsent.values_list("id", flat=True)[:SWEEP_BATCH]:
        if not outbox.send(message_id):
            break  # the broker is still away: the next sweep tries again
        counts["outbox_sent"] += 1
    waiting = _waiting_in_outbox()
    pending_before = now - dt.timedelta(seconds=settings.JOB_PENDING_REQUEUE_SECONDS)
    claim_before = now - dt.timedelta(seconds=settings.IMPORT_CLAIM_TIMEOUT_SECONDS)
    left = ImportJob.objects.filter(
        Q(status=ImportJob.Status.PENDING, updated_at__lte=pending_before)
        | Q(status__in=RUNNING, claimed_at__isnull=True, updated_at__lte=pending_before)
        | Q(status__in=RUNNING, claimed_at__lte=claim_before)
    )
    for job_id in left.values_list("id", flat=True)[:SWEEP_BATCH]:
        if (IMPORT_TASK, job_id) in waiting:
            continue
        outbox.enqueue(IMPORT_TASK, job_id)  # sent at once; kept in the outbox while the broker is away
        counts["jobs_requeued"] += 1
    deliveries = DigestDelivery.objects.filter(status=DigestDelivery.Status.PENDING, created_at__lte=pending_before)
    for delivery_id in deliveries.values_list("id", flat=True)[:SWEEP_BATCH]:
        if (DIGEST_TASK, delivery_id) in waiting:
            continue
        outbox.enqueue(DIGEST_TASK, delivery_id)
        counts["deliveries_requeued"] += 1
    OutboxMessage.objects.filter(sent_at__lte=now - dt.timedelta(days=OUTBOX_KEEP_SENT_DAYS)).delete()
    if any(counts.values()):
        logger.info("Quét hàng đợi: %s", counts)
    return counts


def _waiting_in_outbox() -> set[tuple[str, int]]:
    rows = OutboxMessage.objects.filter(sent_at__isnull=True, task__in=[IMPORT_TASK, DIGEST_TASK])
    return {(task, args[0]) for task, args in rows.values_list("task", "args") if args}


# --- Retention of uploads -----------------------------------------------------------------------------------------

FINISHED = (
    ImportJob.Status.FAILED,
    ImportJob.Status.DUPLICATE,
    ImportJob.Status.DONE,
    ImportJob.Status.NEEDS_CONFIRMATION,
)


def remove_old_uploads(now: dt.datetime | None = None) -> int:
    """Delete the files of refused uploads after IMPORT_REFUSED_RETENTION_DAYS and of the others after
    IMPORT_UPLOAD_RETENTION_DAYS; the jobs stay, with their errors and summary. A file whose content made a
    stored submission is kept: it is the trace of that submission's figures. A job still being read or written
    keeps its file; one waiting for confirmation that long is closed as refused. Returns the files removed."""
    now = now or timezone.now()
    refused_before = now - dt.timedelta(days=settings.IMPORT_REFUSED_RETENTION_DAYS)
    old_before = now - dt.timedelta(days=settings.IMPORT_UPLOAD_RETENTION_DAYS)
    kept_hashes = Submission.objects.exclude(content_hash="").values("content_hash")
    jobs = (
        ImportJob.objects.filter(file_removed_at__isnull=True)
        .exclude(file="")
        .filter(
            Q(status=ImportJob.Status.FAILED, created_at__lte=refused_before)
            | Q(status__in=FINISHED, created_at__lte=old_before)
        )
        .exclude(content_hash__in=kept_hashes)
        .exclude(submission__isnull=False)
    )
    removed = 0
    for job in jobs.iterator():
        name = job.file.name
        try:
            job.file.storage.delete(name)
        except OSError:
            logger.warning("Không xóa được tệp %s của lượt nhập %s", name, job.pk, exc_info=True)
            continue
        values = {"file": "", "file_removed_at": now}
        if job.status == ImportJob.Status.NEEDS_CONFIRMATION:
            values.update(status=ImportJob.Status.FAILED, finished_at=now)
        ImportJob.objects.filter(pk=job.pk).update(**values)
        removed += 1
    if removed:
        logger.info("Đã xóa %s tệp tải lên cũ", removed)
    return removed
