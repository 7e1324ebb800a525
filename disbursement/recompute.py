"""The one way to ask for stored figures to be recomputed: "year Y, from date D".

A plan revision, an import or an out-of-order snapshot makes the figures of the
year's snapshots from some date on stale. Whoever writes calls
`request_recompute`; once the transaction commits, one task per year recomputes
the year's current snapshots from the earliest date requested in it, each once.
Nothing is sent for a transaction that rolls back (pretix's TransactionAwareTask
defers a task to commit the same way; here the requests are also merged).

This module sits below every writer (plans, snapshots, importing, figures), so
it names the task instead of importing it. Each year's request is also written
as an outbox row in the same transaction (disbursement/outbox.py): a broker that
is down at commit, or a process that dies just after it, leaves the row unsent and
the sweeper sends it later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from asgiref.local import Local
from celery import Task
from django.db import transaction

from disbursement import outbox
from disbursement.models import OutboxMessage

RECOMPUTE_TASK = "disbursement.figures.tasks.recompute_from_task"

# Per thread (or async context), like Django's own connections.
_state = Local()


@dataclass(eq=False)
class _Batch:
    """The requests of one transaction: year -> earliest date."""

    block: object
    years: dict[int, dt.date] = field(default_factory=dict)
    messages: dict[int, int] = field(default_factory=dict)
    sent: bool = False


def request_recompute(year: int, from_date: dt.date) -> None:
    """Recompute the year's current snapshots dated on or after `from_date`, once the transaction commits."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _send({year: from_date})
        return
    # One batch per outermost atomic block. A batch left by a transaction that rolled back is never
    # sent; the next transaction replaces it, or, when it runs in the same decorated atomic block,
    # adds to it: at worst one recompute from an earlier date, never a lost one.
    outermost = connection.atomic_blocks[0]
    batch = getattr(_state, "batch", None)
    if batch is None or batch.sent or batch.block is not outermost:
        batch = _state.batch = _Batch(outermost)
    batch.years[year] = min(batch.years.get(year, from_date), from_date)
    _stage(batch, year)
    # Every request registers the flush, so that a request made in a savepoint that rolls back
    # cannot take the batch's only callback with it; the first flush to run sends, the others do nothing.
    transaction.on_commit(partial(_flush, batch))


def _stage(batch: _Batch, year: int) -> None:
    """The year's outbox row, in the transaction: created once, moved to the earliest date asked."""
    args = [year, batch.years[year].isoformat()]
    message_id = batch.messages.get(year)
    # A row written in a savepoint that rolled back is gone: write it again.
    if message_id is None or not OutboxMessage.objects.filter(id=message_id).update(args=args):
        batch.messages[year] = outbox.stage(RECOMPUTE_TASK, *args).id


def _flush(batch: _Batch) -> None:
    if batch.sent:
        return
    batch.sent = True
    if getattr(_state, "batch", None) is batch:
        del _state.batch
    for year in sorted(batch.years):
        outbox.send(batch.messages[year])


def recompute_task() -> Task:
    """The registered recompute task, found by name."""
    return outbox.task_by_name(RECOMPUTE_TASK)


def _send(years: dict[int, dt.date]) -> None:
    for year in sorted(years):
        outbox.send(outbox.stage(RECOMPUTE_TASK, year, years[year].isoformat()).id)
