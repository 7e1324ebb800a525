"""Files for one date imported at the same moment land one after the other: two senders' files for a date that has
none yet both land, the second building on the first as if it had come a minute later (not refused for a version
it could not see); one file uploaded twice at once lands once."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from disbursement.importing import writing
from disbursement.models import Snapshot, SnapshotLine, Submission
from tests.builders import build_workbook, load_master_data, small_spec
from tests.disbursement.importing.helpers import run

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once: PostgreSQL"),
    # Each import commits on a connection of its own thread; the reference rows are restored afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JULY_20 = dt.date(2024, 7, 20)


def _one_section(index: int) -> bytes:
    spec = small_spec(city=None)
    spec.sections = [spec.sections[index]]
    return build_workbook(spec)


def _at_once(monkeypatch, first: bytes, second: bytes) -> dict[str, str]:
    """Import `first` and `second` in two threads, the second reaching the date while the first holds it
    uncommitted; each import's status (or the error it raised) by name."""
    first_holds_the_date = threading.Event()
    create_snapshot = writing.create_snapshot

    def slow_first(**kwargs):
        snapshot = create_snapshot(**kwargs)
        if threading.current_thread().name == "first":
            # The first file's version exists, uncommitted, while the second file reaches the same point.
            first_holds_the_date.set()
            time.sleep(1)
        return snapshot

    monkeypatch.setattr(writing, "create_snapshot", slow_first)
    results: dict[str, str] = {}

    def importing(name: str, data: bytes, after: threading.Event | None) -> None:
        try:
            if after is not None:
                after.wait(timeout=30)
            results[name] = run(data, name=f"{name}.xlsx", confirm_warnings=True).status
        except Exception as error:  # the failure the test reports
            results[name] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=importing, args=("first", first, None), name="first"),
        threading.Thread(target=importing, args=("second", second, first_holds_the_date), name="second"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_first_files_of_a_date_imported_at_once_both_land(monkeypatch):
    load_master_data()

    results = _at_once(monkeypatch, _one_section(0), _one_section(1))

    assert results == {"first": "imported", "second": "imported"}
    versions = list(Snapshot.objects.filter(as_of=JULY_20).order_by("id"))
    assert len(versions) == 2
    first, second = versions
    assert (first.is_current, first.superseded_by_id, second.is_current) == (False, second.id, True)
    # The date reads both files: the investors of the first and the districts of the second.
    lines = SnapshotLine.objects.of(second)
    assert lines.filter(investor__isnull=False).count() > 0
    assert lines.filter(district__isnull=False).count() > 0
    assert {line.submission.file_name for line in lines.select_related("submission")} == {"first.xlsx", "second.xlsx"}


def test_one_file_uploaded_twice_at_once_lands_once(monkeypatch):
    load_master_data()
    data = _one_section(0)

    results = _at_once(monkeypatch, data, data)

    assert results == {"first": "imported", "second": "duplicate"}
    assert Snapshot.objects.filter(as_of=JULY_20).count() == 1
    assert Submission.objects.count() == 1
