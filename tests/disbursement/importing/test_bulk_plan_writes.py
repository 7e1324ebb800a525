"""A large file's plan revisions are written in bulk: the same rows and history records as one by one, or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from disbursement.importing import services, writing
from disbursement.models import Allocation, AllocationRevision, Snapshot
from tests.builders import Row, build_workbook, small_spec
from tests.disbursement.importing.helpers import run, written

LATER = "(Số liệu tính đến hết ngày 27/7/2024)"


def plan_rows() -> list[tuple]:
    """Every unit plan revision with its allocation and both history records, as a user's audit reads them."""
    return sorted(
        (
            r.allocation.stream.code,
            r.allocation.source.code,
            r.allocation.investor_id,
            r.allocation.district_id,
            r.allocation.deadline,
            r.amount,
            r.effective_from,
            r.snapshot.as_of,
            r.note,
            tuple(r.history.values_list("history_type", "amount", "effective_from", "note", "history_user_id")),
            tuple(r.allocation.history.values_list("history_type", "year", "deadline")),
        )
        for r in AllocationRevision.objects.select_related("allocation__stream", "allocation__source", "snapshot")
    )


def _import(spec, name: str) -> Snapshot:
    # By one member of staff, whom every history record names, whichever way it was written.
    staff = User.objects.get_or_create(username="chuyenvien")[0]
    result = run(build_workbook(spec), name=name, confirm_warnings=True, user=staff)
    assert result.status == "imported", [str(e) for e in result.errors + result.warnings]
    return result.snapshot


def _forget_imports() -> None:
    AllocationRevision.objects.all().delete()
    Allocation.objects.all().delete()
    Snapshot.objects.all().delete()


def _bulk(monkeypatch) -> None:
    monkeypatch.setattr(writing, "BULK_PLAN_CHANGES", 0)


def test_a_first_import_writes_in_bulk_what_it_writes_one_by_one(master_data, monkeypatch):
    _import(small_spec(), "lan-1.xlsx")
    one_by_one = plan_rows()
    _forget_imports()

    _bulk(monkeypatch)
    _import(small_spec(), "lan-1.xlsx")

    assert len(one_by_one) == Allocation.objects.count() > 7
    assert plan_rows() == one_by_one


def _later_file():
    """The first file without the transport board; the later one lists it and raises the health department's plan."""
    first = small_spec()
    board = first.sections[0].rows.pop()
    later = small_spec(date_line=LATER, city=None)
    health = later.sections[0].rows[2]
    later.sections[0].rows[2] = Row(health.name, 0, 90, 0, 0)
    return first, later, board


def test_a_later_file_revises_existing_plans_and_creates_new_ones_in_bulk_as_one_by_one(master_data, monkeypatch):
    first, later, board = _later_file()
    _import(first, "lan-1.xlsx")
    second = _import(later, "lan-2.xlsx")
    one_by_one = plan_rows()
    revised = {(r.effective_from, r.amount) for r in AllocationRevision.objects.filter(snapshot=second)}
    # The raised plan takes effect on the file's date; the board's, new this year, on 1 January.
    assert (dt.date(2024, 7, 27), 90 * 10**6) in revised
    assert (dt.date(2024, 1, 1), board.plan_nstw * 10**6) in revised
    _forget_imports()

    _import(first, "lan-1.xlsx")
    _bulk(monkeypatch)
    _import(later, "lan-2.xlsx")

    assert plan_rows() == one_by_one


def test_a_failure_after_the_bulk_writes_leaves_nothing_written(master_data, monkeypatch):
    _bulk(monkeypatch)
    before = (written(), Allocation.objects.count(), Allocation.history.count(), AllocationRevision.history.count())

    def fail(prepared, snapshot):
        assert AllocationRevision.objects.filter(snapshot=snapshot).count() > 7  # written, not yet committed
        raise RuntimeError("the database went away")

    with monkeypatch.context() as failing:
        failing.setattr(services, "_request_compute", fail)
        with pytest.raises(RuntimeError):
            run(build_workbook(small_spec()), name="lan-1.xlsx", confirm_warnings=True)

    after = (written(), Allocation.objects.count(), Allocation.history.count(), AllocationRevision.history.count())
    assert after == before
    # Nothing of the failed import is left on the connection either: the same file imports.
    _import(small_spec(), "lan-1.xlsx")
    assert AllocationRevision.objects.count() > 7
