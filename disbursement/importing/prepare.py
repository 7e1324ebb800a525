"""From the lines a workbook's reader hands on to what would be written: matched, checked, compared with what
is stored, line by line as they are read (Checker), keeping only compact rows (EntryRows) and running totals.

Nothing here writes. Errors and warnings go to the IssueList, each located at
its cell.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from core.figures import disbursement_ratio
from disbursement.importing import checks
from disbursement.importing.issues import IssueList
from disbursement.importing.matching import DISTRICT, INVESTOR, LEVEL_WORDS, Match, UnitMatcher
from disbursement.importing.parser import NSDP, NSTW, TOTAL, Dates, Line, ParsedWorkbook, Section
from disbursement.importing.plan_changes import (
    PlanChange,
    by_source,
    changes_to_record,
    entry_plan_changes,
    unit_plan_changes,
)
from disbursement.importing.scope import Key, reference_snapshot
from disbursement.models import BudgetSource, CapitalStream, CityDisbursement, Snapshot
from disbursement.plans.selectors import allocations_in_force, city_plans_in_force
from disbursement.snapshots.selectors import unit_readings

# Which of a line's columns hold each budget source's figure: by source when the section splits them.
_SPLIT = ((BudgetSource.CENTRAL, NSTW), (BudgetSource.LOCAL, NSDP))
_UNSPLIT = ((BudgetSource.UNSPLIT, TOTAL),)
# The column sources a line's figures are kept under, in EntryRows' order.
_COLUMN_ORDER = (TOTAL, NSTW, NSDP)
# A ratio as a snapshot line stores it.
STORED_RATIO = Decimal("0.0001")


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


_NONE = -(1 << 63)  # no value, in a column of EntryRows
_RATIO_SCALE = 4  # a stored ratio's places (STORED_RATIO): kept as an integer of ten-thousandths
_NARROW = ("section", "row", "investor", "district")


@dataclass(slots=True)
class _Values:
    """What a stored entry still has of its line: its figures by column source, its cell and printed ratio."""

    sheet: str
    row: int
    plan: dict[str, int | None]
    disbursed: dict[str, int | None]
    ratio: Decimal | None
    name: str = ""


def _packed(key: Key) -> int:
    """A unit key as one integer: a set of them takes a third of a set of tuples. Ids below 2**25 (and stream
    ids below 2**10) give an integer below 2**60, the smallest Python keeps; larger ids a larger one, the
    two never equal."""
    stream_id, investor_id, district_id = key
    investor_id, district_id = investor_id or 0, district_id or 0
    if stream_id < 1 << 10 and investor_id < 1 << 25 and district_id < 1 << 25:
        return (stream_id << 50) | (investor_id << 25) | district_id
    return (1 << 200) | (stream_id << 128) | (investor_id << 64) | district_id


class EntryRows:
    """The entries of a file, column by column in arrays of integers: about 90 bytes a unit where the parsed
    lines took 1.5 KB. Iterating gives each entry back (a fresh Entry with the figures the checks read); the
    keys are a set, to refuse a unit listed twice and to tell what the file covers. Amounts are exact integer
    đồng (at most MAX_DONG); an absent figure is _NONE."""

    _COLUMNS = ("section", "row", "investor", "district", "ratio", *(f"{k}{c}" for k in "pd" for c in _COLUMN_ORDER))

    def __init__(self) -> None:
        self._sections: list[tuple[Section, CapitalStream]] = []
        self._section_index: dict[int, int] = {}
        self._district_names: dict[int, str] = {}
        # Section indexes, row numbers (a sheet has at most 1,048,576 rows) and ids in 32 bits, an id that does
        # not fit widening its column to 64; amounts and ratios in 64.
        self._columns = {name: array("I" if name in _NARROW else "q") for name in self._COLUMNS}
        self._keys: set[int] = set()
        self._rows_by_key: dict[int, int] | None = None
        # Running totals for the preview: per section (in order first met), lines and budget sources written.
        self.section_totals: list[dict] = []
        self.lines = 0
        self.source_codes: set[str] = set()

    def __len__(self) -> int:
        return len(self._columns["row"])

    def __contains__(self, key: Key) -> bool:
        return _packed(key) in self._keys

    @property
    def streams(self) -> dict[int, CapitalStream]:
        return {stream.id: stream for _section, stream in self._sections}

    def first_row(self, key: Key) -> int | None:
        """The row of the entry with `key`, to name it in a message: by an index of every key's row, made when
        the first unit listed twice is met (a file pasted twice lists every unit twice) and kept up to date."""
        if self._rows_by_key is None:
            columns = self._columns
            self._rows_by_key = {
                _packed((self._sections[section][1].id, investor or None, district or None)): row
                for section, investor, district, row in zip(
                    columns["section"], columns["investor"], columns["district"], columns["row"], strict=True
                )
            }
        return self._rows_by_key.get(_packed(key))

    def add(self, entry: Entry) -> bool:
        """Keep `entry`; False (not kept) when its unit is already listed in its stream."""
        packed = _packed(entry.key)
        if packed in self._keys:
            return False
        self._keys.add(packed)
        if self._rows_by_key is not None:
            self._rows_by_key[packed] = entry.line.row
        section_id = id(entry.section)
        index = self._section_index.get(section_id)
        if index is None:
            index = self._section_index[section_id] = len(self._sections)
            self._sections.append((entry.section, entry.stream))
            self.section_totals.append(
                {
                    "stream": entry.stream.code,
                    "stream_name": entry.stream.name,
                    "label": entry.section.label,
                    "units": 0,
                    "plan": 0,
                    "disbursed": 0,
                }
            )
        totals = self.section_totals[index]
        totals["units"] += 1
        totals["plan"] += sum(v or 0 for v in entry.plans.values())
        totals["disbursed"] += sum(entry.disbursed.values())
        sources = entry.line_sources
        self.lines += len(sources)
        self.source_codes.update(sources)
        match, line, columns = entry.match, entry.line, self._columns
        if match.district_id is not None:
            self._district_names.setdefault(match.district_id, match.display_name)
        ratio = stored_ratio(line.ratio)
        for name, value in (
            ("section", index),
            ("row", line.row),
            ("investor", match.investor_id or 0),
            ("district", match.district_id or 0),
        ):
            try:
                columns[name].append(value)
            except OverflowError:
                columns[name] = array("q", columns[name])
                columns[name].append(value)
        columns["ratio"].append(_NONE if ratio is None else int(ratio.scaleb(_RATIO_SCALE)))
        for kind, values in (("p", line.plan), ("d", line.disbursed)):
            for column in _COLUMN_ORDER:
                value = values.get(column)
                columns[f"{kind}{column}"].append(_NONE if value is None else value)
        return True

    def __iter__(self) -> Iterator[Entry]:
        columns = [self._columns[name] for name in self._COLUMNS]
        sections, names = self._sections, self._district_names
        none, scale = _NONE, -_RATIO_SCALE
        for section_index, row, investor, district, ratio, pt, pc, pl, dx, dc, dl in zip(*columns, strict=True):
            section, stream = sections[section_index]
            values = _Values(
                section.sheet,
                row,
                {TOTAL: None if pt == none else pt, NSTW: None if pc == none else pc, NSDP: None if pl == none else pl},
                {TOTAL: None if dx == none else dx, NSTW: None if dc == none else dc, NSDP: None if dl == none else dl},
                None if ratio == none else Decimal(ratio).scaleb(scale),
            )
            if investor:
                match = Match(INVESTOR, investor, None, False)
            else:
                match = Match(DISTRICT, district, names.get(district, ""), False)
            yield Entry(section, values, stream, match)


def stored_ratio(ratio: Decimal | None) -> Decimal | None:
    """A printed ratio as a snapshot line stores it: four places, None when too large for the column."""
    if ratio is None:
        return None
    value = ratio.quantize(STORED_RATIO)
    return value if abs(value) < Decimal("99999999") else None


@dataclass
class Prepared:
    year: int
    as_of: dt.date
    entries: EntryRows
    # The unit plan revisions the file makes: how many, the earliest date they take effect (made again, from the
    # entries and the plans in force, when they are written: plan_changes()).
    plan_revisions: int
    earliest_plan_change: dt.date | None
    city_changes: list[tuple[str, str, int, dt.date]]
    city_disbursed: dict[str, int]
    subtotals: list[StatedTotal] = field(default_factory=list)
    # The current version of the date, which the import supersedes (kept).
    superseded: Snapshot | None = None
    # What the date reads now: its current version, else the latest earlier date.
    reference: Snapshot | None = None
    in_force: dict[Key, dict[str, int | None]] = field(default_factory=dict)
    sources: dict[str, BudgetSource] = field(default_factory=dict)

    @property
    def states_city(self) -> bool:
        return bool(self.city_disbursed)

    @property
    def plans_in_force(self) -> dict[Key, int]:
        return {k: sum(v for v in plans.values() if v is not None) for k, plans in self.in_force.items()}

    def plan_changes(self) -> Iterator[PlanChange]:
        return unit_plan_changes(self.entries, self.in_force, self.sources, self.year, self.as_of)


class Checker:
    """Matches and checks each unit line as the reader hands it on (parse_workbook's sink), keeping only the
    compact EntryRows; what needs the whole file (subtotals, grand totals, the city sheet) is checked at the end
    from the sections' running totals. Lines read before the title block settles the date are held until it
    does (or to the end of the file)."""

    def __init__(self, issues: IssueList, as_of_given: dt.date | None):
        self.issues = issues
        self.as_of_given = as_of_given
        self.pending: list[tuple[Section, Line]] | None = []
        self.entries = EntryRows()
        self.plan_revisions = 0
        self.earliest_plan_change: dt.date | None = None

    def __call__(self, section: Section, line: Line, dates: Dates | None) -> None:
        if self.pending is not None:
            if dates is None:
                self.pending.append((section, line))
                return
            self._start(self.as_of_given or dates.as_of, dates.year, None if self.as_of_given else dates.as_of_position)
        self._take(section, line)

    def _start(self, as_of: dt.date, year: int, position) -> None:
        self.as_of, self.year = as_of, year
        checks.check_period(year, as_of, self.issues, position)
        self.superseded = Snapshot.objects.current().filter(year=year, as_of=as_of).first()
        self.previous = Snapshot.objects.current().filter(year=year, as_of__lt=as_of).order_by("-as_of", "-id").first()
        in_force: dict[Key, dict[str, int | None]] = defaultdict(dict)
        for alloc in allocations_in_force(year, as_of).filter(project__isnull=True).select_related("source"):
            in_force[(alloc.stream_id, alloc.investor_id, alloc.district_id)][alloc.source.code] = alloc.amount
        self.in_force = dict(in_force)
        self.matcher = UnitMatcher(as_of)
        self.streams = {s.code: s for s in CapitalStream.objects.all()}
        self.before = unit_readings(self.previous)
        pending, self.pending = self.pending or [], None
        for section, line in pending:
            self._take(section, line)

    def _take(self, section: Section, line: Line) -> None:
        issues = self.issues
        checks.check_line(line, section.unit, section.split, issues)
        stream = self.streams.get(section.stream_code) if section.stream_code else None
        if stream is None:
            return
        entry = _entry(section, line, stream, self.matcher, issues)
        if entry is None:
            return
        if entry.key in self.entries:
            issues.error(
                "duplicate_unit",
                f"'{line.name}' xuất hiện hai lần trong dòng vốn {stream.name} "
                f"(lần đầu ở dòng {self.entries.first_row(entry.key)}).",
                **_at_name(line),
            )
            return
        self._check_history(entry)
        for _code, _amount, effective in entry_plan_changes(entry, self.in_force, self.year, self.as_of, issues):
            self.plan_revisions += 1
            if self.earliest_plan_change is None or effective < self.earliest_plan_change:
                self.earliest_plan_change = effective
        self.entries.add(entry)

    def _check_history(self, entry: Entry) -> None:
        """The unit against its plan in force and its figure on the latest earlier date."""
        plans = self.in_force.get(entry.key, {})
        force_total = sum(v for v in plans.values() if v is not None) if plans else None
        earlier = self.before.get(entry.key)
        checks.check_against_history(
            name=entry.line.name,
            line=entry.line,
            unit=entry.section.unit,
            plan=entry.line.plan.get(TOTAL),
            disbursed=entry.line.disbursed.get(TOTAL),
            plan_in_force=force_total or None,
            previous_disbursed=earlier.disbursed if earlier else None,
            previous_date=(earlier.reported_on or self.previous.as_of) if earlier else None,
            issues=self.issues,
        )

    def finish(self, parsed: ParsedWorkbook) -> Prepared | None:
        """What the whole file gives, once read: None when it cannot be checked (no date, no table)."""
        issues = self.issues
        if self.pending is not None:
            as_of = self.as_of_given or parsed.as_of
            if as_of is None:
                issues.error(
                    "date_missing",
                    "Không tìm thấy ngày số liệu trong tiêu đề (ví dụ 'tính đến hết ngày 20/7/2024'); "
                    "hãy nhập ngày số liệu.",
                )
                return None
            self._start(as_of, parsed.year or as_of.year, None if self.as_of_given else parsed.as_of_position)
        self.matcher = None  # the master data's index is no longer needed
        if not parsed.sections and parsed.city is None:
            issues.error("no_data", "Không tìm thấy bảng số liệu giải ngân nào trong tệp.")
            return None
        for section in parsed.sections:
            checks.check_subtotals(section, issues)
        for total_line, sections in parsed.grand_totals:
            checks.check_grand_total(total_line, sections, sections[0].unit if sections else parsed.unit or 1, issues)
        prepared = Prepared(
            year=self.year,
            as_of=self.as_of,
            entries=self.entries,
            plan_revisions=self.plan_revisions,
            earliest_plan_change=self.earliest_plan_change,
            city_changes=[],
            city_disbursed={},
            subtotals=_stated_totals(parsed),
            superseded=self.superseded,
            reference=reference_snapshot(self.year, self.as_of),
            in_force=self.in_force,
            sources={s.code: s for s in BudgetSource.objects.all()},
        )
        if parsed.city is not None:
            _prepare_city(parsed, prepared, self.previous, issues)
        return prepared


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
