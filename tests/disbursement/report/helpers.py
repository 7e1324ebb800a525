"""Small snapshots of one stream for the banding and wording tests."""

from __future__ import annotations

import datetime as dt

from disbursement.figures.services import compute_snapshot
from disbursement.models import Snapshot, SnapshotLine
from disbursement.plans.services import revise_allocation
from districts.models import District
from tests.factories import DistrictFactory, InvestorFactory, SnapshotFactory, source, stream

TY = 10**9


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
