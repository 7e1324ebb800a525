"""Match the unit names of a workbook to investors and districts.

Every name from outside goes through core.names.normalize_name; the index
holds names, short names and aliases. A stream ranked by investor matches
investors, one ranked by district matches the districts valid on the date
(a district committee acting as investor is written with the bare place
name: the section tells the role).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.names import closest_names, normalize_name
from disbursement.models import CapitalStream
from districts.selectors import district_name_index
from investors.selectors import investor_name_index

INVESTOR = "investor"
DISTRICT = "district"
LEVEL_WORDS = {INVESTOR: "chủ đầu tư", DISTRICT: "quận, huyện"}


@dataclass(frozen=True, slots=True)
class Match:
    level: str
    unit_id: int
    display_name: str
    is_rural: bool

    @property
    def investor_id(self) -> int | None:
        return self.unit_id if self.level == INVESTOR else None

    @property
    def district_id(self) -> int | None:
        return self.unit_id if self.level == DISTRICT else None


class UnitMatcher:
    """Name -> unit for one import, over the master data as of the snapshot date."""

    def __init__(self, as_of: dt.date):
        self._index = {INVESTOR: investor_name_index(), DISTRICT: district_name_index(on=as_of)}
        self._names = {
            INVESTOR: {k: v.name for k, v in self._index[INVESTOR].items()},
            DISTRICT: {k: v.display_name for k, v in self._index[DISTRICT].items()},
        }

    @staticmethod
    def level_of(stream: CapitalStream) -> str:
        return INVESTOR if stream.ranks_investors else DISTRICT

    def match(self, name: str, level: str) -> Match | None:
        unit = self._index[level].get(normalize_name(name))
        if unit is None:
            return None
        display = getattr(unit, "display_name", None) or str(unit)
        return Match(level, unit.id, display, bool(getattr(unit, "is_rural", False)))

    def suggestions(self, name: str, level: str) -> list[str]:
        """Known names most like `name`, for the message that asks for a decision."""
        return closest_names(name, self._names[level])
