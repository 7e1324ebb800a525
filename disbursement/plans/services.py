"""Writes of plans. A revision is always a new row; nothing is overwritten."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

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
from districts.models import District
from investors.models import Investor


class PlanError(ValueError):
    pass


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
    _recompute_after_commit(year, effective_from)
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
    if (investor is None) == (district is None):
        raise PlanError("Kế hoạch vốn phải thuộc đúng một chủ đầu tư hoặc một quận, huyện.")
    if amount < 0:
        raise PlanError("Số vốn kế hoạch không được âm.")
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
    _recompute_after_commit(year, effective_from)
    return revision


def _recompute_after_commit(year: int, effective_from: dt.date) -> None:
    """Ratios of the snapshots dated on or after the revision change: recompute them after commit."""
    from disbursement.figures.tasks import schedule_recompute_from

    schedule_recompute_from(year, effective_from)
