"""Successions of units over time, and what they allow to compare.

Local units and investors change: districts merge into a city district, the
district level is abolished and communes take its capital, departments merge
into one. A succession links a predecessor to a successor from a date; its
kind says how much of the predecessor passed:

- merge (sáp nhập, also a change of name or kind): the whole predecessor
  passed to one successor, possibly with other predecessors, and ended;
- split (chia tách): the predecessor was divided among several successors;
- transfer (điều chuyển một phần): a part of the predecessor passed to the
  successor, and the predecessor may go on.

A unit's figure on an earlier date is comparable with its figure today when
every change in between is a merge: the earlier figure is then the sum of
its predecessors' figures. A split or a partial transfer makes the earlier
figure a different perimeter: "không so sánh được", never a wrong change.

Pure data in, data out: the apps read their successions and validity dates
and pass them here, so core imports no app.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

NOT_COMPARABLE = "không so sánh được"


class SuccessionKind(models.TextChoices):
    MERGE = "merge", "sáp nhập"
    SPLIT = "split", "chia tách"
    TRANSFER = "transfer", "điều chuyển một phần"


class Succession(models.Model):
    """The fields and wording a succession has, whichever kind of unit it links.

    Each app adds its own predecessor and successor keys to its units.
    """

    kind = models.CharField("hình thức", max_length=20, choices=SuccessionKind.choices)
    effective_from = models.DateField("có hiệu lực từ ngày")
    note = models.CharField("căn cứ, ghi chú", max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()}, {self.effective_from:%d/%m/%Y})"


class ComparisonBasis(models.TextChoices):
    """What an earlier figure a unit is compared with is made of."""

    SAME_UNIT = "", "cùng đơn vị"
    PREDECESSORS = "predecessors", "cộng các đơn vị trước sắp xếp"
    NOT_COMPARABLE = "not_comparable", NOT_COMPARABLE


@dataclass(frozen=True, slots=True)
class Link:
    predecessor: int
    successor: int
    kind: str
    # The first day the successor holds what passed.
    effective: dt.date


@dataclass(frozen=True, slots=True)
class Lineage:
    """The units whose figures on an earlier date make up a unit's figure today."""

    units: frozenset[int]
    comparable: bool

    @property
    def basis(self) -> str:
        if not self.comparable:
            return ComparisonBasis.NOT_COMPARABLE
        return ComparisonBasis.SAME_UNIT if len(self.units) <= 1 else ComparisonBasis.PREDECESSORS


Validity = tuple[dt.date | None, dt.date | None]


def _walk(start: int, step: Callable[[int], Iterable[int]]) -> None:
    """Visit `start` and every unit `step` leads to from a visited unit, each once (`step` does the work)."""
    seen: set[int] = set()
    stack = [start]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(step(current))


def _valid(validity: Validity | None, day: dt.date) -> bool:
    if validity is None:
        return True
    start, end = validity
    return (start is None or start <= day) and (end is None or day <= end)


class Successions:
    """The succession links of one kind of unit (local units or investors), with their validity dates."""

    def __init__(self, links: Iterable[Link], validity: dict[int, Validity] | None = None):
        self.validity = validity or {}
        self.incoming: dict[int, list[Link]] = defaultdict(list)
        self.outgoing: dict[int, list[Link]] = defaultdict(list)
        for link in links:
            self.incoming[link.successor].append(link)
            self.outgoing[link.predecessor].append(link)

    def __bool__(self) -> bool:
        return bool(self.incoming)

    def is_valid_on(self, unit: int, day: dt.date) -> bool:
        return _valid(self.validity.get(unit), day)

    def lineage(self, unit: int, today: dt.date, since: dt.date) -> Lineage:
        """What `unit`'s figure of `today` is compared with on the earlier date `since`.

        Walks back over the links effective after `since` (up to `today`): merges bring in their
        predecessors; any split or partial transfer, into or out of a unit on the way, makes the
        comparison impossible. A unit counts itself when it was valid on `since`.
        """
        units: set[int] = set()
        comparable = True

        def back(current: int) -> list[int]:
            nonlocal comparable
            window_in = [link for link in self.incoming.get(current, ()) if since < link.effective <= today]
            window_out = [link for link in self.outgoing.get(current, ()) if since < link.effective <= today]
            if any(link.kind != SuccessionKind.MERGE for link in window_in + window_out):
                comparable = False
            if len(window_out) > 1:
                # Merged into more than one unit: its earlier figure is shared, i.e. split.
                comparable = False
            if self.is_valid_on(current, since):
                units.add(current)
            return [link.predecessor for link in window_in]

        _walk(unit, back)
        return Lineage(frozenset(units), comparable)

    def holder_on(self, unit: int, day: dt.date) -> int | None:
        """The unit that holds `unit`'s figures on `day`.

        Itself while valid, or when nothing of it has passed to another unit by then (a unit that ended
        without a recorded succession keeps its own figures); else the unit it merged into, followed
        through later merges; None when it was split or transferred away (its successors report anew).
        """
        seen: set[int] = set()
        current = unit
        while current not in seen:
            seen.add(current)
            if self.is_valid_on(current, day):
                return current
            passed = [link for link in self.outgoing.get(current, ()) if link.effective <= day]
            if not passed:
                return current
            if len(passed) != 1 or passed[0].kind != SuccessionKind.MERGE:
                return None
            current = passed[0].successor
        return None

    def heirs_on(self, unit: int, day: dt.date) -> frozenset[int]:
        """Every unit that holds a part of `unit`'s figures on `day`, following every link in effect by then.

        Itself while valid (or when nothing of it passed); one unit for a chain of merges (holder_on), several
        when it was split or parts of it were transferred: an old name of it then says not which.
        """
        heirs: set[int] = set()

        def forward(current: int) -> list[int]:
            passed = [link for link in self.outgoing.get(current, ()) if link.effective <= day]
            if self.is_valid_on(current, day) or not passed:
                heirs.add(current)
                return []
            return [link.successor for link in passed]

        _walk(unit, forward)
        return frozenset(heirs)

    def passed_on(self, unit: int, day: dt.date) -> dt.date | None:
        """The date `unit`'s figures last passed to another unit by `day` (the last merge followed by
        holder_on); None while it holds its own."""
        seen: set[int] = set()
        current, passed_on = unit, None
        while current not in seen:
            seen.add(current)
            if self.is_valid_on(current, day):
                return passed_on
            passed = [link for link in self.outgoing.get(current, ()) if link.effective <= day]
            if len(passed) != 1 or passed[0].kind != SuccessionKind.MERGE:
                return passed_on
            current, passed_on = passed[0].successor, passed[0].effective
        return passed_on

    def changes_between(self, start: dt.date, end: dt.date) -> list[Link]:
        """The links effective from `start` to `end`, in date order."""
        links = [link for group in self.outgoing.values() for link in group if start <= link.effective <= end]
        return sorted(links, key=lambda link: (link.effective, link.predecessor, link.successor))


@dataclass(frozen=True, slots=True)
class FormerUnit:
    """A unit (investor or local unit) that ended before a date and passed on, as files may still name it then.

    `holder` is the one unit that took the whole of it (through mergers, a change of name or kind); None
    when it was split or transferred in parts: `heirs` are then the units its old name may stand for.
    """

    unit: Any
    holder: Any | None
    heirs: tuple
    changed_on: dt.date
