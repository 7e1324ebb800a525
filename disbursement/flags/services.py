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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from core.figures import disbursement_ratio
from core.fiscal import quarter_end
from core.notation import format_amount_with_unit, format_percent, format_unit_percent
from disbursement.models import (
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
from disbursement.plans.selectors import engine_setting
from disbursement.snapshots.selectors import unit_readings

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


def _registered(snapshot: Snapshot) -> dict[tuple, tuple[int, int]]:
    """Registered amount due by the snapshot date per unit: {(stream, investor, district): (amount, last quarter)}."""
    due: dict[tuple, tuple[int, int]] = {}
    for schedule in QuarterlySchedule.objects.filter(year=snapshot.year).order_by("quarter"):
        if quarter_end(snapshot.year, schedule.quarter) > snapshot.as_of:
            continue
        key = (schedule.stream_id, schedule.investor_id, schedule.district_id)
        amount, _ = due.get(key, (0, 0))
        due[key] = (amount + schedule.amount, schedule.quarter)
    return due


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


def unit_conditions(snapshot: Snapshot, figures: list[Figure], rules: RuleBook) -> list[Condition]:
    """Lagging units: not disbursed, below threshold or stream average, behind a schedule, stalled."""
    conditions: list[Condition] = []
    milestones = _milestone(snapshot) if rules.has(Kind.BEHIND_MILESTONE) else {}
    registered = _registered(snapshot) if rules.has(Kind.BEHIND_REGISTERED) else {}
    stalled_base = {}
    for n in rules.n_values():
        base = _nth_previous(snapshot, n)
        if base is not None:
            stalled_base[n] = (base, unit_readings(base))

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
            add(
                Kind.BEHIND_REGISTERED,
                shortfall,
                f"Giải ngân {_amount(f.disbursed)}, thấp hơn tiến độ đã đăng ký đến hết quý {due[1]} "
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


def _decimal(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _stored(value: Decimal | None) -> Decimal | None:
    """A flag's figure as the database keeps it (6 decimals), so that an unchanged figure compares equal."""
    return None if value is None else value.quantize(Decimal("0.000001"))


def anomaly_conditions(snapshot: Snapshot, figures: list[Figure], rules: RuleBook) -> list[Condition]:
    """Data anomalies: a decrease, disbursement above plan, stated ratios and subtotals that do not match."""
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
        conditions.extend(_stated_ratio_conditions(snapshot, figures, rules))
    if rules.has(Kind.SUBTOTAL_MISMATCH) or rules.has(Kind.STATED_RATIO_MISMATCH):
        conditions.extend(_subtotal_conditions(snapshot, rules))
    return conditions


def _stated_ratio_conditions(snapshot: Snapshot, figures: list[Figure], rules: RuleBook) -> list[Condition]:
    """A row's stated ratio against its own numerator and denominator (the lines of one file row)."""
    plans = {(f.stream_id, f.investor_id, f.district_id): f.plan for f in figures if f.stream_id}
    rows: dict[tuple, dict] = {}
    lines = (
        SnapshotLine.objects.filter(snapshot=snapshot, stated_ratio__isnull=False)
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
    for stream_id, source_id, submission_id, disbursed, plan in (
        SnapshotLine.objects.filter(snapshot=snapshot)
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


def _flag_key(flag: Flag) -> ConditionKey:
    return (flag.rule_id, flag.stream_id, flag.investor_id, flag.district_id, flag.source_id)


@dataclass(frozen=True)
class Run:
    """Consecutive evaluated dates on which a condition holds, and the first later date it does not."""

    start: dt.date
    end: dt.date
    cleared: dt.date | None


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

    def between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        return self.dates[bisect_left(self.dates, first) : bisect_right(self.dates, last)]

    def runs(self, held: set[dt.date]) -> list[Run]:
        spans: list[list[dt.date]] = []
        for day in sorted(held):
            if spans and self.position[spans[-1][1]] == self.position[day] - 1:
                spans[-1][1] = day
            else:
                spans.append([day, day])
        return [Run(start, end, self.after(end)) for start, end in spans]


@dataclass
class Writes:
    """What one evaluation changes: flag rows and their histories (events), nothing else."""

    created: list[tuple[Flag, dict[dt.date, Said]]]
    updated: list[Flag]
    deleted: list[int]
    histories: list[tuple[Flag, dict[dt.date, Said]]]


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


def _said_on_dates(rows: list[Flag], events: dict[int, list[FlagEvent]], calendar: Calendar) -> dict[dt.date, Said]:
    """What the rows said on each evaluated date of their episodes: their latest event on or before it."""
    said: dict[dt.date, Said] = {}
    for row in rows:
        # A flag written without history says what it says now.
        latest = Said(row.value, row.reason)
        history = iter(events.get(row.id, []))
        event = next(history, None)
        for day in calendar.between(row.raised_on, row.last_seen_on):
            while event is not None and event.on <= day:
                latest = Said(event.value, event.reason)
                event = next(history, None)
            said[day] = latest
    return said


def _history(run: Run, said: dict[dt.date, Said], calendar: Calendar) -> dict[dt.date, Said]:
    """An episode's events: what it said on its first date, then on each date that changed it."""
    history: dict[dt.date, Said] = {}
    last = None
    for day in calendar.between(run.start, run.end):
        if said[day] != last:
            history[day] = last = said[day]
    return history


def _reconcile_key(
    key: ConditionKey,
    rows: list[Flag],
    condition: Condition | None,
    snapshot: Snapshot,
    calendar: Calendar,
    events: dict[int, list[FlagEvent]],
    writes: Writes,
) -> list[Run]:
    """Bring one condition's episodes near the snapshot's date in line with whether it holds there."""
    day = snapshot.as_of
    said = _said_on_dates(rows, events, calendar)
    said.pop(day, None)
    if condition is not None:
        said[day] = Said(_stored(condition.value), condition.reason)
    runs = calendar.runs(set(said))

    used: set[int] = set()
    for run in runs:
        overlapping = [
            row for row in rows if row.id not in used and row.raised_on <= run.end and row.last_seen_on >= run.start
        ]
        history = _history(run, said, calendar)
        now = said[run.end]
        if overlapping:
            # The earliest episode the run covers keeps its id; a run that joins two episodes absorbs the later.
            flag = overlapping[0]
            used.update(row.id for row in overlapping)
            writes.deleted.extend(row.id for row in overlapping[1:])
        else:
            rule_id, stream_id, investor_id, district_id, source_id = key
            flag = Flag(
                year=snapshot.year,
                rule_id=rule_id,
                stream_id=stream_id,
                investor_id=investor_id,
                district_id=district_id,
                source_id=source_id,
                # A run of its own without the condition today is the later part of a split episode.
                kind=condition.rule.kind if condition is not None else rows[0].kind,
            )
        before = _state(flag)
        if condition is not None:
            flag.kind = condition.rule.kind
        flag.raised_on = run.start
        flag.raised_snapshot_id = calendar.snapshot_on[run.start]
        flag.last_seen_on = run.end
        flag.last_seen_snapshot_id = calendar.snapshot_on[run.end]
        flag.cleared_on = run.cleared
        flag.cleared_snapshot_id = calendar.snapshot_on[run.cleared] if run.cleared else None
        flag.value, flag.reason = now.value, now.reason
        if flag.pk is None:
            writes.created.append((flag, history))
            continue
        if _state(flag) != before:
            writes.updated.append(flag)
        writes.histories.append((flag, history))
    # Episodes none of whose dates hold any more (a date re-evaluated with other figures).
    writes.deleted.extend(row.id for row in rows if row.id not in used)
    return runs


def _write(writes: Writes, events: dict[int, list[FlagEvent]], calendar: Calendar) -> None:
    if writes.deleted:
        Flag.objects.filter(id__in=writes.deleted).delete()
    if writes.updated:
        Flag.objects.bulk_update(writes.updated, FLAG_FIELDS, batch_size=1000)
    Flag.objects.bulk_create([flag for flag, _ in writes.created], batch_size=1000)
    stale: list[int] = []
    changed: list[FlagEvent] = []
    new: list[FlagEvent] = []
    for flag, history in [*writes.created, *writes.histories]:
        existing = {event.on: event for event in events.get(flag.id, [])}
        for day, said in history.items():
            snapshot_id = calendar.snapshot_on[day]
            event = existing.pop(day, None)
            if event is None:
                new.append(FlagEvent(flag=flag, on=day, snapshot_id=snapshot_id, value=said.value, reason=said.reason))
            elif (event.value, event.reason, event.snapshot_id) != (said.value, said.reason, snapshot_id):
                event.value, event.reason, event.snapshot_id = said.value, said.reason, snapshot_id
                changed.append(event)
        stale.extend(event.id for event in existing.values())
    if stale:
        FlagEvent.objects.filter(id__in=stale).delete()
    if changed:
        FlagEvent.objects.bulk_update(changed, ["value", "reason", "snapshot"], batch_size=1000)
    FlagEvent.objects.bulk_create(new, batch_size=2000)


def evaluate_flags(snapshot: Snapshot, figures: list[Figure]) -> FlagChanges:
    """Raise, update and clear the flags of a snapshot date. Runs inside the compute transaction."""
    rules = RuleBook(snapshot.year)
    # Units and streams are judged over all their sources; the per-source figures only inform.
    # A unit that has not reported yet (no amount) has nothing to judge here.
    figures = [f for f in figures if f.source_id is None or f.scope == Figure.Scope.SOURCE]
    reported = [f for f in figures if f.disbursed is not None]
    conditions = (
        reporting_conditions(snapshot, figures, rules)
        + unit_conditions(snapshot, reported, rules)
        + anomaly_conditions(snapshot, reported, rules)
    )
    holding: dict[ConditionKey, Condition] = {}
    for condition in conditions:
        holding.setdefault(condition.key, condition)

    day = snapshot.as_of
    calendar = Calendar(snapshot)
    # Only episodes that reach this date, end on the date before it or start on the date after it can change.
    rows = list(
        Flag.objects.filter(year=snapshot.year, raised_on__lte=calendar.after(day) or day)
        .filter(Q(cleared_on__isnull=True) | Q(cleared_on__gte=day))
        .order_by("raised_on", "id")
    )
    events: dict[int, list[FlagEvent]] = defaultdict(list)
    for event in FlagEvent.objects.filter(flag__in=[row.id for row in rows]).order_by("on"):
        events[event.flag_id].append(event)
    rows_by_key: dict[ConditionKey, list[Flag]] = defaultdict(list)
    for row in rows:
        rows_by_key[_flag_key(row)].append(row)

    writes = Writes(created=[], updated=[], deleted=[], histories=[])
    raised = cleared = still_open = 0
    for key in rows_by_key.keys() | holding.keys():
        for run in _reconcile_key(key, rows_by_key.get(key, []), holding.get(key), snapshot, calendar, events, writes):
            raised += run.start == day
            cleared += run.cleared == day
            still_open += run.start < day <= run.end
    _write(writes, events, calendar)
    return FlagChanges(raised=raised, cleared=cleared, still_open=still_open)
