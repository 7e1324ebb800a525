"""Reads of investors."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from core.names import normalize_name
from core.succession import Link, Successions
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
    validity = {pk: (start, end) for pk, start, end in Investor.objects.values_list("id", "valid_from", "valid_to")}
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
