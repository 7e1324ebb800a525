"""Reads of investors."""

from __future__ import annotations

from core.names import normalize_name
from investors.models import Investor, InvestorAlias


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
