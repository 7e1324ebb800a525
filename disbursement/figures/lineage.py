"""Units across their successions, for the compute (the rules are core.succession's).

- On a date, a unit's plans and reports are held by the unit valid then: a department merged on
  1/3/2025 has its plans and its last report counted under its successor afterwards; a district
  split into communes on 1/7/2025 is not listed after that date (its communes report anew).
  A successor's own plan in force from the merger on (recorded then, or the plan of a unit formed
  by it) is its whole plan: the predecessors' plans are then no longer added to it (a file states
  the merged unit's plan as one figure).
- A unit is compared with an earlier snapshot over its predecessors when every change in between is
  a merge, and is not compared ("không so sánh được") after a split or a partial transfer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from core.succession import Lineage, Successions
from districts.selectors import district_successions
from investors.selectors import investor_successions

UnitKey = tuple  # (investor_id, district_id)


@dataclass(frozen=True)
class UnitChanges:
    investors: Successions
    districts: Successions

    @classmethod
    def read(cls) -> UnitChanges:
        return cls(investor_successions(), district_successions())

    def __bool__(self) -> bool:
        return bool(self.investors) or bool(self.districts)

    def holder(self, unit: UnitKey, day: dt.date) -> UnitKey | None:
        """The (investor_id, district_id) that holds `unit`'s figures on `day`; None when nothing does."""
        investor_id, district_id = unit
        if investor_id is not None:
            investor_id = self.investors.holder_on(investor_id, day)
            if investor_id is None:
                return None
        if district_id is not None:
            district_id = self.districts.holder_on(district_id, day)
            if district_id is None:
                return None
        return investor_id, district_id

    def passed_on(self, unit: UnitKey, day: dt.date) -> dt.date | None:
        """The date `unit`'s figures passed to the unit holding them on `day`; None when it holds them itself."""
        investor_id, district_id = unit
        dates = [
            successions.passed_on(unit_id, day)
            for successions, unit_id in ((self.investors, investor_id), (self.districts, district_id))
            if unit_id is not None
        ]
        dates = [d for d in dates if d is not None]
        return max(dates) if dates else None

    def started_on(self, unit: UnitKey) -> dt.date | None:
        """The first day of the unit's validity (the later of its investor's and its district's)."""
        investor_id, district_id = unit
        starts = [
            successions.validity.get(unit_id, (None, None))[0]
            for successions, unit_id in ((self.investors, investor_id), (self.districts, district_id))
            if unit_id is not None
        ]
        starts = [d for d in starts if d is not None]
        return max(starts) if starts else None

    def lineage(self, unit: UnitKey, today: dt.date, since: dt.date) -> tuple[list[UnitKey], bool]:
        """The units whose figures on `since` make up `unit`'s on `today`, and whether they compare."""
        investor_id, district_id = unit
        if investor_id is not None and district_id is None:
            found: Lineage = self.investors.lineage(investor_id, today, since)
            return [(i, None) for i in sorted(found.units)], found.comparable
        if district_id is not None and investor_id is None:
            found = self.districts.lineage(district_id, today, since)
            return [(None, d) for d in sorted(found.units)], found.comparable
        return [unit], True


def rekeyed(
    values: dict[tuple, object], day: dt.date, changes: UnitChanges, add: Callable, *, keep_unheld: bool = False
) -> dict[tuple, object]:
    """`values` keyed (..., investor_id, district_id) moved to the units holding them on `day`.

    Values landing on one key are combined with `add`; those of units held by none are left out, or kept
    under their own key with `keep_unheld` (a line stated for that unit on the date).
    """
    if not changes:
        return values
    moved: dict[tuple, object] = {}
    for key, value in values.items():
        holder = changes.holder(key[-2:], day)
        if holder is None:
            if not keep_unheld:
                continue
            holder = key[-2:]
        new_key = (*key[:-2], *holder)
        moved[new_key] = value if new_key not in moved else add(moved[new_key], value)
    return moved


def related_units(unit: UnitKey, changes: UnitChanges | None = None) -> tuple[list[tuple], list[tuple]]:
    """(predecessors, successors) of a unit, each (UnitKey, kind, effective date), nearest first.

    Predecessors are followed back through every succession (a district merged into a city district
    merged later into a commune); successors forward likewise.
    """
    changes = changes or UnitChanges.read()
    investor_id, district_id = unit
    if investor_id is not None and district_id is None:
        successions, wrap = changes.investors, lambda u: (u, None)
        start = investor_id
    elif district_id is not None and investor_id is None:
        successions, wrap = changes.districts, lambda u: (None, u)
        start = district_id
    else:
        return [], []

    def walk(direction: str) -> list[tuple]:
        found, seen, queue = [], {start}, [start]
        while queue:
            current = queue.pop(0)
            links = successions.incoming if direction == "back" else successions.outgoing
            for link in sorted(links.get(current, ()), key=lambda lk: lk.effective, reverse=direction == "back"):
                other = link.predecessor if direction == "back" else link.successor
                if other in seen:
                    continue
                seen.add(other)
                found.append((wrap(other), link.kind, link.effective))
                queue.append(other)
        return found

    return walk("back"), walk("forward")
