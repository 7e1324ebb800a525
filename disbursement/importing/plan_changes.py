"""Plan figures stated in a file, compared with the plans in force.

A file that states a unit's or the city's plan differently from the plan in
force records a revision (điều chỉnh) taking effect on the file's date; a plan
stated for the first time takes effect on 1 January.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from core.fiscal import year_start
from disbursement.importing.issues import IssueList
from disbursement.importing.parser import NSDP, NSTW, TOTAL, Line
from disbursement.models import BudgetSource, CapitalStream


@dataclass(slots=True)
class PlanChange:
    """One revision to record. Compact, as a large first import makes one per unit and source: the note
    is made from the file's line when it is written."""

    stream: CapitalStream
    source: BudgetSource
    investor_id: int | None
    district_id: int | None
    amount: int
    effective_from: dt.date
    line: Line

    @property
    def note(self) -> str:
        return f"Theo tệp {self.line.sheet}, dòng {self.line.row}"


def by_source(values: dict[str, int], split: bool) -> dict[str, int]:
    if split:
        return {BudgetSource.CENTRAL: values.get(NSTW, 0), BudgetSource.LOCAL: values.get(NSDP, 0)}
    if TOTAL in values:
        return {BudgetSource.UNSPLIT: values[TOTAL]}
    return {BudgetSource.UNSPLIT: sum(values.values())} if values else {}


def changes_to_record(existing: dict[str, int | None], wanted: dict[str, int | None], year: int, as_of: dt.date):
    """(source code, amount, effective_from) to record so the plan in force matches the file.

    A plan recorded for the first time takes effect on 1 January; a later
    difference takes effect on the as-of date. When the file splits sources
    differently from the plan in force, a changed total is recorded on the
    existing basis if it is a single source, and otherwise left alone.
    """
    known = {code: amount for code, amount in existing.items() if amount is not None}
    wanted = {code: amount for code, amount in wanted.items() if amount is not None}
    if not wanted:
        return []
    if not known:
        return [(code, amount, year_start(year)) for code, amount in wanted.items() if amount or len(wanted) == 1]
    if set(wanted) >= set(known):
        return [
            (code, amount, as_of if code in known else year_start(year))
            for code, amount in wanted.items()
            if known.get(code) != amount and (code in known or amount)
        ]
    total = sum(wanted.values())
    if total != sum(known.values()) and len(known) == 1:
        return [(next(iter(known)), total, as_of)]
    return []


def unit_plan_changes(
    entries: Iterable, in_force: dict, sources: dict[str, BudgetSource], year: int, as_of: dt.date
) -> Iterator[PlanChange]:
    """The revisions that make each listed unit's plan in force match the file, made as they are taken."""
    dates: dict[dt.date, dt.date] = {}
    for entry in entries:
        for code, amount, effective in entry_plan_changes(entry, in_force, year, as_of):
            # One date object per distinct date, however many changes share it.
            effective = dates.setdefault(effective, effective)
            unit = (entry.investor_id, entry.district_id)
            yield PlanChange(entry.stream, sources[code], *unit, amount, effective, entry.line)


def entry_plan_changes(
    entry, in_force: dict, year: int, as_of: dt.date, issues: IssueList | None = None
) -> list[tuple[str, int, dt.date]]:
    """(source code, amount, effective_from) to record for one listed unit; with `issues`, a plan the file
    states on another basis than the plan in force is warned of at its cell."""
    existing = in_force.get((entry.stream.id, entry.investor_id, entry.district_id), {})
    plans = entry.plans
    found = changes_to_record(existing, plans, year, as_of)
    if issues is not None and existing and not found:
        wanted_sources = {c for c, a in plans.items() if a is not None}
        known_sources = {c for c, a in existing.items() if a is not None}
        if known_sources and not wanted_sources >= known_sources and len(known_sources) > 1:
            total = sum(a for a in plans.values() if a is not None)
            if total != sum(existing[c] for c in known_sources):
                issues.warning(
                    "plan_basis_differs",
                    f"Kế hoạch của '{entry.line.name}' trong tệp không tách nguồn như kế hoạch đang có hiệu lực: "
                    "không ghi nhận điều chỉnh kế hoạch từ tệp này.",
                    sheet=entry.line.sheet,
                    row=entry.line.row,
                    column=entry.line.columns.get(("plan", TOTAL)),
                )
    return found
