"""From a parsed workbook to what would be written: matched, checked, compared with what is stored.

Nothing here writes. Errors and warnings go to the IssueList, each located at
its cell.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.figures import disbursement_ratio
from disbursement.importing import checks
from disbursement.importing.issues import IssueList
from disbursement.importing.matching import LEVEL_WORDS, Match, UnitMatcher
from disbursement.importing.parser import NSDP, NSTW, TOTAL, Line, ParsedWorkbook, Section
from disbursement.importing.plan_changes import PlanChange, by_source, changes_to_record, unit_plan_changes
from disbursement.importing.scope import Key, reference_snapshot
from disbursement.models import BudgetSource, CapitalStream, CityDisbursement, Snapshot
from disbursement.plans.selectors import allocations_in_force, city_plans_in_force
from disbursement.snapshots.selectors import unit_readings

# Which of a line's columns hold each budget source's figure: by source when the section splits them.
_SPLIT = ((BudgetSource.CENTRAL, NSTW), (BudgetSource.LOCAL, NSDP))
_UNSPLIT = ((BudgetSource.UNSPLIT, TOTAL),)


@dataclass(slots=True)
class Entry:
    """One unit's figures in one stream, by budget source code.

    Compact, as a file may list tens of thousands of units: the figures are read from the line when
    asked for, not copied.
    """

    section: Section
    line: Line
    stream: CapitalStream
    match: Match

    @property
    def plans(self) -> dict[str, int | None]:
        plan = self.line.plan
        return {code: plan.get(column) for code, column in (_SPLIT if self.section.split else _UNSPLIT)}

    @property
    def disbursed(self) -> dict[str, int]:
        disbursed = self.line.disbursed
        return {code: disbursed.get(column) or 0 for code, column in (_SPLIT if self.section.split else _UNSPLIT)}

    @property
    def investor_id(self) -> int | None:
        return self.match.investor_id

    @property
    def district_id(self) -> int | None:
        return self.match.district_id

    @property
    def key(self) -> Key:
        return (self.stream.id, self.match.investor_id, self.match.district_id)

    @property
    def line_sources(self) -> list[str]:
        """Sources that get a snapshot line: drop the all-zero parts of a split row (the last if all are)."""
        if not self.section.split:
            return [_UNSPLIT[0][0]]
        plan, disbursed = self.line.plan, self.line.disbursed
        return [code for code, column in _SPLIT if disbursed.get(column) or plan.get(column)] or [_SPLIT[-1][0]]


@dataclass(frozen=True, slots=True)
class StatedTotal:
    """A subtotal row of a section, as the file states it, for one source (None: all sources)."""

    stream: CapitalStream
    source_code: str | None
    disbursed: int | None
    plan: int | None
    ratio: Decimal | None
    sheet: str
    row: int


@dataclass
class Prepared:
    year: int
    as_of: dt.date
    entries: list[Entry]
    plan_changes: list[PlanChange]
    city_changes: list[tuple[str, str, int, dt.date]]
    city_disbursed: dict[str, int]
    subtotals: list[StatedTotal] = field(default_factory=list)
    # The current version of the date, which the import supersedes (kept).
    superseded: Snapshot | None = None
    # What the date reads now: its current version, else the latest earlier date.
    reference: Snapshot | None = None
    plans_in_force: dict[Key, int] = field(default_factory=dict)

    @property
    def states_city(self) -> bool:
        return bool(self.city_disbursed)


def prepare(parsed: ParsedWorkbook, issues: IssueList, as_of_given: dt.date | None) -> Prepared | None:
    as_of = as_of_given or parsed.as_of
    if as_of is None:
        issues.error(
            "date_missing",
            "Không tìm thấy ngày số liệu trong tiêu đề (ví dụ 'tính đến hết ngày 20/7/2024'); hãy nhập ngày số liệu.",
        )
        return None
    year = parsed.year or as_of.year
    checks.check_period(year, as_of, issues, None if as_of_given else parsed.as_of_position)
    if not parsed.sections and parsed.city is None:
        issues.error("no_data", "Không tìm thấy bảng số liệu giải ngân nào trong tệp.")
        return None

    superseded = Snapshot.objects.current().filter(year=year, as_of=as_of).first()
    previous = Snapshot.objects.current().filter(year=year, as_of__lt=as_of).order_by("-as_of", "-id").first()
    in_force: dict[Key, dict[str, int | None]] = defaultdict(dict)
    for alloc in allocations_in_force(year, as_of).filter(project__isnull=True).select_related("source"):
        in_force[(alloc.stream_id, alloc.investor_id, alloc.district_id)][alloc.source.code] = alloc.amount

    entries = _match_entries(parsed, UnitMatcher(as_of), issues)
    _check_entries(entries, in_force, previous, issues)
    for total_line, sections in parsed.grand_totals:
        checks.check_grand_total(total_line, sections, sections[0].unit if sections else parsed.unit or 1, issues)
    sources = {s.code: s for s in BudgetSource.objects.all()}
    prepared = Prepared(
        year=year,
        as_of=as_of,
        entries=entries,
        plan_changes=unit_plan_changes(entries, in_force, sources, year, as_of, issues),
        city_changes=[],
        city_disbursed={},
        subtotals=_stated_totals(parsed),
        superseded=superseded,
        reference=reference_snapshot(year, as_of),
        plans_in_force={k: sum(v for v in plans.values() if v is not None) for k, plans in in_force.items()},
    )
    if parsed.city is not None:
        _prepare_city(parsed, prepared, previous, issues)
    return prepared


def _match_entries(parsed: ParsedWorkbook, matcher: UnitMatcher, issues: IssueList) -> list[Entry]:
    streams = {s.code: s for s in CapitalStream.objects.all()}
    entries: list[Entry] = []
    seen: dict[Key, Line] = {}
    for section in parsed.sections:
        checks.check_subtotals(section, issues)
        stream = streams.get(section.stream_code) if section.stream_code else None
        for line in section.lines:
            checks.check_line(line, section.unit, section.split, issues)
            if stream is None:
                continue
            entry = _entry(section, line, stream, matcher, issues)
            if entry is None:
                continue
            if entry.key in seen:
                issues.error(
                    "duplicate_unit",
                    f"'{line.name}' xuất hiện hai lần trong dòng vốn {stream.name} "
                    f"(lần đầu ở dòng {seen[entry.key].row}).",
                    **_at_name(line),
                )
                continue
            seen[entry.key] = line
            entries.append(entry)
    return entries


def _at_name(line: Line) -> dict:
    return {"sheet": line.sheet, "row": line.row, "column": line.name_column}


def _entry(section: Section, line: Line, stream: CapitalStream, matcher: UnitMatcher, issues: IssueList):
    level = matcher.level_of(stream)
    match = matcher.match(line.name, level)
    if match is None and (former := matcher.divided(line.name, level)) is not None:
        issues.error(
            "ambiguous_name",
            f"'{line.name}' là tên cũ của {former.unit.display_name}, đã chia tách từ ngày "
            f"{former.changed_on:%d/%m/%Y} cho {', '.join(heir.display_name for heir in former.heirs)}: "
            "không biết số liệu thuộc đơn vị nào. Hãy ghi số liệu theo từng đơn vị mới.",
            **_at_name(line),
        )
        return None
    if match is None:
        near = matcher.candidates(line.name, level)
        hint = f" Tên gần giống: {', '.join(m.display_name for m in near[:3])}." if near else ""
        issues.error(
            "unknown_name",
            f"Không nhận ra {LEVEL_WORDS[level]} '{line.name}' (phần {section.label or section.title}).{hint} "
            "Trong phần xem trước, chọn đơn vị tương ứng (lưu thành tên gọi khác) hoặc tạo đơn vị mới.",
            **_at_name(line),
            detail={
                "name": line.name,
                "level": level,
                "stream": stream.code,
                "stream_name": stream.name,
                "candidates": [{"id": m.unit_id, "name": m.display_name} for m in near],
            },
        )
        return None
    if stream.rural_only and not stream.ranks_investors and not match.is_rural:
        issues.warning(
            "not_rural",
            f"{match.display_name} không phải huyện, xã vào ngày của số liệu, nhưng có tên trong phần "
            f"{stream.name} (chỉ dành cho các huyện, xã). Kiểm tra lại tên hoặc phần của dòng này.",
            **_at_name(line),
        )
    return Entry(section, line, stream, match)


def _check_entries(
    entries: list[Entry], in_force: dict[Key, dict[str, int | None]], previous: Snapshot | None, issues: IssueList
) -> None:
    """Each unit against its plan in force and its figure on the latest earlier date."""
    before = unit_readings(previous)
    for entry in entries:
        plans = in_force.get(entry.key, {})
        force_total = sum(v for v in plans.values() if v is not None) if plans else None
        earlier = before.get(entry.key)
        checks.check_against_history(
            name=entry.line.name,
            line=entry.line,
            unit=entry.section.unit,
            plan=entry.line.plan.get(TOTAL),
            disbursed=entry.line.disbursed.get(TOTAL),
            plan_in_force=force_total or None,
            previous_disbursed=earlier.disbursed if earlier else None,
            previous_date=(earlier.reported_on or previous.as_of) if earlier else None,
            issues=issues,
        )


def _stated_totals(parsed: ParsedWorkbook) -> list[StatedTotal]:
    """The sections' subtotal rows, kept with the report so the subtotal check runs on stored data."""
    streams = {s.code: s for s in CapitalStream.objects.all()}
    result: list[StatedTotal] = []
    seen: set[tuple[int, str | None]] = set()
    for section in parsed.sections:
        stream = streams.get(section.stream_code) if section.stream_code else None
        subtotal = section.subtotal
        if stream is None or subtotal is None:
            continue
        parts = [(None, TOTAL)]
        if section.split:
            parts += [(BudgetSource.CENTRAL, NSTW), (BudgetSource.LOCAL, NSDP)]
        for code, column_source in parts:
            disbursed = subtotal.disbursed.get(column_source)
            plan = subtotal.plan.get(column_source)
            if (disbursed is None and plan is None) or (stream.id, code) in seen:
                continue
            seen.add((stream.id, code))
            ratio = _in_percent(subtotal.ratio, disbursed, plan) if code is None else None
            result.append(StatedTotal(stream, code, disbursed, plan, ratio, subtotal.sheet, subtotal.row))
    return result


