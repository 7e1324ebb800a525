"""A running compute holds up only another compute of the same year (PostgreSQL).

Writes that refer to the snapshot being computed (an import job that finishes, a digest delivery created
for it) go through at once; a second compute of the year waits for the first. Each compute here is held
open in its own thread, with its locks taken, while the main thread writes under a short lock_timeout.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from core.money import TY
from disbursement.digest.services import send_now
from disbursement.figures.services import compute_snapshot
from disbursement.models import DigestDelivery, DigestRecipient, ImportJob, Snapshot
from tests.factories import AllocationRevisionFactory, SnapshotFactory, SnapshotLineFactory

# serialized_rollback restores the migrations' reference rows that the flush after this test removes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOCK_TIMEOUT = "3s"
WEEK = dt.date(2024, 7, 22)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row and advisory locks are PostgreSQL's: run with DATABASE_URL")


class HeldCompute:
    """compute_snapshot in another connection, its transaction left open until `release`."""

    def __init__(self, snapshot_id: int):
        self.snapshot_id = snapshot_id
        self.computed = threading.Event()
        self._release = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with transaction.atomic():
                compute_snapshot(self.snapshot_id, cascade=False)
                self.computed.set()
                self._release.wait(60)
        except BaseException as exc:  # reported by release()
            self.errors.append(exc)
        finally:
            self.computed.set()
            connections.close_all()

    def __enter__(self) -> HeldCompute:
        self.thread.start()
        assert self.computed.wait(60), "the compute did not finish"
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self.thread.join(60)
        assert not self.errors, self.errors


def _quickly(write):
    """Run `write` in a transaction that gives up on any lock it waits for longer than LOCK_TIMEOUT."""
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        result = write()
    return result, time.monotonic() - started


def _computed_snapshot(year: int = 2024) -> Snapshot:
    snapshot = SnapshotFactory(year=year, as_of=dt.date(year, 7, 20))
    revision = AllocationRevisionFactory(amount=200 * TY, allocation__year=year, effective_from=dt.date(year, 1, 1))
    SnapshotLineFactory(snapshot=snapshot, investor=revision.allocation.investor, disbursed=50 * TY)
    compute_snapshot(snapshot.id, cascade=False)
    return snapshot


def test_an_import_job_finishes_and_a_digest_delivery_is_created_while_its_snapshot_is_recomputed():
    snapshot = _computed_snapshot()
    job = ImportJob.objects.create(file_name="giai-ngan.xlsx", status=ImportJob.Status.IMPORTING)
    staff = DigestRecipient.objects.create(name="Cán bộ theo dõi", email="canbo@example.vn")

    with HeldCompute(snapshot.id):

        def finish_job():
            # What the importer does when its write has committed: the job names the snapshot it made.
            job.status = ImportJob.Status.DONE
            job.snapshot = snapshot
            job.save()

        _, job_seconds = _quickly(finish_job)
        (ready, skipped), delivery_seconds = _quickly(lambda: send_now([staff], WEEK))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.snapshot_id == snapshot.id
    delivery = DigestDelivery.objects.get(recipient=staff, week=WEEK)
    assert ready == [delivery.pk] and skipped == []
    assert delivery.snapshot_id == snapshot.id
    assert job_seconds < 1 and delivery_seconds < 1


def test_a_second_compute_of_the_same_year_waits_and_another_year_does_not():
    snapshot = _computed_snapshot(2024)
    later = SnapshotFactory(year=2024, as_of=dt.date(2024, 7, 27))
    last_year = _computed_snapshot(2023)
    computed_at = Snapshot.objects.get(pk=later.pk).computed_at

    with HeldCompute(snapshot.id):
        with pytest.raises(OperationalError, match="lock timeout"):
            _quickly(lambda: compute_snapshot(later.id, cascade=False))
        count, seconds = _quickly(lambda: compute_snapshot(last_year.id, cascade=False))

    assert count > 0 and seconds < 1
    # The compute that waited wrote nothing; once the first has committed it runs.
    assert Snapshot.objects.get(pk=later.pk).computed_at == computed_at
    compute_snapshot(later.id, cascade=False)
    assert Snapshot.objects.get(pk=later.pk).computed_at is not None
