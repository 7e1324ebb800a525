"""The compute job through a real broker and worker: runs after commit, and twice gives the same rows."""

import datetime as dt

import pytest

from core.money import TY
from disbursement.figures.tasks import compute_snapshot_task
from disbursement.models import Figure, Snapshot
from tests.conftest import wait_for
from tests.factories import AllocationRevisionFactory, SnapshotFactory, SnapshotLineFactory

# serialized_rollback restores the migrations' reference rows that the flush after this test removes.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _rows(snapshot):
    return sorted(
        Figure.objects.filter(snapshot=snapshot).values_list(
            "scope", "stream_id", "investor_id", "district_id", "disbursed", "plan", "ratio", "rank"
        ),
        key=repr,
    )


def test_worker_computes_a_snapshot_and_a_duplicate_delivery_changes_nothing(celery_worker):
    snapshot = SnapshotFactory(as_of=dt.date(2024, 7, 20))
    revision = AllocationRevisionFactory(amount=200 * TY)
    SnapshotLineFactory(snapshot=snapshot, investor=revision.allocation.investor, disbursed=50 * TY)

    compute_snapshot_task.delay(snapshot.id)
    wait_for(lambda: Snapshot.objects.get(pk=snapshot.pk).computed_at)
    first = _rows(snapshot)
    investor_row = Figure.objects.get(snapshot=snapshot, scope="investor", source__isnull=True)
    assert investor_row.ratio == 25
    assert investor_row.rank == 1

    computed_at = Snapshot.objects.get(pk=snapshot.pk).computed_at
    compute_snapshot_task.delay(snapshot.id)
    compute_snapshot_task.delay(snapshot.id)
    wait_for(lambda: Snapshot.objects.get(pk=snapshot.pk).computed_at > computed_at)
    wait_for(lambda: _rows(snapshot) == first)
