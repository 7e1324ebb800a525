"""Reads of flags: open as of a snapshot, grouped by unit, changes, history."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet

from disbursement.models import Flag, Snapshot

UnitKey = tuple  # (stream_id, investor_id, district_id); None where a flag is about a stream or the city


def _with_relations(qs: QuerySet[Flag]) -> QuerySet[Flag]:
    return qs.select_related("rule", "stream", "investor", "district", "source", "raised_snapshot", "cleared_snapshot")


def open_flags(snapshot: Snapshot) -> QuerySet[Flag]:
    """Flags open as of the snapshot's date: raised on or before it and not cleared by then."""
    return _with_relations(
        Flag.objects.filter(year=snapshot.year, raised_on__lte=snapshot.as_of).filter(
            Q(cleared_on__isnull=True) | Q(cleared_on__gt=snapshot.as_of)
        )
    ).order_by("kind", "stream__order", "investor__name", "district__order", "id")


def flags_by_unit(snapshot: Snapshot) -> dict[UnitKey, list[Flag]]:
    """Open flags keyed by (stream_id, investor_id, district_id)."""
    result: dict[UnitKey, list[Flag]] = defaultdict(list)
    for flag in open_flags(snapshot):
        result[(flag.stream_id, flag.investor_id, flag.district_id)].append(flag)
    return dict(result)


def flag_changes(snapshot: Snapshot) -> tuple[list[Flag], list[Flag]]:
    """(flags raised on this snapshot's date, flags cleared on it) since the previous snapshot."""
    base = _with_relations(Flag.objects.filter(year=snapshot.year)).order_by("kind", "id")
    return list(base.filter(raised_on=snapshot.as_of)), list(base.filter(cleared_on=snapshot.as_of))


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
