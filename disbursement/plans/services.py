"""Writes of plans. A revision is always a new row; nothing is overwritten.

Every write asks for the figures of the snapshots dated on or after the
revision to be recomputed once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.fiscal import disbursement_deadline
from disbursement.db import insert_history_of, insert_into
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    CityPlan,
    CityPlanRevision,
    Snapshot,
)
from disbursement.recompute import request_recompute
from districts.models import District
from investors.models import Investor


class PlanError(ValueError):
    pass


@dataclass(frozen=True)
class AllocationChange:
    """One unit's new plan figure in a stream and budget source, for `revise_allocations`."""

    stream: CapitalStream
    source: BudgetSource
    investor_id: int | None
    district_id: int | None
    amount: int
    effective_from: dt.date
    note: str = ""


def _check(amount: int, *, has_investor: bool, has_district: bool) -> None:
    if has_investor == has_district:
        raise PlanError("Kế hoạch vốn phải thuộc đúng một chủ đầu tư hoặc một quận, huyện.")
    if amount < 0:
        raise PlanError("Số vốn kế hoạch không được âm.")


@transaction.atomic
def revise_city_plan(
    *,
    year: int,
    level: str,
    source: BudgetSource,
    amount: int,
    effective_from: dt.date,
    note: str = "",
    user=None,
) -> CityPlanRevision:
    if amount < 0:
        raise PlanError("Số vốn kế hoạch không được âm.")
    plan, _ = CityPlan.objects.get_or_create(year=year, level=level, source=source)
    revision = CityPlanRevision.objects.create(
        plan=plan, amount=amount, effective_from=effective_from, note=note, recorded_by=user
    )
    request_recompute(year, effective_from)
    return revision


@transaction.atomic
def revise_allocation(
    *,
    year: int,
    stream: CapitalStream,
    source: BudgetSource,
    amount: int,
    effective_from: dt.date,
    investor: Investor | None = None,
    district: District | None = None,
    deadline: dt.date | None = None,
    note: str = "",
    user=None,
    snapshot: Snapshot | None = None,
) -> AllocationRevision:
    _check(amount, has_investor=investor is not None, has_district=district is not None)
    unit = {"year": year, "stream": stream, "source": source, "investor": investor, "district": district}
    allocation = Allocation.objects.filter(**unit, project=None).first()
    if allocation is None:
        allocation = Allocation(**unit, deadline=deadline or disbursement_deadline(year))
        _recorded_by(allocation, user)
        try:
            with transaction.atomic():
                allocation.save()
        except IntegrityError:
            # Created meanwhile by another transaction: that one is the unit's.
            allocation = Allocation.objects.get(**unit, project=None)
    revision = AllocationRevision(
        allocation=allocation,
        amount=amount,
        effective_from=effective_from,
        note=note,
        recorded_by=user,
        snapshot=snapshot,
    )
    _recorded_by(revision, user)
    revision.save()
    request_recompute(year, effective_from)
    return revision


def _recorded_by(instance, user) -> None:
    """The history record names the user the write is made for, in a task or command as in a page (where,
    without one, the request's user is named)."""
    if user is not None:
        instance._history_user = user


# The temporary table revise_allocations stages its changes in, from which the database makes the plan rows.
PLAN_CHANGES = "plan_changes_staged"
PLAN_CHANGE_COLUMNS = [
    "n",
    "stream_id",
    "source_id",
    "investor_id",
    "district_id",
    "amount",
    "effective_from",
    "note",
    "allocation_id",
]


