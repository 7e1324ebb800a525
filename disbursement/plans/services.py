"""Writes of plans. A revision is always a new row; nothing is overwritten.

Every write asks for the figures of the snapshots dated on or after the
revision to be recomputed once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.fiscal import disbursement_deadline
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
    allocation, _ = Allocation.objects.get_or_create(
        year=year,
        stream=stream,
        source=source,
        investor=investor,
        district=district,
        project=None,
        defaults={"deadline": deadline or disbursement_deadline(year)},
    )
    revision = AllocationRevision.objects.create(
        allocation=allocation,
        amount=amount,
        effective_from=effective_from,
        note=note,
        recorded_by=user,
        snapshot=snapshot,
    )
    request_recompute(year, effective_from)
    return revision


@transaction.atomic
def revise_allocations(
    year: int, changes: Sequence[AllocationChange], *, user=None, snapshot: Snapshot | None = None
) -> list[AllocationRevision]:
    """Many units' revisions at once (a large import): the rows and history revise_allocation writes, in bulk.

    A missing allocation is created with the year's default deadline; one recompute covers them all.
    """
    if not changes:
        return []
    for change in changes:
        _check(change.amount, has_investor=change.investor_id is not None, has_district=change.district_id is not None)

    def key(stream_id, source_id, investor_id, district_id) -> tuple:
        return (stream_id, source_id, investor_id, district_id)

    def allocations() -> dict[tuple, Allocation]:
        return {
            key(a.stream_id, a.source_id, a.investor_id, a.district_id): a
            for a in Allocation.objects.filter(year=year, project__isnull=True)
        }

    existing = allocations()
    missing = {}
    for c in changes:
        k = key(c.stream.id, c.source.id, c.investor_id, c.district_id)
        if k not in existing and k not in missing:
            missing[k] = Allocation(
                year=year,
                stream_id=c.stream.id,
                source_id=c.source.id,
                investor_id=c.investor_id,
                district_id=c.district_id,
                deadline=disbursement_deadline(year),
            )
    if missing:
        bulk_create_with_history(list(missing.values()), Allocation, batch_size=2000, default_user=user)
        # Primary keys are not returned by every backend: read the new rows back.
        existing = allocations()
    revisions = [
        AllocationRevision(
            allocation=existing[key(c.stream.id, c.source.id, c.investor_id, c.district_id)],
            amount=c.amount,
            effective_from=c.effective_from,
            note=c.note,
            recorded_by=user,
            snapshot=snapshot,
        )
        for c in changes
    ]
    revisions = bulk_create_with_history(revisions, AllocationRevision, batch_size=2000, default_user=user)
    request_recompute(year, min(c.effective_from for c in changes))
    return revisions
