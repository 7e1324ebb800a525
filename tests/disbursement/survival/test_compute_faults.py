"""A compute interrupted by a worker killed or by its database connection cut: the compute runs again and the
snapshot's figures are the ones an undisturbed compute stores, none doubled."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection

from bench.workbooks import add_investors, long_workbook
from disbursement.figures.services import compute_snapshot
from disbursement.figures.tasks import compute_snapshot_task
from disbursement.importing.services import IMPORTED, import_workbook
from disbursement.models import Figure, Snapshot
from tests.builders import figure_rows
from tests.disbursement.survival.conftest import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 3000


@pytest.fixture
def imported(broker, processes):
    """A snapshot of ROWS units, its figures computed here once (the reference), then removed."""
    add_investors(ROWS)
    result = import_workbook(io.BytesIO(long_workbook(ROWS)), file_name="giai-ngan.xlsx", confirm_warnings=True)
    assert result.status == IMPORTED, result.errors
    snapshot = result.snapshot
    compute_snapshot(snapshot.id, cascade=False)
    reference = figure_rows(snapshot)
    Figure.objects.filter(snapshot=snapshot).delete()
    Snapshot.objects.filter(pk=snapshot.pk).update(computed_at=None)
    broker.client().delete("compute")  # the recompute the import asked for: this test sends its own
    return snapshot, reference


def _worker_in_transaction() -> int | None:
    """The process id of another session of the test database inside a transaction (the worker computing)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend' AND xact_start IS NOT NULL"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _computed(snapshot) -> dt.datetime | None:
    return Snapshot.objects.values_list("computed_at", flat=True).get(pk=snapshot.pk)


def test_a_compute_whose_worker_dies_runs_again_and_stores_each_figure_once(imported, processes):
    snapshot, reference = imported
    worker = processes.worker()

    compute_snapshot_task.delay(snapshot.id)
    wait_until(_worker_in_transaction, timeout=60)
    processes.kill(worker)
    assert _computed(snapshot) is None and not Figure.objects.filter(snapshot=snapshot).exists()

    processes.worker()
    wait_until(lambda: _computed(snapshot), timeout=120, interval=0.2)
    assert figure_rows(snapshot) == reference


def test_a_compute_that_loses_its_database_connection_is_retried(imported, processes):
    snapshot, reference = imported
    worker = processes.worker()

    compute_snapshot_task.delay(snapshot.id)
    backend = wait_until(_worker_in_transaction, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    assert _computed(snapshot) is None

    wait_until(lambda: _computed(snapshot), timeout=120, interval=0.2)
    assert figure_rows(snapshot) == reference
    assert worker.poll() is None, "the same worker retried"
    assert "Retry in" in processes.log(worker)
