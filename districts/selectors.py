"""Reads of districts."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from core.names import normalize_name
from core.succession import FormerUnit, Link, Successions
from districts.models import District, DistrictAlias, DistrictSuccession


def districts_valid_on(day: dt.date) -> QuerySet[District]:
    return District.objects.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def commune_level_on(day: dt.date) -> bool:
    """Whether the local units on `day` are communes, wards and special zones only (since 1/7/2025 in
    Hải Phòng): the reports then name them 'xã, phường, đặc khu' instead of 'quận, huyện'."""
    valid = districts_valid_on(day)
    return (
        valid.filter(level=District.Level.COMMUNE).exists() and not valid.filter(level=District.Level.DISTRICT).exists()
    )


def district_name_index(on: dt.date | None = None) -> dict[str, District]:
    """Matching key -> district, over names and aliases; only units valid `on` a date if given.

    Two units may share a name over time (huyện Thủy Nguyên until 2024, thành phố
    Thủy Nguyên from 2025): the date tells them apart.
    """
    districts = districts_valid_on(on) if on else District.objects.all()
    index: dict[str, District] = {}
    for district in districts.order_by("valid_from"):
        index.setdefault(district.name_key, district)
    for alias in DistrictAlias.objects.select_related("district"):
        if on is None or alias.district.is_valid_on(on):
            index.setdefault(alias.name_key, alias.district)
    return index


def find_district(name: str, on: dt.date | None = None) -> District | None:
    return district_name_index(on).get(normalize_name(name))


def district_successions() -> Successions:
    """Every local unit's succession links and validity dates, for core.succession."""
    validity = {pk: (start, end) for pk, start, end in District.objects.values_list("id", "valid_from", "valid_to")}
    links = [
        Link(predecessor, successor, kind, effective)
        for predecessor, successor, kind, effective in DistrictSuccession.objects.values_list(
            "predecessor_id", "successor_id", "kind", "effective_from"
        )
    ]
    return Successions(links, validity)


def former_districts_on(day: dt.date, successions: Successions | None = None) -> list[FormerUnit]:
    """Local units no longer valid on `day` whose figures passed to others by then, oldest change first."""
    ended = list(
        District.objects.filter(successions_out__effective_from__lte=day)
        .exclude(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .distinct()
        .order_by("valid_from", "order", "id")
    )
    if not ended:
        return []
    successions = successions or district_successions()
    heirs = {unit.id: successions.heirs_on(unit.id, day) for unit in ended}
    wanted = set().union(*heirs.values())
    units = District.objects.in_bulk(wanted)
    result = []
    for unit in ended:
        holder = successions.holder_on(unit.id, day)
        changed_on = min(link.effective for link in successions.outgoing[unit.id] if link.effective <= day)
        result.append(
            FormerUnit(
                unit=unit,
                holder=units.get(holder) if holder is not None and holder != unit.id else None,
                heirs=tuple(sorted((units[i] for i in heirs[unit.id] if i in units), key=lambda d: (d.order, d.name))),
                changed_on=changed_on,
            )
        )
    return result


def search_districts(term: str, on: dt.date | None = None) -> QuerySet[District]:
    """Units whose name or other spelling holds `term` (marks, case, 'quận'/'huyện' aside), valid `on` a date
    if given, in their usual order: what a search box over tens of thousands of units offers."""
    units = districts_valid_on(on) if on else District.objects.all()
    key = normalize_name(term)
    if key:
        units = units.filter(Q(name_key__contains=key) | Q(aliases__name_key__contains=key)).distinct()
    return units.order_by("order", "name", "id")
