"""Evaluate the flag rules on a snapshot and keep each flag's episode up to date.

A flag is one episode of a rule's condition for one unit (or a stream, or the city): a run of
consecutive evaluated snapshot dates on which the condition holds. Evaluating a date decides only
whether each condition holds on that date, and with which figure and text; the episodes are then the
runs of dates on which it holds, and the rows that already stand for them are updated, never
recreated, so a flag keeps its id through recomputes, new versions of a date's snapshot and
snapshots that arrive out of date order:

- a condition that still holds updates its flag: figure, text, last date seen;
- one that no longer holds clears its flag on that date; when it returns, a new episode starts;
- a date that arrives inside an episode and does not hold splits it (the earlier part keeps the row);
- a date that now holds between two episodes joins them (the earlier one absorbs the later).

Each flag keeps its history: what it said on its first date, then on each date that changed it.
Later snapshots are re-evaluated in date order afterwards (figures.services cascades), as their
conditions depend on earlier ones.

For each kind and stream the most specific active rule applies (stream and
year, then stream, then year, then the general rule).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import OuterRef, Q, Subquery, Sum

from core.figures import disbursement_ratio
from core.notation import format_amount_with_unit, format_percent, format_unit_percent
from disbursement.db import insert_rows
from disbursement.flags import followup
from disbursement.models import (
    EngineSetting,
    Figure,
    Flag,
    FlagRule,
    MilestoneSchedule,
    QuarterlySchedule,
    Snapshot,
    SnapshotLine,
    StatedSubtotal,
)
from disbursement.models.flags import FlagEvent
from disbursement.plans.schedules import Schedule, quarterly_schedules
from disbursement.plans.selectors import engine_setting
from disbursement.snapshots.selectors import unit_readings
from districts.models import District
from investors.models import Investor

Kind = FlagRule.Kind

DEFAULT_THRESHOLD = {
    Kind.BELOW_THRESHOLD: Decimal(10),
    Kind.STATED_RATIO_MISMATCH: Decimal("0.05"),
    Kind.SUBTOTAL_MISMATCH: Decimal(0),
}
DEFAULT_N_SNAPSHOTS = 3

# key: (rule_id, stream_id, investor_id, district_id, source_id)
ConditionKey = tuple


@dataclass(frozen=True)
class Condition:
    rule: FlagRule
    stream_id: int | None
    investor_id: int | None
    district_id: int | None
    source_id: int | None
    value: Decimal | None
    reason: str

    @property
    def key(self) -> ConditionKey:
        return (self.rule.id, self.stream_id, self.investor_id, self.district_id, self.source_id)


@dataclass(frozen=True)
class FlagChanges:
    raised: int
    cleared: int
    still_open: int


def _amount(dong: int | None) -> str:
    return format_amount_with_unit(dong or 0)


class RuleBook:
    """The active rules of a year, most specific first for each kind and stream."""

    def __init__(self, year: int):
        self._rules: dict[str, list[FlagRule]] = defaultdict(list)
        for rule in FlagRule.objects.filter(is_active=True).filter(Q(year__isnull=True) | Q(year=year)):
            self._rules[rule.kind].append(rule)
        for rules in self._rules.values():
            rules.sort(key=lambda r: (-r.specificity, r.id))

    def rule(self, kind: str, stream_id: int | None) -> FlagRule | None:
        for rule in self._rules.get(kind, ()):
            if rule.stream_id is None or rule.stream_id == stream_id:
                return rule
        return None

    def has(self, kind: str) -> bool:
        return bool(self._rules.get(kind))

    def n_values(self) -> set[int]:
        return {r.n_snapshots or DEFAULT_N_SNAPSHOTS for r in self._rules.get(Kind.STALLED, ())}


def threshold(rule: FlagRule) -> Decimal:
    return rule.threshold if rule.threshold is not None else DEFAULT_THRESHOLD.get(rule.kind, Decimal(0))


def _milestone(snapshot: Snapshot) -> dict[int | None, MilestoneSchedule]:
    """The latest milestone due on or before the snapshot, per stream (None: all streams)."""
    latest: dict[int | None, MilestoneSchedule] = {}
    for milestone in MilestoneSchedule.objects.filter(year=snapshot.year, due__lte=snapshot.as_of).order_by("due"):
        latest[milestone.stream_id] = milestone
    return latest


def _registered(snapshot: Snapshot) -> dict[tuple, tuple[int, int, str]]:
    """Registered amount due by the snapshot date per unit: {(stream, investor, district): (amount, last quarter,
    whose registration it is when not the unit's own)}."""
    due: dict[tuple, tuple[int, int, str]] = {}
    schedules = quarterly_schedules(snapshot.year, snapshot.as_of)
    names = _predecessor_names(schedules)
    for key, schedule in schedules.items():
        found = schedule.due_by(snapshot.year, snapshot.as_of)
        if found is None:
            continue
        kind = Investor if key[1] is not None else District
        whose = ", ".join(names[kind][unit] for unit in schedule.predecessors if unit in names[kind])
        due[key] = (*found, whose)
    return due


def _predecessor_names(schedules: dict[tuple, Schedule]) -> dict[type, dict[int, str]]:
    """The names of the units whose registrations a successor's schedule sums, by model."""
    ids: dict[type, set[int]] = {Investor: set(), District: set()}
    for key, schedule in schedules.items():
        ids[Investor if key[1] is not None else District].update(schedule.predecessors)
    return {
        model: {u.id: u.display_name for u in model.objects.filter(id__in=found)} if found else {}
        for model, found in ids.items()
    }


def _nth_previous(snapshot: Snapshot, n: int) -> Snapshot | None:
    earlier = Snapshot.objects.current().filter(year=snapshot.year, as_of__lt=snapshot.as_of).order_by("-as_of", "-id")
    return earlier[n - 1 : n].first()


def reporting_conditions(snapshot: Snapshot, figures: list[Figure], rules: RuleBook) -> list[Condition]:
    """Units that have missed the reporting schedule: no report this year, or their latest report is older
    than the schedule allows. Their figure is never read as 0: it is "chưa báo cáo"."""
    if not rules.has(Kind.NOT_REPORTED):
        return []
    interval = engine_setting(snapshot.year).reporting_interval_days
    conditions = []
    for f in figures:
        if f.scope not in (Figure.Scope.INVESTOR, Figure.Scope.DISTRICT):
            continue
        rule = rules.rule(Kind.NOT_REPORTED, f.stream_id)
        if rule is None:
            continue
        if f.disbursed is None:
            reason = f"Chưa báo cáo số liệu giải ngân năm {snapshot.year} (kế hoạch vốn {_amount(f.plan)})."
            days = None
        else:
            days = (snapshot.as_of - f.reported_on).days if f.reported_on else 0
            if days <= interval:
                continue
            reason = (
                f"Chưa báo cáo theo lịch: số liệu gần nhất đến ngày {f.reported_on:%d/%m/%Y}, "
                f"trước kỳ số liệu {snapshot.as_of:%d/%m/%Y} {days} ngày (lịch báo cáo {interval} ngày)."
            )
        conditions.append(Condition(rule, f.stream_id, f.investor_id, f.district_id, None, _decimal(days), reason))
    return conditions


_UNIT_SCOPES = (Figure.Scope.INVESTOR, Figure.Scope.DISTRICT)


def unit_conditions(snapshot: Snapshot, figures: list[Figure], rules: RuleBook) -> list[Condition]:
    """Lagging units: not disbursed, below threshold or stream average, behind a schedule, stalled."""
    conditions: list[Condition] = []
    milestones = _milestone(snapshot) if rules.has(Kind.BEHIND_MILESTONE) else {}
    registered = _registered(snapshot) if rules.has(Kind.BEHIND_REGISTERED) else {}
    stalled_base = {}
    units = [(f.stream_id, f.investor_id, f.district_id) for f in figures if f.scope in _UNIT_SCOPES]
    for n in rules.n_values():
        base = _nth_previous(snapshot, n)
        if base is not None:
            stalled_base[n] = (base, unit_readings(base, units))

    for f in figures:
        if f.scope not in (Figure.Scope.INVESTOR, Figure.Scope.DISTRICT):
            continue
        ratio = f.ratio
        unit = (f.stream_id, f.investor_id, f.district_id)

        def add(kind: str, value: Decimal | int | None, reason: str, _f=f) -> None:
            rule = rules.rule(kind, _f.stream_id)
            if rule is not None:
                conditions.append(
                    Condition(rule, _f.stream_id, _f.investor_id, _f.district_id, None, _decimal(value), reason)
                )

        plan_text = _amount(f.plan)
        if ratio is not None and f.disbursed == 0:
            add(Kind.NOT_DISBURSED, 0, f"Chưa giải ngân; kế hoạch vốn được bố trí {plan_text}.")
        if ratio is not None and f.disbursed > 0:
            rule = rules.rule(Kind.BELOW_THRESHOLD, f.stream_id)
            if rule is not None and ratio < threshold(rule):
                add(
                    Kind.BELOW_THRESHOLD,
                    ratio,
                    f"Giải ngân {format_unit_percent(ratio)} ({_amount(f.disbursed)} / {plan_text}), "
                    f"dưới ngưỡng {format_unit_percent(threshold(rule))}.",
                )
        average = f.stream_average
        if ratio is not None and average is not None and ratio < average:
            add(
                Kind.BELOW_STREAM_AVERAGE,
                ratio,
                f"Giải ngân {format_unit_percent(ratio)}, thấp hơn tỷ lệ chung của dòng vốn "
                f"({format_percent(average)}).",
            )
        milestone = milestones.get(f.stream_id) or milestones.get(None)
        if ratio is not None and milestone is not None and ratio < milestone.min_ratio:
            add(
                Kind.BEHIND_MILESTONE,
                ratio,
                f"Giải ngân {format_unit_percent(ratio)}, chưa đạt mốc {format_unit_percent(milestone.min_ratio)} "
                f"đến ngày {milestone.due:%d/%m/%Y}.",
            )
        due = registered.get(unit)
        if due is not None and f.disbursed < due[0]:
            shortfall = due[0] - f.disbursed
            whose = f" của các đơn vị trước sắp xếp ({due[2]})" if due[2] else ""
            add(
                Kind.BEHIND_REGISTERED,
                shortfall,
                f"Giải ngân {_amount(f.disbursed)}, thấp hơn tiến độ đã đăng ký{whose} đến hết quý {due[1]} "
                f"({_amount(due[0])}); còn thiếu {_amount(shortfall)}.",
            )
        rule = rules.rule(Kind.STALLED, f.stream_id)
        if rule is not None and f.plan and f.disbursed < f.plan:
            n = rule.n_snapshots or DEFAULT_N_SNAPSHOTS
            if n in stalled_base:
                base, base_readings = stalled_base[n]
                before = base_readings.get(unit)
                if before is not None and f.disbursed <= before.disbursed:
                    add(
                        Kind.STALLED,
                        f.disbursed,
                        f"Lũy kế giải ngân không tăng qua {n} kỳ liên tiếp "
                        f"(từ ngày {base.as_of:%d/%m/%Y}: {_amount(before.disbursed)}, nay {_amount(f.disbursed)}).",
                    )
    return conditions


def followup_conditions(
    snapshot: Snapshot, figures: list[Figure], rules: RuleBook, *, is_latest: bool
) -> list[Condition]:
    """Missed commitments and overdue explanations (disbursement.flags.followup)."""
    found = []
    if rules.has(Kind.MISSED_COMMITMENT):
        found += followup.missed_commitments(snapshot, figures)
    if rules.has(Kind.OVERDUE_EXPLANATION):
        found += followup.overdue_explanations(snapshot, is_latest)
    conditions = []
    for item in found:
        rule = rules.rule(item.kind, item.stream_id)
        if rule is not None:
            conditions.append(
                Condition(rule, item.stream_id, item.investor_id, item.district_id, None, item.value, item.reason)
            )
    return conditions


def _decimal(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _stored(value: Decimal | None) -> Decimal | None:
    """A flag's figure as the database keeps it (6 decimals), so that an unchanged figure compares equal."""
    return None if value is None else value.quantize(Decimal("0.000001"))


def anomaly_conditions(
    snapshot: Snapshot, figures: list[Figure], rules: RuleBook, units: frozenset | None = None
) -> list[Condition]:
    """Data anomalies: a decrease, disbursement above plan, stated ratios and subtotals that do not match.

    `units`: the (stream_id, investor_id, district_id) whose stated ratios are checked (all by default)."""
    conditions: list[Condition] = []

    def add(kind: str, f_stream, investor, district, source, value, reason) -> None:
        rule = rules.rule(kind, f_stream)
        if rule is not None:
            conditions.append(Condition(rule, f_stream, investor, district, source, _decimal(value), reason))

    for f in figures:
        if f.previous_disbursed is not None and f.disbursed < f.previous_disbursed:
            add(
                Kind.DECREASE,
                f.stream_id,
                f.investor_id,
                f.district_id,
                f.source_id,
                f.disbursed - f.previous_disbursed,
                f"Lũy kế giải ngân {_amount(f.disbursed)} thấp hơn kỳ trước "
                f"({f.previous_snapshot.as_of:%d/%m/%Y}: {_amount(f.previous_disbursed)}).",
            )
        if f.scope == Figure.Scope.CITY or f.scope == Figure.Scope.SOURCE:
            if f.plan is not None and f.disbursed > f.plan:
                add(
                    Kind.ABOVE_PLAN,
                    None,
                    None,
                    None,
                    f.source_id,
                    f.disbursed - f.plan,
                    f"Giải ngân {_amount(f.disbursed)} vượt kế hoạch thành phố giao ({_amount(f.plan)}).",
                )
        elif f.scope != Figure.Scope.STREAM:
            if f.plan and f.disbursed > f.plan:
                add(
                    Kind.ABOVE_PLAN,
                    f.stream_id,
                    f.investor_id,
                    f.district_id,
                    None,
                    f.disbursed - f.plan,
                    f"Giải ngân {_amount(f.disbursed)} vượt kế hoạch ({_amount(f.plan)}), "
                    f"đạt {format_unit_percent(f.ratio)}.",
                )
            elif not f.plan and f.disbursed > 0:
                add(
                    Kind.ABOVE_PLAN,
                    f.stream_id,
                    f.investor_id,
                    f.district_id,
                    None,
                    f.disbursed,
                    f"Có giải ngân {_amount(f.disbursed)} nhưng chưa có kế hoạch vốn.",
                )

    if rules.has(Kind.STATED_RATIO_MISMATCH):
        conditions.extend(_stated_ratio_conditions(snapshot, figures, rules, units))
    if rules.has(Kind.SUBTOTAL_MISMATCH) or rules.has(Kind.STATED_RATIO_MISMATCH):
        conditions.extend(_subtotal_conditions(snapshot, rules))
    return conditions


def _stated_ratio_conditions(
    snapshot: Snapshot, figures: list[Figure], rules: RuleBook, units: frozenset | None = None
) -> list[Condition]:
    """A row's stated ratio against its own numerator and denominator (the lines of one file row)."""
    plans = {(f.stream_id, f.investor_id, f.district_id): f.plan for f in figures if f.stream_id}
    rows: dict[tuple, dict] = {}
    read = SnapshotLine.objects.of(snapshot) if units is None else SnapshotLine.objects.of_units(snapshot, units)
    lines = (
        read.filter(stated_ratio__isnull=False)
        .values_list(
            "stream_id", "investor_id", "district_id", "sheet", "row", "disbursed", "stated_plan", "stated_ratio"
        )
        .order_by("id")
    )
    for stream_id, investor_id, district_id, sheet, row, disbursed, stated_plan, stated_ratio in lines:
        # Lines of one file row (one per source) share the row's stated ratio.
        key = (stream_id, investor_id, district_id, sheet, row)
        item = rows.setdefault(key, {"disbursed": 0, "plan": 0, "has_plan": True, "ratio": stated_ratio})
        item["disbursed"] += disbursed
        if stated_plan is None:
            item["has_plan"] = False
        else:
            item["plan"] += stated_plan
    seen: set[tuple] = set()
    conditions = []
    for (stream_id, investor_id, district_id, sheet, row), item in rows.items():
        rule = rules.rule(Kind.STATED_RATIO_MISMATCH, stream_id)
        unit = (stream_id, investor_id, district_id)
        if rule is None or unit in seen:
            continue
        plan = item["plan"] if item["has_plan"] else plans.get(unit)
        actual = disbursement_ratio(item["disbursed"], plan)
        if actual is None:
            continue
        difference = item["ratio"] - actual
        if abs(difference) > threshold(rule):
            seen.add(unit)
            where = f" (trang {sheet}, dòng {row})" if sheet and row else ""
            conditions.append(
                Condition(
                    rule,
                    stream_id,
                    investor_id,
                    district_id,
                    None,
                    item["ratio"],
                    f"Tỷ lệ ghi trong tệp {format_percent(item['ratio'])} không khớp với số liệu "
                    f"({_amount(item['disbursed'])} / {_amount(plan)} = {format_percent(actual)}){where}.",
                )
            )
    return conditions


def _subtotal_conditions(snapshot: Snapshot, rules: RuleBook) -> list[Condition]:
    """A stream's stated subtotal against the sum of the rows of the same file.

    A subtotal speaks for the rows its file listed: a later correction of one unit by another file does
    not make the first file's subtotal wrong.
    """
    conditions = []
    subtotals = list(StatedSubtotal.objects.filter(snapshot=snapshot).order_by("stream_id", "source_id"))
    if not subtotals:
        return conditions
    sums: dict[tuple, dict] = {}
    # Only the files that stated a subtotal are summed.
    files = {t.submission_id for t in subtotals}
    of_files = Q(submission_id__in=[f for f in files if f is not None])
    if None in files:
        of_files |= Q(submission__isnull=True)
    for stream_id, source_id, submission_id, disbursed, plan in (
        SnapshotLine.objects.of(snapshot)
        .filter(of_files)
        .values_list("stream_id", "source_id", "submission_id")
        .annotate(d=Sum("disbursed"), p=Sum("stated_plan"))
        .values_list("stream_id", "source_id", "submission_id", "d", "p")
        .order_by()
    ):
        for key in ((stream_id, source_id, submission_id), (stream_id, None, submission_id)):
            item = sums.setdefault(key, {"disbursed": 0, "plan": 0})
            item["disbursed"] += disbursed
            item["plan"] += plan or 0
    for subtotal in subtotals:
        key = (subtotal.stream_id, subtotal.source_id, subtotal.submission_id)
        item = sums.get(key, {"disbursed": 0, "plan": 0})
        rule = rules.rule(Kind.SUBTOTAL_MISMATCH, subtotal.stream_id)
        where = f" (trang {subtotal.sheet}, dòng {subtotal.row})" if subtotal.sheet and subtotal.row else ""
        if rule is not None:
            tolerance = threshold(rule)
            problems = []
            if subtotal.disbursed is not None and abs(subtotal.disbursed - item["disbursed"]) > tolerance:
                problems.append(
                    f"giải ngân ghi {_amount(subtotal.disbursed)}, cộng các dòng {_amount(item['disbursed'])}"
                )
            if subtotal.plan is not None and abs(subtotal.plan - item["plan"]) > tolerance:
                problems.append(f"kế hoạch ghi {_amount(subtotal.plan)}, cộng các dòng {_amount(item['plan'])}")
            if problems:
                value = (subtotal.disbursed or 0) - item["disbursed"]
                conditions.append(
                    Condition(
                        rule,
                        subtotal.stream_id,
                        None,
                        None,
                        subtotal.source_id,
                        Decimal(value),
                        "Dòng tổng không khớp với các dòng chi tiết: " + "; ".join(problems) + where + ".",
                    )
                )
        ratio_rule = rules.rule(Kind.STATED_RATIO_MISMATCH, subtotal.stream_id)
        if ratio_rule is not None and subtotal.stated_ratio is not None:
            actual = disbursement_ratio(subtotal.disbursed or 0, subtotal.plan)
            if actual is not None and abs(subtotal.stated_ratio - actual) > threshold(ratio_rule):
                conditions.append(
                    Condition(
                        ratio_rule,
                        subtotal.stream_id,
                        None,
                        None,
                        subtotal.source_id,
                        subtotal.stated_ratio,
                        f"Tỷ lệ ghi ở dòng tổng {format_percent(subtotal.stated_ratio)} không khớp với số liệu "
                        f"({_amount(subtotal.disbursed)} / {_amount(subtotal.plan)} = {format_percent(actual)})"
                        f"{where}.",
                    )
                )
    return conditions


def _covered(replacing: Replacement) -> Q:
    """The flags `replacing` judges again (Replacement.covers), as a filter."""
    by_stream: dict[tuple[int, str], set[int]] = defaultdict(set)
    for stream_id, investor_id, district_id in replacing.units:
        level, unit_id = ("investor", investor_id) if investor_id else ("district", district_id)
        by_stream[(stream_id, level)].add(unit_id)
    covered = Q(investor__isnull=True, district__isnull=True) | Q(kind__in=FOLLOW_UP_KINDS)
    for (stream_id, level), ids in by_stream.items():
        covered |= Q(stream_id=stream_id, **{f"{level}_id__in": sorted(ids)})
    return covered


def _flag_key(flag: Flag) -> ConditionKey:
    return (flag.rule_id, flag.stream_id, flag.investor_id, flag.district_id, flag.source_id)


@dataclass(frozen=True)
class Said:
    """What a flag says on a date."""

    value: Decimal | None
    reason: str


class Calendar:
    """The snapshot dates of a year whose flags have been evaluated, with the snapshot version of each.

    A date counts once a version of it has been computed and while it has a current version; the date
    being evaluated always counts. Dates imported but not yet computed are left out until they are, so
    they neither clear nor extend an episode before their own evaluation.
    """

    def __init__(self, snapshot: Snapshot):
        year = snapshot.year
        current = dict(Snapshot.objects.current().filter(year=year).values_list("as_of", "id"))
        computed = set(Snapshot.objects.filter(year=year, computed_at__isnull=False).values_list("as_of", flat=True))
        self.snapshot_on = {day: snapshot_id for day, snapshot_id in current.items() if day in computed}
        self.snapshot_on[snapshot.as_of] = snapshot.id
        self.dates = sorted(self.snapshot_on)
        self.position = {day: i for i, day in enumerate(self.dates)}

    def after(self, day: dt.date) -> dt.date | None:
        i = self.position[day] + 1
        return self.dates[i] if i < len(self.dates) else None

    def before(self, day: dt.date) -> dt.date | None:
        i = self.position[day]
        return self.dates[i - 1] if i > 0 else None


@dataclass
class Episode:
    """Where one episode of a condition stands after an evaluation, and the row that keeps it."""

    flag: Flag
    # Events of the evaluated date and the next one, by date (the earlier events do not change).
    events: dict[dt.date, Said]
    # A row absorbed by this episode whose later events (after the next date) move to it.
    takes_events_of: int | None = None
    # The row's fields as they stood before the evaluation (None for a new episode).
    was: tuple | None = None


@dataclass(frozen=True)
class Stood:
    """A row as it stood before the evaluation: a split changes the first part before the second reads it."""

    id: int
    raised_on: dt.date
    last_seen_on: dt.date
    last_seen_snapshot_id: int | None
    cleared_on: dt.date | None
    cleared_snapshot_id: int | None
    value: Decimal | None
    reason: str
    state: tuple

    @classmethod
    def of(cls, row: Flag) -> Stood:
        return cls(
            row.id,
            row.raised_on,
            row.last_seen_on,
            row.last_seen_snapshot_id,
            row.cleared_on,
            row.cleared_snapshot_id,
            row.value,
            row.reason,
            _state(row),
        )


@dataclass
class Window:
    """The evaluated date with the dates just before and after it: all that an evaluation can change.

    Whether a condition holds changes on the evaluated date only, so episodes change around it only:
    one starts, ends, splits or joins there. Earlier and later dates keep their figures and events.
    """

    day: dt.date
    dates: list[dt.date]
    previous: dt.date | None

    @classmethod
    def around(cls, day: dt.date, calendar: Calendar) -> Window:
        previous, following = calendar.before(day), calendar.after(day)
        return cls(day, [d for d in (previous, day, following) if d is not None], previous)

    @property
    def first(self) -> dt.date:
        return self.dates[0]

    @property
    def last(self) -> dt.date:
        return self.dates[-1]


# What an evaluation may change on an episode's row.
FLAG_FIELDS = [
    "kind",
    "raised_on",
    "raised_snapshot",
    "last_seen_on",
    "last_seen_snapshot",
    "cleared_on",
    "cleared_snapshot",
    "value",
    "reason",
]


def _state(flag: Flag) -> tuple:
    return tuple(getattr(flag, Flag._meta.get_field(name).attname) for name in FLAG_FIELDS)


def _said_in_window(rows: list[Flag], events: dict[int, list[FlagEvent]], window: Window) -> dict[dt.date, tuple]:
    """For each date of the window a row covers: (the row, what it said on that date)."""
    said: dict[dt.date, tuple] = {}
    for row in rows:
        # The latest event before the window, then the window's own; a flag written without history
        # says what it says now.
        latest = Said(row.value_before, row.reason_before) if row.reason_before is not None else None
        latest = latest or Said(row.value, row.reason)
        history = iter(events.get(row.id, []))
        event = next(history, None)
        for day in window.dates:
            if not row.raised_on <= day <= row.last_seen_on:
                continue
            while event is not None and event.on <= day:
                latest = Said(event.value, event.reason)
                event = next(history, None)
            said[day] = (row, latest)
    return said


def _reconcile_key(
    key: ConditionKey,
    rows: list[Flag],
    condition: Condition | None,
    snapshot: Snapshot,
    calendar: Calendar,
    window: Window,
    events: dict[int, list[FlagEvent]],
) -> list[Episode]:
    """One condition's episodes around the evaluated date, as whether it holds there now makes them."""
    day = window.day
    old = _said_in_window(rows, events, window)
    said = {d: text for d, (_, text) in old.items() if d != day}
    if condition is not None:
        said[day] = Said(_stored(condition.value), condition.reason)
    spans: list[list[dt.date]] = []
    for d in window.dates:
        if d not in said:
            continue
        if spans and window.dates.index(spans[-1][-1]) == window.dates.index(d) - 1:
            spans[-1].append(d)
        else:
            spans.append([d])

    before = {row.id: Stood.of(row) for row in rows}
    live = {row.id: row for row in rows}
    episodes: list[Episode] = []
    used: set[int] = set()
    for span in spans:
        start, end = span[0], span[-1]
        # The episode runs on before or after the window as the row holding its edge date did.
        left = before[old[start][0].id] if start == window.first and start != day else None
        left = left if left is not None and left.raised_on < start else None
        right = before[old[end][0].id] if end == window.last and end != day else None
        right = right if right is not None and right.last_seen_on > end else None
        covering = {old[d][0].id for d in span if d in old} | ({right.id} if right else set())
        covering = sorted((before[i] for i in covering - used), key=lambda row: (row.raised_on, row.id))
        if left is not None:
            flag = live[left.id]
        elif covering:
            # The earliest episode the span covers keeps its id; a span that joins two absorbs the later.
            flag = live[covering[0].id]
        else:
            rule_id, stream_id, investor_id, district_id, source_id = key
            flag = Flag(
                year=snapshot.year,
                rule_id=rule_id,
                stream_id=stream_id,
                investor_id=investor_id,
                district_id=district_id,
                source_id=source_id,
                # Without the condition today, a span of its own is the later part of a split episode.
                kind=condition.rule.kind if condition is not None else rows[0].kind,
            )
        used.update(row.id for row in covering)
        if condition is not None:
            flag.kind = condition.rule.kind
        if left is None:
            flag.raised_on, flag.raised_snapshot_id = start, calendar.snapshot_on[start]
        if right is None:
            cleared = calendar.after(end)
            flag.last_seen_on, flag.last_seen_snapshot_id = end, calendar.snapshot_on[end]
            flag.cleared_on, flag.cleared_snapshot_id = cleared, calendar.snapshot_on[cleared] if cleared else None
            flag.value, flag.reason = said[end].value, said[end].reason
        else:
            flag.last_seen_on, flag.last_seen_snapshot_id = right.last_seen_on, right.last_seen_snapshot_id
            flag.cleared_on, flag.cleared_snapshot_id = right.cleared_on, right.cleared_snapshot_id
            flag.value, flag.reason = right.value, right.reason
        # The date before the evaluated one keeps its event: whether it holds and what it says are unchanged.
        history = {
            d: said[d]
            for i, d in enumerate(span)
            if d != window.previous and ((i == 0 and left is None) or (i > 0 and said[d] != said[span[i - 1]]))
        }
        episodes.append(
            Episode(
                flag=flag,
                events=history,
                takes_events_of=right.id if right is not None and right.id != flag.pk else None,
                was=before[flag.pk].state if flag.pk else None,
            )
        )
    return episodes


def _update(model, objects: list, names: list[str]) -> None:
    """Write the fields `names` of saved rows: one parametrised UPDATE per row, sent at once.

    Every evaluation extends each open flag to its date; bulk_update builds one CASE per field and row,
    which costs more than the rest of the evaluation for a few hundred flags.
    """
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)


def _write(
    episodes: list[Episode],
    rows: list[Flag],
    window: Window,
    calendar: Calendar,
    events: dict[int, list[FlagEvent]],
) -> None:
    Flag.objects.bulk_create([e.flag for e in episodes if e.was is None], batch_size=1000)
    _update(Flag, [e.flag for e in episodes if e.was is not None and _state(e.flag) != e.was], FLAG_FIELDS)
    for episode in episodes:
        if episode.takes_events_of is not None:
            FlagEvent.objects.filter(flag_id=episode.takes_events_of, on__gt=window.last).update(
                flag_id=episode.flag.id
            )
    kept = {e.flag.id for e in episodes}
    # Rows absorbed by another episode, and episodes none of whose dates hold any more.
    Flag.objects.filter(id__in=[row.id for row in rows if row.id not in kept]).delete()

    stale: list[int] = []
    changed: list[FlagEvent] = []
    new: list[FlagEvent] = []
    for episode in episodes:
        flag = episode.flag
        existing = {event.on: event for event in events.get(flag.id, []) if event.on != window.previous}
        for day, said in episode.events.items():
            snapshot_id = calendar.snapshot_on[day]
            event = existing.pop(day, None)
            if event is None:
                new.append(
                    FlagEvent(flag_id=flag.id, on=day, snapshot_id=snapshot_id, value=said.value, reason=said.reason)
                )
            elif (event.value, event.reason, event.snapshot_id) != (said.value, said.reason, snapshot_id):
                event.value, event.reason, event.snapshot_id = said.value, said.reason, snapshot_id
                changed.append(event)
        stale.extend(event.id for event in existing.values())
    if stale:
        FlagEvent.objects.filter(id__in=stale).delete()
    _update(FlagEvent, changed, ["value", "reason", "snapshot"])
    insert_rows(FlagEvent, new)


@dataclass(frozen=True)
class Replacement:
    """A version of the date replacing `version`, whose flags were evaluated, where only `units` may judge
    otherwise: (stream_id, investor_id, district_id) of the units whose figures or stream average changed."""

    version: Snapshot
    units: frozenset

    def covers(self, stream_id, investor_id, district_id, kind: str | None = None) -> bool:
        """Whether a condition or flag is judged again: the city's, sources' and streams', the follow-up's
        (its inputs are not figures), and the changed units'."""
        if investor_id is None and district_id is None:
            return True
        return kind in FOLLOW_UP_KINDS or (stream_id, investor_id, district_id) in self.units


FOLLOW_UP_KINDS = {Kind.MISSED_COMMITMENT, Kind.OVERDUE_EXPLANATION}
# What the flags of a date are judged by besides the figures: changed since the replaced version's
# evaluation, the new version is judged whole.
RULE_MODELS = (FlagRule, MilestoneSchedule, QuarterlySchedule, EngineSetting)


def rules_changed_since(moment) -> bool:
    return any(model.history.filter(history_date__gt=moment).exists() for model in RULE_MODELS)


def _move_to_version(old: Snapshot, new: Snapshot) -> None:
    """Flags and events that name the replaced version of the date name the new one, as judging it whole would."""
    for name in ("raised_snapshot", "last_seen_snapshot", "cleared_snapshot"):
        Flag.objects.filter(**{name: old}).update(**{name: new})
    FlagEvent.objects.filter(snapshot=old).update(snapshot=new)


def evaluate_flags(snapshot: Snapshot, figures: list[Figure], replacing: Replacement | None = None) -> FlagChanges:
    """Raise, update and clear the flags of a snapshot date. Runs inside the compute transaction.

    With `replacing`, the snapshot is a new version of a date whose flags the replaced version's evaluation
    left as they are: only what `replacing` covers is judged again, the rest is the same as judging it whole.
    The counts returned are of what was judged.
    """
    rules = RuleBook(snapshot.year)
    # Units and streams are judged over all their sources; the per-source figures only inform.
    # A unit that has not reported yet (no amount) has nothing to judge here.
    figures = [f for f in figures if f.source_id is None or f.scope == Figure.Scope.SOURCE]
    calendar = Calendar(snapshot)
    followup.judge_commitments(snapshot, figures, calendar.before(snapshot.as_of))
    judged = figures
    if replacing is not None:
        _move_to_version(replacing.version, snapshot)
        judged = [f for f in figures if replacing.covers(f.stream_id, f.investor_id, f.district_id)]
    reported = [f for f in judged if f.disbursed is not None]
    conditions = (
        reporting_conditions(snapshot, judged, rules)
        + unit_conditions(snapshot, reported, rules)
        + anomaly_conditions(snapshot, reported, rules, replacing.units if replacing is not None else None)
        + followup_conditions(snapshot, figures, rules, is_latest=calendar.after(snapshot.as_of) is None)
    )
    holding: dict[ConditionKey, Condition] = {}
    for condition in conditions:
        if replacing is None or replacing.covers(
            condition.stream_id, condition.investor_id, condition.district_id, condition.rule.kind
        ):
            holding.setdefault(condition.key, condition)

    window = Window.around(snapshot.as_of, calendar)
    nearby = Flag.objects.filter(year=snapshot.year, raised_on__lte=window.last, last_seen_on__gte=window.first)
    if replacing is not None:
        nearby = nearby.filter(_covered(replacing))
    before = FlagEvent.objects.filter(flag=OuterRef("pk"), on__lt=window.first).order_by("-on")
    rows = list(
        nearby.annotate(
            value_before=Subquery(before.values("value")[:1]), reason_before=Subquery(before.values("reason")[:1])
        ).order_by("raised_on", "id")
    )
    events: dict[int, list[FlagEvent]] = defaultdict(list)
    for event in FlagEvent.objects.filter(
        flag__in=nearby.values("id"), on__gte=window.first, on__lte=window.last
    ).order_by("on"):
        events[event.flag_id].append(event)
    rows_by_key: dict[ConditionKey, list[Flag]] = defaultdict(list)
    for row in rows:
        rows_by_key[_flag_key(row)].append(row)

    episodes = [
        episode
        for key in rows_by_key.keys() | holding.keys()
        for episode in _reconcile_key(
            key, rows_by_key.get(key, []), holding.get(key), snapshot, calendar, window, events
        )
    ]
    _write(episodes, rows, window, calendar, events)
    day = snapshot.as_of
    return FlagChanges(
        raised=sum(e.flag.raised_on == day for e in episodes),
        cleared=sum(e.flag.cleared_on == day for e in episodes),
        still_open=sum(e.flag.raised_on < day <= e.flag.last_seen_on for e in episodes),
    )
