"""Reads of flags: open as of a snapshot, grouped by unit, changes, history.

A flag read for a snapshot says what it said on that snapshot's date, so its text always agrees
with the figures shown beside it: on the latest snapshot that is its current text.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.query import ModelIterable

from disbursement.models import Flag, Snapshot
from disbursement.models.flags import FlagEvent

UnitKey = tuple  # (stream_id, investor_id, district_id); None where a flag is about a stream or the city


def _with_relations(qs: QuerySet[Flag]) -> QuerySet[Flag]:
    return qs.select_related("rule", "stream", "investor", "district", "source", "raised_snapshot", "cleared_snapshot")


class _SaidOnTheDate(ModelIterable):
    """Flags whose `value` and `reason` are those of their latest event on or before the date read."""

    def __iter__(self):
        for flag in super().__iter__():
            if flag.reason_then is not None:
                flag.value, flag.reason = flag.value_then, flag.reason_then
            yield flag


def as_of(flags: QuerySet[Flag], day: dt.date) -> QuerySet[Flag]:
    """The flags as they read on `day`: figure and text of that date (flags without history read as stored)."""
    latest = FlagEvent.objects.filter(flag=OuterRef("pk"), on__lte=day).order_by("-on")
    flags = flags.annotate(
        value_then=Subquery(latest.values("value")[:1]), reason_then=Subquery(latest.values("reason")[:1])
    )
    # Kept by filter() and order_by(), so callers may narrow the set further.
    flags._iterable_class = _SaidOnTheDate
    return flags


def open_flags(snapshot: Snapshot) -> QuerySet[Flag]:
    """Flags open as of the snapshot's date (raised on or before it, not cleared by then), as they read on it."""
    flags = _with_relations(
        Flag.objects.filter(year=snapshot.year, raised_on__lte=snapshot.as_of).filter(
            Q(cleared_on__isnull=True) | Q(cleared_on__gt=snapshot.as_of)
        )
    ).order_by("kind", "stream__order", "investor__name", "district__order", "id")
    return as_of(flags, snapshot.as_of)


def flags_by_unit(snapshot: Snapshot) -> dict[UnitKey, list[Flag]]:
    """Open flags keyed by (stream_id, investor_id, district_id)."""
    result: dict[UnitKey, list[Flag]] = defaultdict(list)
    for flag in open_flags(snapshot):
        result[(flag.stream_id, flag.investor_id, flag.district_id)].append(flag)
    return dict(result)


def flag_changes(snapshot: Snapshot, *, limit: int | None = None) -> tuple[list[Flag], list[Flag]]:
    """(flags raised on this snapshot's date, flags cleared on it) since the previous snapshot; the first
    `limit` of each when given (flag_change_counts counts them all)."""
    base = as_of(_with_relations(Flag.objects.filter(year=snapshot.year)).order_by("kind", "id"), snapshot.as_of)
    raised, cleared = base.filter(raised_on=snapshot.as_of), base.filter(cleared_on=snapshot.as_of)
    if limit is not None:
        raised, cleared = raised[:limit], cleared[:limit]
    return list(raised), list(cleared)


def flag_change_counts(snapshot: Snapshot) -> tuple[int, int]:
    """How many flags were raised, and cleared, on the snapshot's date."""
    flags = Flag.objects.filter(year=snapshot.year)
    return flags.filter(raised_on=snapshot.as_of).count(), flags.filter(cleared_on=snapshot.as_of).count()


def flag_history(
    *,
    year: int | None = None,
    stream=None,
    investor=None,
    district=None,
    kind: str | None = None,
) -> QuerySet[Flag]:
    """Every episode matching the filters, newest first, open and cleared."""
    qs = Flag.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    if stream is not None:
        qs = qs.filter(stream=stream)
    if investor is not None:
        qs = qs.filter(investor=investor)
    if district is not None:
        qs = qs.filter(district=district)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return _with_relations(qs).order_by("-raised_on", "kind", "id")


def flag_events(flag: Flag) -> QuerySet[FlagEvent]:
    """A flag's history, oldest first: what it said when raised, then each change."""
    return flag.events.select_related("snapshot").order_by("on")