@transaction.atomic
def revise_allocations(
    year: int, changes: Iterable[AllocationChange], *, user=None, snapshot: Snapshot | None = None
) -> int:
    """Many units' revisions at once (a large import): the rows and history records revise_allocation writes for
    each change, in order, written by the database. Returns the number of revisions.

    The changes are taken one at a time (a large file's are never all held) into a temporary table; one
    INSERT ... SELECT creates the missing allocations (with the year's default deadline) in the changes'
    order, their ids are found through the unique constraints' indexes, and their history records, the
    revisions and theirs are copied from the tables: no row comes back to Python nor is sent twice. One
    recompute, from the earliest date a change takes effect, covers them all.
    """
    now = timezone.now()
    user_id = user.pk if user is not None else None
    ops = connection.ops
    fields = ("id", "stream_id", "source_id", "investor_id", "district_id")
    # The year's allocations by packed key (none on a first import).
    existing = {
        _packed(*k): pk
        for pk, *k in Allocation.objects.filter(year=year, project__isnull=True)
        .values_list(*fields)
        .iterator(chunk_size=5000)
    }
    # Each date a change takes effect, as the database takes it (adapted once, however many changes share it).
    dates: dict[dt.date, object] = {}

    def staged() -> Iterator[tuple]:
        for n, c in enumerate(changes):
            _check(c.amount, has_investor=c.investor_id is not None, has_district=c.district_id is not None)
            key = (c.stream.id, c.source.id, c.investor_id, c.district_id)
            day = dates.get(c.effective_from)
            if day is None:
                day = dates[c.effective_from] = ops.adapt_datefield_value(c.effective_from)
            yield (n, *key, c.amount, day, c.note[:500], existing.get(_packed(*key)))

    table = ops.quote_name(PLAN_CHANGES)
    allocation_table = ops.quote_name(Allocation._meta.db_table)
    revision_table = ops.quote_name(AllocationRevision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} (n integer NOT NULL, stream_id bigint NOT NULL, "
            "source_id bigint NOT NULL, investor_id bigint, district_id bigint, amount bigint NOT NULL, "
            "effective_from date NOT NULL, note varchar(500) NOT NULL, allocation_id bigint, "
            "created integer NOT NULL DEFAULT 0)"
        )
        # An error rolls the table back with the rest: it is dropped here only after success.
        written = insert_into(PLAN_CHANGES, PLAN_CHANGE_COLUMNS, staged())
        if written:
            _write_staged(cursor, table, allocation_table, revision_table, year, snapshot, now, user_id)
        cursor.execute(f"DROP TABLE {table}")
    if written:
        request_recompute(year, min(dates))
    return written


def _write_staged(cursor, table, allocation_table, revision_table, year, snapshot, now, user_id) -> None:
    ops = connection.ops
    before = Allocation.objects.aggregate(last=Max("id"))["last"] or 0
    # The missing allocations, in the changes' order, with the year's default deadline.
    cursor.execute(
        f"INSERT INTO {allocation_table} "
        "(year, stream_id, source_id, investor_id, district_id, project_id, deadline) "
        f"SELECT %s, stream_id, source_id, investor_id, district_id, NULL, %s FROM {table} "
        "WHERE allocation_id IS NULL ORDER BY n",
        [year, ops.adapt_datefield_value(disbursement_deadline(year))],
    )
    # Their ids, found by their unit's key (the unique constraints' indexes).
    for unit in ("investor_id", "district_id"):
        cursor.execute(
            f"UPDATE {table} SET created = 1, allocation_id = (SELECT a.id FROM {allocation_table} a "
            f"WHERE a.year = %s AND a.project_id IS NULL AND a.stream_id = {table}.stream_id "
            f"AND a.source_id = {table}.source_id AND a.{unit} = {table}.{unit}) "
            f"WHERE allocation_id IS NULL AND {unit} IS NOT NULL",
            [year],
        )
    # Their history records: the new rows (above the last id before, a range of the primary key's index).
    insert_history_of(
        Allocation, f"id > %s AND id IN (SELECT allocation_id FROM {table} WHERE created = 1)", [before], now, user_id
    )
    last_revision = AllocationRevision.objects.aggregate(last=Max("id"))["last"] or 0
    recorded_at = ops.adapt_datetimefield_value(now)
    cursor.execute(
        f"INSERT INTO {revision_table} "
        "(allocation_id, amount, effective_from, note, recorded_by_id, recorded_at, snapshot_id) "
        f"SELECT allocation_id, amount, effective_from, note, %s, %s, %s FROM {table} ORDER BY n",
        [user_id, recorded_at, snapshot.id if snapshot is not None else None],
    )
    # Theirs: above the last id before, recorded now for these allocations (not another transaction's, committed
    # meanwhile).
    insert_history_of(
        AllocationRevision,
        f"id > %s AND recorded_at = %s AND allocation_id IN (SELECT allocation_id FROM {table})",
        [last_revision, recorded_at],
        now,
        user_id,
    )


def _packed(*ids: int | None) -> int:
    """Ids (None as 0) as one integer, each in 64 bits: a key a third the size of a tuple."""
    packed = 0
    for value in ids:
        packed = (packed << 64) | (value or 0)
    return packed
