"""Registered quarterly schedules (đăng ký tiến độ giải ngân hàng quý), across successions.

A unit's schedule is what it registered for each quarter of the year in a stream. A unit that took over
others by merger and has registered nothing of its own for the year is held to the sum of what its
predecessors registered, and says so: the one function the flags and the unit page read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core.fiscal import quarter_end
from core.succession import Successions
from disbursement.models import QuarterlySchedule
from districts.selectors import district_successions
from investors.selectors import investor_successions

UnitKey = tuple  # (stream_id, investor_id, district_id)


@dataclass
class Schedule:
    """Registered amounts by quarter (đồng); `predecessors` (ids, of the unit's kind) when they are theirs."""

    quarters: dict[int, int] = field(default_factory=dict)
    predecessors: tuple[int, ...] = ()

    @property
    def inherited(self) -> bool:
        return bool(self.predecessors)

    @property
    def total(self) -> int:
        return sum(self.quarters.values())

    def due_by(self, year: int, day: dt.date) -> tuple[int, int] | None:
        """(amount registered for the quarters ended by `day`, the last of them); None before the first."""
        ended = [q for q in sorted(self.quarters) if quarter_end(year, q) <= day]
        if not ended:
            return None
        return sum(self.quarters[q] for q in ended), ended[-1]


def quarterly_schedules(year: int, day: dt.date) -> dict[UnitKey, Schedule]:
    """Every unit's schedule of the year in each stream, as it stands on `day`.

    A unit's own registrations make its schedule. A unit merged into another by `day` passes its
    registrations to the unit holding it; that unit, if it registered nothing for the year in the stream,
    is held to their sum (marked with the predecessors). Registrations of a unit split or transferred away
    pass to nobody: its successors' shares are not known.
    """
    return _schedules(QuarterlySchedule.objects.filter(year=year), day)


def unit_schedule(year: int, day: dt.date, stream_id: int, *, investor_id=None, district_id=None) -> Schedule | None:
    """One unit's schedule in a stream on `day` (as quarterly_schedules gives it), or None when it has none."""
    successions = investor_successions() if investor_id is not None else district_successions()
    unit = investor_id if investor_id is not None else district_id
    units, queue = {unit}, [unit]
    while queue:
        for link in successions.incoming.get(queue.pop(), ()):
            if link.predecessor not in units:
                units.add(link.predecessor)
                queue.append(link.predecessor)
    rows = QuarterlySchedule.objects.filter(year=year, stream_id=stream_id)
    rows = rows.filter(investor_id__in=units) if investor_id is not None else rows.filter(district_id__in=units)
    given = {"investors": successions} if investor_id is not None else {"districts": successions}
    found = _schedules(rows, day, **given)
    return found.get((stream_id, investor_id, district_id))


def _schedules(
    rows, day: dt.date, *, investors: Successions | None = None, districts: Successions | None = None
) -> dict[UnitKey, Schedule]:
    own: dict[UnitKey, dict[int, int]] = defaultdict(dict)
    for stream_id, investor_id, district_id, quarter, amount in rows.values_list(
        "stream_id", "investor_id", "district_id", "quarter", "amount"
    ):
        own[(stream_id, investor_id, district_id)][quarter] = amount
    schedules = {key: Schedule(dict(quarters)) for key, quarters in own.items()}
    passed: dict[UnitKey, dict[int, dict[int, int]]] = defaultdict(dict)
    for key, quarters in own.items():
        stream_id, investor_id, district_id = key
        if investor_id is not None:
            investors = investors or investor_successions()
            unit, holder = investor_id, investors.holder_on(investor_id, day)
            new_key = (stream_id, holder, None)
        else:
            districts = districts or district_successions()
            unit, holder = district_id, districts.holder_on(district_id, day)
            new_key = (stream_id, None, holder)
        if holder is not None and holder != unit:
            passed[new_key][unit] = quarters
    for key, by_predecessor in passed.items():
        if key in own:
            continue
        total: dict[int, int] = defaultdict(int)
        for quarters in by_predecessor.values():
            for quarter, amount in quarters.items():
                total[quarter] += amount
        schedules[key] = Schedule(dict(total), tuple(sorted(by_predecessor)))
    return schedules


def own_schedules(year: int, stream_id: int, *, investor_ids=(), district_ids=()) -> dict[int, Schedule]:
    """The units' own registrations (no predecessors' sum), by unit id, for those that registered."""
    rows = QuarterlySchedule.objects.filter(year=year, stream_id=stream_id)
    rows = rows.filter(investor_id__in=investor_ids) if investor_ids else rows.filter(district_id__in=district_ids)
    found: dict[int, Schedule] = {}
    for investor_id, district_id, quarter, amount in rows.values_list(
        "investor_id", "district_id", "quarter", "amount"
    ):
        found.setdefault(investor_id or district_id, Schedule()).quarters[quarter] = amount
    return found