def _in_percent(ratio: Decimal | None, disbursed: int | None, plan: int | None) -> Decimal | None:
    """A cell formatted as a percentage holds the fraction (0,2944 for 29,44%): keep it in percent."""
    actual = disbursement_ratio(disbursed, plan)
    if ratio is None or actual is None:
        return ratio
    return ratio * 100 if abs(ratio * 100 - actual) < abs(ratio - actual) else ratio


def _prepare_city(parsed: ParsedWorkbook, prepared: Prepared, previous: Snapshot | None, issues: IssueList) -> None:
    city = parsed.city
    city_in_force = city_plans_in_force(prepared.year, prepared.as_of)
    previous_city = None
    if previous is not None:
        previous_city = sum(c.disbursed for c in CityDisbursement.objects.filter(snapshot=previous)) or None
    checks.check_city(
        city,
        plans_in_force=city_in_force,
        previous_disbursed=previous_city,
        previous_date=previous.as_of if previous else None,
        issues=issues,
    )
    for level, figures in city.plans.items():
        wanted = by_source({k: f.amount for k, f in figures.items()}, city.split)
        for code, amount, effective in changes_to_record(
            city_in_force.get(level, {}), wanted, prepared.year, prepared.as_of
        ):
            prepared.city_changes.append((level, code, amount, effective))
    prepared.city_disbursed = by_source({k: f.amount for k, f in city.disbursed.items()}, city.split)
