"""A worker killed while it reads or writes a background import: the message comes back, the job's abandoned
claim is retaken, and the file is imported once (one snapshot, its lines not doubled)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from bench.workbooks import add_investors, long_workbook
from disbursement.importing.jobs import create_import_job
from disbursement.models import ImportJob, Snapshot, SnapshotLine, Submission
from tests.disbursement.survival.conftest import wait_until

# serialized_rollback restores the migrations' reference rows that the flush after this test removes.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 3000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(job_id: int) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(id=job_id)


@pytest.mark.parametrize("killed_while", [ImportJob.Status.PARSING, ImportJob.Status.IMPORTING])
def test_a_job_whose_worker_dies_is_retaken_and_imports_once(processes, settings, killed_while):
    settings.IMPORT_BACKGROUND_ROWS = 100
    add_investors(ROWS)
    data = long_workbook(ROWS)
    worker = processes.worker(IMPORT_BACKGROUND_ROWS="100")

    job = create_import_job(SimpleUploadedFile("giai-ngan-lon.xlsx", data, content_type=XLSX))
    wait_until(lambda: _status(job.id) == killed_while, timeout=120)
    processes.kill(worker)

    # Nothing was written, and the job still reads as taken by the dead worker.
    assert _status(job.id) == killed_while
    assert Submission.objects.count() == 0
    processes.worker(IMPORT_BACKGROUND_ROWS="100")
    wait_until(lambda: _status(job.id) in {ImportJob.Status.DONE, ImportJob.Status.FAILED}, timeout=120, interval=0.2)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.attempts, job.retakes) == (2, 1)
    assert Submission.objects.count() == 1 and Snapshot.objects.count() == 1
    assert job.snapshot == Snapshot.objects.get()
    assert SnapshotLine.objects.filter(snapshot=job.snapshot).count() == job.summary["lines"] >= ROWS


def _worker_backend() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_job_that_loses_its_database_connection_is_retried_at_once(processes, settings):
    settings.IMPORT_BACKGROUND_ROWS = 100
    add_investors(ROWS)
    # A claim that would take minutes to expire: the retry must not wait for it.
    worker = processes.worker(IMPORT_BACKGROUND_ROWS="100", IMPORT_CLAIM_TIMEOUT_SECONDS="600")

    job = create_import_job(SimpleUploadedFile("giai-ngan-lon.xlsx", long_workbook(ROWS), content_type=XLSX))
    wait_until(lambda: _status(job.id) == ImportJob.Status.PARSING, timeout=120)
    wait_until(_worker_backend, timeout=30)
    # Every other connection to the test database is cut: the worker's, and any an earlier test left behind,
    # so that the one the worker reads with cannot be missed.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
    wait_until(lambda: _status(job.id) in {ImportJob.Status.DONE, ImportJob.Status.FAILED}, timeout=120, interval=0.2)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.attempts, job.retakes) == (2, 0)
    assert Submission.objects.count() == 1
    assert worker.poll() is None and "Retry in" in processes.log(worker)
