"""Two beat processes on one schedule send each run once: one holds the lock and sends, the other waits; when the
holder dies, the other takes over after the lock expires."""

from __future__ import annotations

import time

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from tests.disbursement.survival.conftest import queued_messages, wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "Quét thử mỗi giây"


def _sent(broker) -> list[dict]:
    """The runs of the test's schedule waiting in the broker, oldest first."""
    return [m for m in queued_messages(broker, "compute") if m["headers"].get("periodic_task_name") == NAME]


def _origin(message: dict) -> str:
    return message["headers"]["origin"]


def test_two_beats_send_each_run_once_and_the_second_takes_over(broker, processes):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=NAME, task="disbursement.upkeep.tasks.sweep_task", interval=every_second)
    first, second = processes.beat(), processes.beat()

    wait_until(lambda: len(_sent(broker)) >= 1, timeout=60, interval=0.1)
    started = time.monotonic()
    time.sleep(4)
    runs = _sent(broker)
    elapsed = time.monotonic() - started

    (holder,) = {_origin(m) for m in runs}
    assert len(runs) <= elapsed + 2, "one run per second, not two"
    killed, survivor = (first, second) if holder.startswith(f"gen{first.pid}@") else (second, first)
    assert holder.startswith(f"gen{killed.pid}@")

    processes.kill(killed)
    broker.client().delete("compute")
    wait_until(lambda: _sent(broker), timeout=30, interval=0.1)
    time.sleep(2)
    assert {_origin(m) for m in _sent(broker)} == {next(iter({_origin(m) for m in _sent(broker)}))}
    assert all(_origin(m).startswith(f"gen{survivor.pid}@") for m in _sent(broker))
