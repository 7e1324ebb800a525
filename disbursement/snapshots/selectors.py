"""Reads of snapshots."""

from __future__ import annotations

import datetime as dt

from core.fiscal import same_date_last_year
from disbursement.models import Snapshot


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


def same_period_snapshot(snapshot: Snapshot) -> Snapshot | None:
    """Last year's snapshot at the same date, or the nearest earlier one of that year."""
    day = same_date_last_year(snapshot.as_of)
    return (
        Snapshot.objects.current()
        .filter(year=snapshot.year - 1, as_of__lte=day)
        .order_by("-as_of", "-id")
        .first()
    )


def snapshot_on(year: int, as_of: dt.date) -> Snapshot | None:
    return Snapshot.objects.current().filter(year=year, as_of=as_of).first()
