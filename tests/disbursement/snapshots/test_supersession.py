"""A new file for the same date supersedes the old snapshot, which is kept with its lines."""

import datetime as dt

import pytest

from disbursement.models import Snapshot, SnapshotLine
from disbursement.snapshots.selectors import latest_snapshot, previous_snapshot, same_period_snapshot
from disbursement.snapshots.services import SnapshotError, create_snapshot
from tests.factories import SnapshotLineFactory

pytestmark = pytest.mark.django_db


def test_new_file_for_same_date_supersedes_and_keeps_old():
    first = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20), file_name="a.xlsx", content_hash="a" * 64)
    SnapshotLineFactory(snapshot=first, disbursed=5)
    second = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20), file_name="b.xlsx", content_hash="b" * 64)

    first.refresh_from_db()
    assert not first.is_current
    assert first.superseded_by == second
    assert first.superseded_at is not None
    assert second.is_current
    assert SnapshotLine.objects.filter(snapshot=first).count() == 1
    assert Snapshot.objects.filter(year=2024, as_of=dt.date(2024, 7, 20)).count() == 2
    assert latest_snapshot(2024) == second


def test_snapshot_date_outside_the_disbursement_period_is_refused():
    # The 2022 report's "đến hết ngày 20/3/2021" is such a date.
    with pytest.raises(SnapshotError, match="20/03/2021"):
        create_snapshot(year=2022, as_of=dt.date(2021, 3, 20))
    assert not Snapshot.objects.exists()


def test_previous_and_same_period_snapshots():
    last_year = create_snapshot(year=2023, as_of=dt.date(2023, 7, 14))
    create_snapshot(year=2023, as_of=dt.date(2023, 7, 28))
    june = create_snapshot(year=2024, as_of=dt.date(2024, 6, 30))
    july = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20))
    assert previous_snapshot(july) == june
    assert previous_snapshot(june) is None
    # Nearest earlier snapshot of last year, not a later one.
    assert same_period_snapshot(july) == last_year


def test_out_of_order_import_finds_its_neighbours():
    july = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20))
    june = create_snapshot(year=2024, as_of=dt.date(2024, 6, 30))
    assert previous_snapshot(july) == june
    assert latest_snapshot(2024) == july
