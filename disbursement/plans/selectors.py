"""Plans in force on a date, and the year's engine settings (targets, tolerances, reporting schedule)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, QuerySet, Subquery

from disbursement.models import Allocation, AllocationRevision, CityPlan, CityPlanRevision, EngineSetting


def _in_force(revisions: QuerySet, day: dt.date):
    # The latest revision that has taken effect; a later-recorded one wins a tie.
    return Subquery(revisions.filter(effective_from__lte=day).order_by("-effective_from", "-id").values("amount")[:1])


def allocations_in_force(year: int, day: dt.date) -> QuerySet[Allocation]:
    """The year's allocations annotated with `amount`, the revision in force on `day` (None before the first)."""
    revisions = AllocationRevision.objects.filter(allocation=OuterRef("pk"))
    return Allocation.objects.filter(year=year).annotate(amount=_in_force(revisions, day))


def city_plans_in_force(year: int, day: dt.date) -> dict[str, dict[str, int]]:
    """{level: {source code: amount}} of the citywide plans in force on `day`."""
    revisions = CityPlanRevision.objects.filter(plan=OuterRef("pk"))
    plans = CityPlan.objects.filter(year=year).select_related("source").annotate(amount=_in_force(revisions, day))
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for plan in plans:
        if plan.amount is not None:
            result[plan.level][plan.source.code] = plan.amount
    return dict(result)


def city_plan_total(year: int, day: dt.date, level: str) -> int | None:
    """The citywide plan of `level` in force on `day`, all sources together."""
    by_source = city_plans_in_force(year, day).get(level)
    if not by_source:
        return None
    return sum(by_source.values())


def engine_setting(year: int) -> EngineSetting:
    """The year's settings, else the default row, else the built-in defaults (unsaved)."""
    setting = EngineSetting.objects.filter(year=year).first()
    return setting or EngineSetting.objects.filter(year__isnull=True).first() or EngineSetting()
