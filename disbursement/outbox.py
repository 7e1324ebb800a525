"""Queueing that cannot lose work, and the retry policy of every task.

`enqueue(task, *args)` writes an OutboxMessage row in the caller's transaction and sends the task once that
transaction commits. A transaction that rolls back leaves no row and sends nothing; a broker that is down when
it commits leaves the row unsent, and the sweeper (disbursement/upkeep) sends it when the broker is back. A
process that dies between the commit and the send leaves the row too. Tasks take ids and are idempotent, so a
message sent twice does its work once.

Tasks are named, not imported: this module sits below every writer. Every task retries on the errors a
restart of PostgreSQL or of the broker raises (`RETRY_ON`), with exponential back-off (`RETRY_POLICY`).
"""

from __future__ import annotations

import logging
import threading

from celery import Task, current_app
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from disbursement.models import OutboxMessage

logger = logging.getLogger(__name__)

# A lost database connection, a database restarting, a broker that does not answer: worth trying again.
RETRY_ON = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
# Celery task options: 2, 4, 8 … seconds apart (at most 10 minutes), at most TASK_MAX_RETRIES times.
RETRY_POLICY = {
    "autoretry_for": RETRY_ON,
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}
ERROR_LIMIT = 1000


# Celery's task discovery returns nothing to a thread that asks while another thread runs it (a web process's
# threads sending their first tasks together): they take turns.
_discovering = threading.Lock()


def task_by_name(name: str) -> Task:
    """The registered task, found by name (a web process registers tasks only when their modules are imported)."""
    if name not in current_app.tasks:
        with _discovering:
            if name not in current_app.tasks:
                current_app.loader.import_default_modules()
    return current_app.tasks[name]


def enqueue(task: str, *args) -> OutboxMessage:
    """Send `task(*args)` once the current transaction commits (at once outside a transaction)."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: send(message.id))
    return message


def stage(task: str, *args) -> OutboxMessage:
    """Write the row only; the caller sends it with `send` (after its own commit)."""
    return OutboxMessage.objects.create(task=task, args=list(args))


def send(message_id: int) -> bool:
    """Send one outbox message if it is still unsent; True once the broker took it.

    A broker error is recorded on the row and logged, never raised: the work is kept for the sweeper.
    """
    message = OutboxMessage.objects.filter(id=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    try:
        task_by_name(message.task).apply_async(args=message.args, retry=False)
    except RETRY_ON as exc:
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
        OutboxMessage.objects.filter(id=message.id).update(attempts=message.attempts + 1, last_error=error)
        logger.warning("Chưa gửi được tác vụ %s tới hàng đợi, sẽ gửi lại sau: %s", message, error)
        return False
    OutboxMessage.objects.filter(id=message.id).update(sent_at=timezone.now(), attempts=message.attempts + 1)
    return True
