"""Reads of snapshots."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum

from core.fiscal import same_date_last_year
from disbursement.models import Figure, Snapshot, SnapshotLine
from disbursement.models.snapshots import units_q

UnitKey = tuple  # (stream_id, investor_id, district_id)
# Up to this many units asked for, unit_readings reads theirs alone.
FEW_UNITS = 500


@dataclass(frozen=True, slots=True)
class UnitReading:
    """What a snapshot says of one unit in one stream, over all budget sources."""

    disbursed: int
    plan: int | None  # None when read from the lines: plans are the compute's business
    reported_on: dt.date | None


def latest_snapshot(year: int | None = None) -> Snapshot | None:
    qs = Snapshot.objects.current()
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-as_of", "-id").first()


def previous_snapshot(snapshot: Snapshot) -> Snapshot | None:
    """The current snapshot of the same year just before this one."""
    return (
        Snapshot.objects.current()
        .filter(year=snapshot.year, as_of__lt=snapshot.as_of)
        .order_by("-as_of", "-id")
        .first()
    )


def same_period_snapshot(snapshot: Snapshot, *, tolerance_days: int = 7) -> Snapshot | None:
    """Last year's snapshot nearest the same day, if within `tolerance_days` of it; else None.

    A snapshot months away is not the same period ("không có số liệu cùng kỳ"). On a tie the earlier
    date wins, as the reports compare with figures "đến hết ngày".
    """
    day = same_date_last_year(snapshot.as_of)
    window = dt.timedelta(days=tolerance_days)
    candidates = Snapshot.objects.current().filter(
        year=snapshot.year - 1, as_of__gte=day - window, as_of__lte=day + window
    )
    return min(candidates, key=lambda s: (abs((s.as_of - day).days), s.as_of > day, -s.id), default=None)


def snapshot_on(year: int, as_of: dt.date) -> Snapshot | None:
    return Snapshot.objects.current().filter(year=year, as_of=as_of).first()


def unit_readings(snapshot: Snapshot | None, units=None) -> dict[UnitKey, UnitReading]:
    """Each unit's disbursed amount in a snapshot, keyed (stream_id, investor_id, district_id); with `units`
    (such keys), those units' only.

    The stored figures of a computed snapshot, else the sum of its lines: the same amounts,
    so readers of earlier snapshots do not depend on whether those have been computed yet.
    """
    if snapshot is None:
        return {}
    wanted = None if units is None else set(units)
    # A few units are read through their indexes; many (a long file's) with the date's others, at once.
    few = wanted is not None and len(wanted) <= FEW_UNITS
    if snapshot.computed_at is not None:
        figures = Figure.objects.rows_of(snapshot).filter(
            scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT], source__isnull=True, disbursed__isnull=False
        )
        if few:
            figures = figures.filter(units_q({key[1:] for key in wanted}))
        stored = {
            (stream_id, investor_id, district_id): UnitReading(disbursed, plan, reported_on)
            for stream_id, investor_id, district_id, disbursed, plan, reported_on in figures.values_list(
                "stream_id", "investor_id", "district_id", "disbursed", "plan", "reported_on"
            ).order_by()
            if wanted is None or (stream_id, investor_id, district_id) in wanted
        }
        if stored or (wanted is not None and Figure.objects.rows_of(snapshot).exists()):
            return stored
    lines = SnapshotLine.objects.of_units(snapshot, wanted) if few else SnapshotLine.objects.of(snapshot)
    return {
        (stream_id, investor_id, district_id): UnitReading(total, None, snapshot.as_of)
        for stream_id, investor_id, district_id, total in (
            lines.values("stream_id", "investor_id", "district_id")
            .annotate(total=Sum("disbursed"))
            .values_list("stream_id", "investor_id", "district_id", "total")
            .order_by()
        )
        if wanted is None or (stream_id, investor_id, district_id) in wanted
    }
