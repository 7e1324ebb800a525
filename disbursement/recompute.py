"""The one way to ask for stored figures to be recomputed: "year Y, from date D".

A plan revision, an import or an out-of-order snapshot makes the figures of the
year's snapshots from some date on stale. Whoever writes calls
`request_recompute`; once the transaction commits, one task per year recomputes
the year's current snapshots from the earliest date requested in it, each once.
Nothing is sent for a transaction that rolls back (pretix's TransactionAwareTask
defers a task to commit the same way; here the requests are also merged).

This module sits below every writer (plans, snapshots, importing, figures), so
it names the task instead of importing it. The requests live in memory until
commit: a broker that is down at that moment loses them until the nightly
recompute, as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from asgiref.local import Local
from celery import Task, current_app
from django.db import transaction

RECOMPUTE_TASK = "disbursement.figures.tasks.recompute_from_task"

# Per thread (or async context), like Django's own connections.
_state = Local()


@dataclass(eq=False)
class _Batch:
    """The requests of one transaction: year -> earliest date."""

    block: object
    years: dict[int, dt.date] = field(default_factory=dict)
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
    # Every request registers the flush, so that a request made in a savepoint that rolls back
    # cannot take the batch's only callback with it; the first flush to run sends, the others do nothing.
    transaction.on_commit(partial(_flush, batch))


def _flush(batch: _Batch) -> None:
    if batch.sent:
        return
    batch.sent = True
    if getattr(_state, "batch", None) is batch:
        del _state.batch
    _send(batch.years)


def recompute_task() -> Task:
    """The registered recompute task, found by name."""
    if RECOMPUTE_TASK not in current_app.tasks:
        # A web process registers tasks when their modules are imported: let Celery import them all.
        current_app.loader.import_default_modules()
    return current_app.tasks[RECOMPUTE_TASK]


def _send(years: dict[int, dt.date]) -> None:
    task = recompute_task()
    for year in sorted(years):
        task.delay(year, years[year].isoformat())
