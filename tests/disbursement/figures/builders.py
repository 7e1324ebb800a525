"""Small scenarios for engine tests: units, allocations and weekly snapshots."""

from __future__ import annotations

import datetime as dt

from disbursement.figures.services import compute_snapshot
from disbursement.models import (
    Allocation,
    AllocationRevision,
    BudgetSource,
    CapitalStream,
    Figure,
    Snapshot,
    SnapshotLine,
)
from disbursement.plans.services import revise_allocation
from disbursement.snapshots.services import create_snapshot
from districts.models import District
from investors.models import Investor
from tests.factories import DistrictFactory, InvestorFactory

TY = 10**9
JAN_1 = dt.date(2024, 1, 1)


def stream(code: str = CapitalStream.CITY_ASSIGNED) -> CapitalStream:
    return CapitalStream.objects.get(code=code)


def local() -> BudgetSource:
    return BudgetSource.objects.get(code=BudgetSource.LOCAL)


def investors(n: int) -> list[Investor]:
    return [InvestorFactory() for _ in range(n)]


def districts(n: int) -> list[District]:
    return [DistrictFactory() for _ in range(n)]


def _unit_kwargs(unit) -> dict:
    return {"investor": unit} if isinstance(unit, Investor) else {"district": unit}


def _stream_for(unit, code: str | None) -> CapitalStream:
    if code:
        return stream(code)
    return stream(CapitalStream.CITY_ASSIGNED if isinstance(unit, Investor) else CapitalStream.DISTRICT_TRANSFER)


def allocate(unit, amount: int, *, effective: dt.date = JAN_1, stream_code: str | None = None, year: int = 2024):
    """A plan revision written directly, without scheduling a recompute (test set-up)."""
    allocation, _ = Allocation.objects.get_or_create(
        year=year, stream=_stream_for(unit, stream_code), source=local(), project=None, **_unit_kwargs(unit)
    )
    return AllocationRevision.objects.create(allocation=allocation, amount=amount, effective_from=effective)


def revise(unit, amount: int, *, effective: dt.date, stream_code: str | None = None, year: int = 2024):
    """A plan revision through the service, as the admin or an import writes it: recomputes after commit."""
    return revise_allocation(
        year=year,
        stream=_stream_for(unit, stream_code),
        source=local(),
        amount=amount,
        effective_from=effective,
        **_unit_kwargs(unit),
    )


def snapshot(as_of: dt.date, amounts: dict, *, stream_code: str | None = None, year: int | None = None) -> Snapshot:
    """A snapshot with one line per unit (local budget), amounts in đồng."""
    snap = create_snapshot(year=year or as_of.year, as_of=as_of)
    for unit, amount in amounts.items():
        SnapshotLine.objects.create(
            snapshot=snap,
            stream=_stream_for(unit, stream_code),
            source=local(),
            disbursed=amount,
            **_unit_kwargs(unit),
        )
    return snap


def computed(snap: Snapshot) -> Snapshot:
    compute_snapshot(snap.id)
    snap.refresh_from_db()
    return snap


def unit_figure(snap: Snapshot, unit) -> Figure:
    return Figure.objects.get(snapshot=snap, scope__in=["investor", "district"], source=None, **_unit_kwargs(unit))


def stream_figure(snap: Snapshot, code: str = CapitalStream.CITY_ASSIGNED) -> Figure:
    return Figure.objects.get(snapshot=snap, scope=Figure.Scope.STREAM, stream=stream(code), source=None)


def figure_rows(snap: Snapshot) -> list[tuple]:
    """Every stored figure of a snapshot, without ids, in a stable order."""
    fields = [f.attname for f in Figure._meta.concrete_fields if f.attname != "id"]
    return sorted(
        Figure.objects.filter(snapshot=snap).values_list(*fields),
        key=lambda row: tuple((v is None, str(v)) for v in row),
    )
