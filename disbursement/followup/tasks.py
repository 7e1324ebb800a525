"""Celery tasks of the follow-up. Thin: they take ids or an ISO date and call services.

The daily job (beat) sends the reminders and escalations due, each claimed before it is sent, and has the
latest snapshot of a year evaluated again when its overdue-explanation flags no longer match the requests.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from disbursement.followup import services
from disbursement.outbox import RETRY_POLICY, enqueue

MAX_RETRIES = 5


def _retry_delay(retries: int) -> int:
    return settings.DIGEST_RETRY_BASE_SECONDS * 2**retries


def _send_with_retries(task, send, *args) -> str:
    attempt = task.request.retries
    while True:
        try:
            return send(*args)
        except services.FollowUpSendError as exc:
            if attempt >= task.max_retries:
                return "failed"  # recorded on the row, visible in the admin
            if not task.request.is_eager:
                raise task.retry(exc=exc, countdown=_retry_delay(attempt)) from exc
            attempt += 1


@shared_task(
    bind=True, name="disbursement.followup.tasks.send_request_mail_task", acks_late=True, max_retries=MAX_RETRIES
)
def send_request_mail_task(self, request_id: int) -> str:
    return _send_with_retries(self, services.send_request_mail, request_id)


@shared_task(bind=True, name="disbursement.followup.tasks.send_reminder_task", acks_late=True, max_retries=MAX_RETRIES)
def send_reminder_task(self, reminder_id: int, today: str) -> str:
    return _send_with_retries(self, services.send_reminder, reminder_id, dt.date.fromisoformat(today))


@shared_task(name="disbursement.followup.tasks.run_follow_up_task", acks_late=True, **RETRY_POLICY)
def run_follow_up_task(today: str | None = None) -> dict:
    """Daily (or for the date given): re-evaluate the flags that overdue requests change, then queue the
    reminders and escalations due. Runs on the compute queue, as it evaluates flags."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    snapshots = services.reflag_overdue(day)
    reminders = services.due_reminders(day)
    for reminder_id in reminders:
        send_reminder_task.delay(reminder_id, day.isoformat())
    return {"reminders": len(reminders), "snapshots": snapshots}


def enqueue_request_mails(request_ids: list[int]) -> None:
    """Queue the request emails once the rows are committed; a broker that does not take them leaves them in the
    outbox for the sweeper."""
    with transaction.atomic():
        for request_id in request_ids:
            enqueue(send_request_mail_task.name, request_id)
