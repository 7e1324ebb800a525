"""Reads of investors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import Q, QuerySet

from core.names import normalize_name
from core.succession import FormerUnit, Link, Successions
from investors.models import Investor, InvestorAlias, InvestorSuccession


def investor_name_index() -> dict[str, Investor]:
    """Matching key -> investor, over names, short names and aliases.

    A district committee is also found by the bare place name ('Vĩnh Bảo'),
    which the normaliser already gives for 'UBND huyện Vĩnh Bảo'.
    """
    index: dict[str, Investor] = {}
    investors = list(Investor.objects.all())
    for investor in investors:
        index.setdefault(investor.name_key, investor)
    for investor in investors:
        if investor.short_name:
            index.setdefault(normalize_name(investor.short_name), investor)
    for alias in InvestorAlias.objects.select_related("investor"):
        index.setdefault(alias.name_key, alias.investor)
    return index


def find_investor(name: str) -> Investor | None:
    return investor_name_index().get(normalize_name(name))


def investors_valid_on(day: dt.date) -> QuerySet[Investor]:
    return Investor.objects.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def investor_successions() -> Successions:
    """Every investor's succession links and validity dates, for core.succession."""
    validity = {
        pk: (start, end) for pk, start, end in Investor.objects.values_list("id", "valid_from", "valid_to").order_by()
    }
    links = [
        Link(predecessor, successor, kind, effective)
        for predecessor, successor, kind, effective in InvestorSuccession.objects.values_list(
            "predecessor_id", "successor_id", "kind", "effective_from"
        )
    ]
    return Successions(links, validity)


def investors_on(day: dt.date, successions: Successions | None = None) -> list[tuple[Investor, Investor]]:
    """(investor as files may name it, the investor that holds its figures on `day`), valid ones first.

    A department merged into another before `day` is still written under its old name for a while:
    that name leads to its successor. One split or transferred away leads nowhere (left out).
    """
    successions = successions or investor_successions()
    investors = {investor.id: investor for investor in Investor.objects.all()}
    valid, ended = [], []
    for investor in investors.values():
        if investor.is_valid_on(day):
            valid.append((investor, investor))
            continue
        holder = successions.holder_on(investor.id, day)
        if holder is not None and holder != investor.id and holder in investors:
            ended.append((investor, investors[holder]))
        elif holder == investor.id and investor.valid_from <= day:
            # Ended without a recorded successor: still found, as before validity dates existed.
            ended.append((investor, investor))
    return valid + ended


def search_investors(term: str, on: dt.date | None = None) -> QuerySet[Investor]:
    """Investors whose name, short name or other spelling holds `term` (marks, case and prefixes aside),
    valid `on` a date if given, by name: what a search box over tens of thousands of investors offers."""
    investors = investors_valid_on(on) if on else Investor.objects.all()
    key = normalize_name(term)
    if key:
        investors = investors.filter(
            Q(name_key__contains=key) | Q(short_name__icontains=term.strip()) | Q(aliases__name_key__contains=key)
        ).distinct()
    return investors.order_by("name", "id")


def investor_names_on(day: dt.date) -> Iterator[tuple[str, int]]:
    """(a name a file may write, the id of the investor that holds its figures on `day`), in the order a
    matcher takes them: the names of investors_on(day), then their short names, then their aliases.

    The same names and holders as investors_on, without model instances: a city's master data may hold
    tens of thousands of investors, read here as plain values and never held all at once (only the
    ended investors, the short names and the links are kept until their turn).
    """
    links = list(InvestorSuccession.objects.values_list("predecessor_id", "successor_id", "kind", "effective_from"))
    ended: list[tuple[int, str, str]] = []
    short_names: list[tuple[str, int]] = []
    for pk, name, short_name, valid_from, valid_to in (
        Investor.objects.order_by(*Investor._meta.ordering, "id")
        .values_list("id", "name", "short_name", "valid_from", "valid_to")
        .iterator(chunk_size=5000)
    ):
        if valid_from <= day and (valid_to is None or day <= valid_to):
            yield name, pk
            if short_name:
                short_names.append((short_name, pk))
        elif valid_from <= day or links:
            ended.append((pk, name, short_name))
    holders = _holders_on(day, links, [pk for pk, _name, _short in ended])
    for pk, name, _short in ended:
        holder = holders.get(pk)
        if holder is not None:
            yield name, holder
    short_names += [(short_name, holders[pk]) for pk, _name, short_name in ended if short_name and pk in holders]
    yield from short_names
    for name, investor_id, valid_from, valid_to in InvestorAlias.objects.values_list(
        "name", "investor_id", "investor__valid_from", "investor__valid_to"
    ).order_by("id"):
        valid = valid_from <= day and (valid_to is None or day <= valid_to)
        holder = investor_id if valid else holders.get(investor_id)
        if holder is not None:
            yield name, holder


def _holders_on(day: dt.date, links: list[tuple], ended: list[int]) -> dict[int, int]:
    """The holder on `day` of each ended investor that has one (investors_on's rule), from the validity of
    the investors the links and `ended` name only."""
    named = set(ended) | {p for p, *_ in links} | {s for _p, s, *_ in links}
    validity = {
        pk: (start, end)
        for pk, start, end in Investor.objects.filter(id__in=named).values_list("id", "valid_from", "valid_to")
    }
    successions = Successions([Link(*link) for link in links], validity)
    holders = {}
    for pk in ended:
        holder = successions.holder_on(pk, day)
        if holder is not None and holder != pk and holder in validity:
            holders[pk] = holder
        elif holder == pk and validity[pk][0] <= day:
            holders[pk] = pk
    return holders


def investor_display_names(ids: Iterable[int]) -> dict[int, str]:
    """Investor id -> the name it is shown by (its short name, else its name)."""
    return {
        pk: short_name or name
        for pk, name, short_name in Investor.objects.filter(id__in=set(ids)).values_list("id", "name", "short_name")
    }


def split_investors_on(day: dt.date, successions: Successions | None = None) -> list[FormerUnit]:
    """Investors no longer valid on `day` that were split or transferred in parts by then, oldest change first:
    their old names stand for several investors (`heirs`), so a file naming one cannot be read."""
    ended = list(
        Investor.objects.filter(successions_out__effective_from__lte=day)
        .exclude(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .distinct()
        .order_by("valid_from", "name", "id")
    )
    if not ended:
        return []
    successions = successions or investor_successions()
    heirs = {unit.id: successions.heirs_on(unit.id, day) for unit in ended}
    units = Investor.objects.in_bulk(set().union(*heirs.values()))
    result = []
    for unit in ended:
        if successions.holder_on(unit.id, day) is not None:
            continue  # merged whole: its names lead to the holder (investor_names_on)
        found = tuple(sorted((units[i] for i in heirs[unit.id] if i in units), key=lambda i: (i.name, i.id)))
        if found:
            changed_on = min(link.effective for link in successions.outgoing[unit.id] if link.effective <= day)
            result.append(FormerUnit(unit=unit, holder=None, heirs=found, changed_on=changed_on))
    return result
