"""Small snapshots of one stream for the banding and wording tests: computed from lines, or figures written by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from core.figures import disbursement_ratio
from disbursement.figures.services import compute_snapshot
from disbursement.models import Figure, Snapshot, SnapshotLine
from disbursement.plans.services import revise_allocation
from districts.models import District
from tests.factories import DistrictFactory, InvestorFactory, SnapshotFactory, source, stream


def stream_snapshot(rows: list[tuple[str, int | None, int]], stream_code: str = "district_transfer") -> Snapshot:
    """A computed snapshot with one unit per (name, plan, disbursed) row; plan None means no allocation."""
    snapshot = SnapshotFactory()
    capital_stream, nsdp = stream(stream_code), source("nsdp")
    for name, plan, disbursed in rows:
        if capital_stream.ranks_investors:
            unit = {"investor": InvestorFactory(name=name)}
        else:
            unit = {"district": DistrictFactory(name=name, kind=District.Kind.RURAL)}
        if plan is not None:
            revise_allocation(
                year=2024, stream=capital_stream, source=nsdp, amount=plan, effective_from=dt.date(2024, 1, 1), **unit
            )
        SnapshotLine.objects.create(snapshot=snapshot, stream=capital_stream, source=nsdp, disbursed=disbursed, **unit)
    compute_snapshot(snapshot.id)
    return snapshot


AS_OF = dt.date(2024, 7, 20)
STORED = Decimal("0.000001")


@dataclass
class Unit:
    """A unit's figure as the compute stores it: disbursed None when it has not reported this year."""

    name: str
    plan: int | None
    disbursed: int | None
    reported_on: dt.date | None = AS_OF


def _ratio(disbursed: int | None, plan: int | None) -> Decimal | None:
    if disbursed is None:
        return None
    ratio = disbursement_ratio(disbursed, plan)
    return None if ratio is None else ratio.quantize(STORED)


def figures_snapshot(
    units: list[Unit],
    stream_code: str = "district_transfer",
    *,
    city: dict | None = None,
    same_period: Snapshot | None = None,
) -> Snapshot:
    """A snapshot whose figures are written row by row, the way the compute stores an assembled picture.

    `city` gives the city figure's fields (disbursed, plan, is_partial, coverage ...); by default the
    city reads the stream's total, as a complete summary would.
    """
    snapshot = SnapshotFactory(as_of=AS_OF, computed_at=timezone.now())
    capital_stream = stream(stream_code)
    reported = [u for u in units if u.disbursed is not None]
    total_disbursed = sum(u.disbursed for u in reported)
    total_plan = sum(u.plan or 0 for u in units)
    average = _ratio(total_disbursed, total_plan)
    ranked = sorted(
        (u for u in reported if _ratio(u.disbursed, u.plan) is not None), key=lambda u: -_ratio(u.disbursed, u.plan)
    )
    ranks = {u.name: position for position, u in enumerate(ranked, start=1)}
    Figure.objects.create(
        snapshot=snapshot,
        scope=Figure.Scope.STREAM,
        stream=capital_stream,
        disbursed=total_disbursed,
        plan=total_plan,
        ratio=average,
        is_partial=len(reported) < len(units),
    )
    for u in units:
        if capital_stream.ranks_investors:
            scope, unit = Figure.Scope.INVESTOR, {"investor": InvestorFactory(name=u.name)}
        else:
            scope, unit = Figure.Scope.DISTRICT, {"district": DistrictFactory(name=u.name, kind=District.Kind.RURAL)}
        Figure.objects.create(
            snapshot=snapshot,
            scope=scope,
            stream=capital_stream,
            disbursed=u.disbursed,
            reported_on=u.reported_on if u.disbursed is not None else None,
            plan=u.plan,
            ratio=_ratio(u.disbursed, u.plan),
            rank=ranks.get(u.name),
            rank_of=len(ranks),
            **unit,
        )
    city_fields = {"disbursed": total_disbursed, "plan": total_plan, "ratio": average, **(city or {})}
    if "ratio" not in (city or {}):
        city_fields["ratio"] = _ratio(city_fields["disbursed"], city_fields["plan"])
    if same_period is not None:
        city_fields.update(
            same_period_snapshot=same_period,
            same_period_disbursed=city_fields["disbursed"] // 2,
            same_period_plan=city_fields["plan"],
            same_period_ratio=_ratio(city_fields["disbursed"] // 2, city_fields["plan"]),
        )
    Figure.objects.create(snapshot=snapshot, scope=Figure.Scope.CITY, **city_fields)
    return snapshot
