"""Celery tasks of the weekly digest. Thin: they take ids or an ISO date and call services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import transaction

from disbursement.digest import selectors, services
from disbursement.outbox import RETRY_ON, RETRY_POLICY, enqueue

MAX_RETRIES = 5


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: 1, 2, 4, 8, 16 minutes by default."""
    return settings.DIGEST_RETRY_BASE_SECONDS * 2**retries


@shared_task(
    name="disbursement.digest.tasks.send_weekly_digests_task",
    acks_late=True,
    reject_on_worker_lost=True,
    **RETRY_POLICY,
)
def send_weekly_digests_task(week_start: str | None = None) -> int:
    """Plan the digests of a week (the current one when beat calls without argument) and queue each one."""
    week = selectors.week_start(dt.date.fromisoformat(week_start)) if week_start else selectors.current_week()
    ids = services.plan_week(week)
    enqueue_deliveries(ids)
    return len(ids)


@shared_task(
    bind=True,
    name="disbursement.digest.tasks.send_digest_task",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def send_digest_task(self, delivery_id: int) -> str:
    attempt = self.request.retries
    while True:
        try:
            return services.send_delivery(delivery_id)
        except RETRY_ON as exc:
            # The database or broker went away before the delivery was claimed or after it was recorded.
            if self.request.is_eager:
                raise
            raise self.retry(exc=exc, countdown=retry_delay(attempt)) from exc
        except services.DigestSendError as exc:
            if attempt >= self.max_retries:
                return services.Status.FAILED  # recorded on the row, visible in the admin
            if not self.request.is_eager:
                raise self.retry(exc=exc, countdown=retry_delay(attempt)) from exc
            # In-process mode has no worker to run a delayed retry: try again at once.
            attempt += 1


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queue the sending once the rows are committed; a broker that does not take them leaves them in the outbox."""
    with transaction.atomic():
        for delivery_id in delivery_ids:
            enqueue(send_digest_task.name, delivery_id)
