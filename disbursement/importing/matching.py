"""Match the unit names of a workbook to investors and districts.

Every name from outside goes through core.names.normalize_name, with the
abbreviation list kept in the database (NameAbbreviation) written out on both
sides, so 'Ban QLDA ĐTXD các công trình giao thông' meets 'Ban Quản lý dự án
đầu tư xây dựng các công trình giao thông'. The index holds names, short names
and aliases. A stream ranked by investor matches the investors valid on the
date (an old name of a merged one leads to its successor), one ranked by
district matches the local units valid on the date (a district committee acting
as investor is written with the bare place name: the section tells the role);
an old name of a local unit merged into one leads to it, and one of a unit split
among several is ambiguous: refused with its successors named, never guessed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from core.names import expand_abbreviations, normalize_name
from core.succession import FormerUnit
from disbursement.models import CapitalStream, NameAbbreviation
from districts.models import DistrictAlias
from districts.selectors import districts_valid_on, former_districts_on
from investors.models import Investor, InvestorAlias
from investors.selectors import investor_display_names, investor_names_on, split_investors_on

INVESTOR = "investor"
DISTRICT = "district"
LEVELS = (INVESTOR, DISTRICT)
LEVEL_WORDS = {INVESTOR: "chủ đầu tư", DISTRICT: "quận, huyện"}
# Closest units offered for an unknown name.
CANDIDATES = 5
CANDIDATE_CUTOFF = 0.5


@dataclass(frozen=True, slots=True)
class Match:
    level: str
    unit_id: int
    # An investor's is read when first asked for (a file may match tens of thousands; few are shown).
    known_name: str | None
    is_rural: bool

    @property
    def display_name(self) -> str:
        if self.known_name is None:
            object.__setattr__(self, "known_name", investor_display_names([self.unit_id]).get(self.unit_id, ""))
        return self.known_name

    @property
    def investor_id(self) -> int | None:
        return self.unit_id if self.level == INVESTOR else None

    @property
    def district_id(self) -> int | None:
        return self.unit_id if self.level == DISTRICT else None


def abbreviation_pairs() -> tuple[tuple[str, str], ...]:
    """The editable abbreviation list, as the data the normaliser takes."""
    return tuple(NameAbbreviation.objects.order_by("short").values_list("short", "full"))


class UnitMatcher:
    """Name -> unit for one import, over the master data as of the snapshot date."""

    def __init__(self, as_of: dt.date, abbreviations: tuple[tuple[str, str], ...] | None = None):
        self.abbreviations = abbreviation_pairs() if abbreviations is None else abbreviations
        # Key -> unit: an investor by the id of its holder on the date (master data may hold tens of thousands,
        # kept as plain keys and ids), a local unit (a few hundred) as the model instance.
        self._index: dict[str, dict[str, object]] = {INVESTOR: {}, DISTRICT: {}}
        # Names valid on the date first; a merged department's old names lead to its successor.
        for name, holder in investor_names_on(as_of):
            self._add(INVESTOR, name, holder)
        for district in districts_valid_on(as_of).order_by("valid_from"):
            self._add(DISTRICT, district.name, district)
        former_aliases: dict[int, list[str]] = defaultdict(list)
        for alias in DistrictAlias.objects.select_related("district"):
            if alias.district.is_valid_on(as_of):
                self._add(DISTRICT, alias.name, alias.district)
            else:
                former_aliases[alias.district_id].append(alias.name)
        # Old names after a change, behind the names valid on the date; a unit split up is named to be refused.
        self._divided: dict[str, dict[str, FormerUnit]] = {INVESTOR: {}, DISTRICT: {}}
        for former in former_districts_on(as_of):
            for name in (former.unit.name, *former_aliases.get(former.unit.id, ())):
                if former.holder is not None:
                    self._add(DISTRICT, name, former.holder)
                elif former.heirs:
                    self._add_divided(DISTRICT, name, former)
        split = split_investors_on(as_of)
        if split:
            aliases: dict[int, list[str]] = defaultdict(list)
            for investor_id, name in InvestorAlias.objects.filter(investor__in=[f.unit for f in split]).values_list(
                "investor_id", "name"
            ):
                aliases[investor_id].append(name)
            for former in split:
                for name in (former.unit.name, former.unit.short_name, *aliases.get(former.unit.id, ())):
                    if name:
                        self._add_divided(INVESTOR, name, former)

    def _add_divided(self, level: str, name: str, former: FormerUnit) -> None:
        for key in (self.key(name), normalize_name(name)):
            self._divided[level].setdefault(key, former)

    def _add(self, level: str, name: str, unit) -> None:
        index = self._index[level]
        text = unicodedata.normalize("NFC", name or "")
        expanded = expand_abbreviations(text, self.abbreviations) if self.abbreviations else text
        key = normalize_name(expanded)
        index.setdefault(key, unit)
        # The key stored with the unit (no list abbreviations) still finds it; the same key unless the list
        # writes out part of the name.
        index.setdefault(key if expanded == text else normalize_name(text), unit)

    def key(self, name: str) -> str:
        return normalize_name(name, self.abbreviations)

    @staticmethod
    def level_of(stream: CapitalStream) -> str:
        return INVESTOR if stream.ranks_investors else DISTRICT

    def match(self, name: str, level: str) -> Match | None:
        index = self._index[level]
        unit = index.get(self.key(name)) or index.get(normalize_name(name))
        if unit is None:
            return None
        return _match(level, unit)

    def divided(self, name: str, level: str) -> FormerUnit | None:
        """The unit split among several that `name` names by its old name, when no unit valid on the date has it."""
        if self.match(name, level) is not None:
            return None
        divided = self._divided[level]
        return divided.get(self.key(name)) or divided.get(normalize_name(name))

    def candidates(self, name: str, level: str, limit: int = CANDIDATES) -> list[Match]:
        """The known units whose names are most like `name`, closest first, each once."""
        index = self._index[level]
        keys = difflib.get_close_matches(self.key(name), list(index), n=limit * 3, cutoff=CANDIDATE_CUTOFF)
        units = list({_unit_id(index[key]): index[key] for key in keys}.values())[:limit]
        if level == INVESTOR:
            # Offered as a choice, an investor is named in full, not by its short form.
            names = dict(Investor.objects.filter(id__in=units).values_list("id", "name"))
            return [Match(level, pk, names.get(pk, ""), False) for pk in units]
        return [_match(level, unit) for unit in units]

    def suggestions(self, name: str, level: str) -> list[str]:
        """Known names most like `name`, for the message that asks for a decision."""
        return [m.display_name for m in self.candidates(name, level, limit=3)]


def _unit_id(unit) -> int:
    return unit if isinstance(unit, int) else unit.id


def _match(level: str, unit) -> Match:
    if isinstance(unit, int):
        return Match(level, unit, None, False)
    return Match(level, unit.id, unit.display_name, bool(getattr(unit, "is_rural", False)))
