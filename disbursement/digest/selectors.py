"""What the weekly digest says: built from the computed figures, formatted for reading.

Figures and reallocation candidates come only from disbursement.figures.selectors,
flags from disbursement.flags.selectors; names, changes and dates are written
through core.presentation, numbers through core.notation. A unit that has not
reported is listed as "chưa báo cáo", never as 0%; a figure carried from an
earlier report carries its date; a total summed from the reports received says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Q, Value, When
from django.utils import timezone

from core import presentation
from core.notation import UNIT_RATIO_PLACES, format_amount_with_unit, format_count, format_percent
from disbursement.figures.selectors import (
    city_figure,
    ranking,
    reallocation_candidates,
    source_figures,
    stream_figures,
)
from disbursement.flags.selectors import flag_changes, flags_by_unit
from disbursement.models import BudgetSource, CapitalStream, DigestRecipient, Figure, Snapshot

MOVERS = 3


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def current_week() -> dt.date:
    return week_start(timezone.localdate())


def digest_snapshot(week: dt.date) -> Snapshot | None:
    """The latest current, computed snapshot on or before the Monday of the week."""
    return (
        Snapshot.objects.current()
        .filter(as_of__lte=week, computed_at__isnull=False)
        .order_by("-as_of", "-year", "-id")
        .first()
    )


def format_amount_change(amount: int | None) -> str:
    if amount is None:
        return "–"
    text = format_amount_with_unit(amount)
    return f"+{text}" if amount > 0 else text


@dataclass
class UnitLine:
    name: str
    stream: str
    reported: bool
    # ' (số liệu ngày 13/7/2024)' when the figure was carried from the unit's earlier report, else ''.
    carried: str
    disbursed: str
    plan: str
    ratio: str
    rank: str
    rank_change: str
    change_points: str
    change_amount: str
    weekly_required: str | None
    remaining: str | None
    flags: list[str]
    # Raw values, for the chart and for ordering only.
    ratio_value: Decimal | None
    points_value: Decimal | None
    rank_change_value: int | None
    key: tuple

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def summary(self) -> str:
        """'huyện Kiến Thụy (183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)', as the reports write it;
        'huyện Kiến Thụy: chưa báo cáo (kế hoạch 270,020 tỷ đồng)' for a unit that has not reported."""
        if not self.reported:
            return f"{self.name}: {presentation.NOT_REPORTED} (kế hoạch {self.plan})"
        return f"{self.name} ({self.disbursed} / {self.plan}, đạt {self.ratio}){self.carried}"


def _reason(flag: Any) -> str:
    return str(getattr(flag, "reason", "") or flag)


def unit_line(row: Any, stream: CapitalStream, flags: list[Any], as_of: dt.date | None = None) -> UnitLine:
    """A unit's figure as the digest writes it; `as_of` is the snapshot's date, to tell a carried figure."""
    weekly = row.weekly_required
    remaining = row.remaining_amount
    return UnitLine(
        name=presentation.unit_name(row, presentation.DASH),
        stream=stream.name,
        reported=presentation.is_reported(row),
        carried=presentation.carried_text(row, as_of),
        disbursed=presentation.disbursed_text(row),
        plan=format_amount_with_unit(row.plan) if row.plan is not None else "chưa có kế hoạch",
        ratio=presentation.unit_ratio_text(row),
        rank=presentation.rank_web(row.rank, row.rank_of),
        rank_change=presentation.compared(
            row, "previous_basis", presentation.rank_change_text(row.rank_change), web=False
        ),
        change_points=presentation.compared(
            row, "previous_basis", presentation.points_text(row.change_points, UNIT_RATIO_PLACES), web=False
        ),
        change_amount=presentation.compared(row, "previous_basis", format_amount_change(row.change_amount), web=False),
        weekly_required=format_amount_with_unit(weekly) if weekly is not None else None,
        remaining=format_amount_with_unit(remaining) if remaining is not None else None,
        flags=[_reason(f) for f in flags],
        ratio_value=row.ratio,
        points_value=row.change_points,
        rank_change_value=row.rank_change,
        key=(stream.id, row.investor_id, row.district_id),
    )


@dataclass
class StreamSection:
    stream_id: int
    name: str
    disbursed: str
    plan: str
    ratio: str
    ratio_value: Decimal | None
    units: list[UnitLine]
    slow: list[UnitLine] = field(default_factory=list)
    fast: list[UnitLine] = field(default_factory=list)
    # '' for a total every unit reported to; what it covers when summed from the reports received.
    partial: str = ""

    @property
    def flagged(self) -> list[UnitLine]:
        return [u for u in self.units if u.flagged]

    @property
    def not_reported(self) -> list[UnitLine]:
        return [u for u in self.units if not u.reported]

    @property
    def flagged_count(self) -> str:
        return f"{format_count(len(self.flagged))}/{format_count(len(self.units))}"


@dataclass
class CityLine:
    name: str
    disbursed: str
    plan: str
    ratio: str
    plan_pm: str | None
    ratio_pm: str | None
    same_period_ratio: str | None
    change_amount: str
    change_points: str
    # '' for a stated city-wide total; what it covers when summed from the reports received.
    partial: str = ""


@dataclass
class FullDigest:
    week: dt.date
    snapshot: Snapshot
    changes: WeekChanges
    city: CityLine | None
    sources: list[CityLine]
    same_period_as_of: dt.date | None
    streams: list[StreamSection]
    new_flags: list[str]
    cleared_flags: list[str]
    movers_up: list[UnitLine]
    movers_down: list[UnitLine]

    @property
    def unchanged(self) -> bool:
        """Last week's digest covered the same snapshot (the banner says so, and what changed before it)."""
        return not self.changes.new_since_last_digest

    @property
    def has_candidates(self) -> bool:
        return any(s.slow or s.fast for s in self.streams)

    @property
    def subject(self) -> str:
        as_of = presentation.date_web(self.snapshot.as_of)
        return f"Bản tin giải ngân tuần {presentation.date_web(self.week)} – số liệu đến hết ngày {as_of}"


@dataclass
class UnitDigest:
    week: dt.date
    snapshot: Snapshot
    changes: WeekChanges
    unit_name: str
    lines: list[UnitLine]
    streams: list[StreamSection]

    @property
    def unchanged(self) -> bool:
        return not self.changes.new_since_last_digest

    @property
    def flagged(self) -> bool:
        return any(line.flagged for line in self.lines)

    @property
    def subject(self) -> str:
        return f"Bản tin giải ngân tuần {presentation.date_web(self.week)} – {self.unit_name}"


def _source_names() -> dict[str, str]:
    return {s.code: s.short_name or s.name for s in BudgetSource.objects.all()}


def _city_line(name: str, figure: Any) -> CityLine:
    return CityLine(
        name=name,
        disbursed=format_amount_with_unit(figure.disbursed),
        plan=format_amount_with_unit(figure.plan) if figure.plan is not None else "–",
        ratio=format_percent(figure.ratio),
        plan_pm=format_amount_with_unit(figure.plan_pm) if figure.plan_pm is not None else None,
        ratio_pm=format_percent(figure.ratio_pm) if figure.ratio_pm is not None else None,
        same_period_ratio=format_percent(figure.same_period_ratio) if figure.same_period_ratio is not None else None,
        change_amount=format_amount_change(figure.change_amount),
        change_points=presentation.points_text(figure.change_points),
        partial=presentation.partial_note(figure, _source_names()),
    )


def _flag_text(flag: Any, streams: dict[int, CapitalStream]) -> str:
    stream = streams.get(getattr(flag, "stream_id", None))
    where = f" ({stream.name})" if stream else ""
    return f"{presentation.unit_name(flag, presentation.DASH)}{where}: {_reason(flag)}"


def stream_sections(snapshot: Snapshot, flags: dict | None = None) -> list[StreamSection]:
    """Each stream's ranking, its flagged units and its reallocation candidates."""
    if flags is None:
        flags = flags_by_unit(snapshot)
    as_of = snapshot.as_of
    sections = []
    for figure in stream_figures(snapshot):
        stream = figure.stream
        units = [
            unit_line(row, stream, flags.get((stream.id, row.investor_id, row.district_id), []), as_of)
            for row in ranking(snapshot, stream)
        ]
        candidates = reallocation_candidates(snapshot, stream)
        sections.append(
            StreamSection(
                stream_id=stream.id,
                name=stream.name,
                disbursed=format_amount_with_unit(figure.disbursed),
                plan=format_amount_with_unit(figure.plan) if figure.plan is not None else "–",
                ratio=format_percent(figure.ratio),
                ratio_value=figure.ratio,
                units=units,
                slow=[unit_line(c.figure, stream, c.reasons, as_of) for c in candidates.slow],
                fast=[unit_line(c.figure, stream, [], as_of) for c in candidates.fast],
                partial=presentation.partial_note(figure),
            )
        )
    return sections


@dataclass(frozen=True)
class WeekChanges:
    """What a week's digest can say changed, from the same stored figures its tables print.

    Every change a table shows (amount, points, rank, flags raised or cleared) is the snapshot's
    against the previous snapshot the compute compared it with (`compared_with`). Whether last
    week's digest already covered this snapshot is a separate fact (`new_since_last_digest`): an
    old snapshot still has the changes it had, and the banner says both, never "không thay đổi"
    while a table shows a change.
    """

    as_of: dt.date
    compared_with: dt.date | None
    last_digest_as_of: dt.date | None
    new_since_last_digest: bool
    changed: bool

    @property
    def since_text(self) -> str:
        """'so với kỳ trước (đến hết ngày 13/07/2024)'."""
        if self.compared_with is None:
            return "so với kỳ trước"
        return f"so với kỳ trước (đến hết ngày {presentation.date_web(self.compared_with)})"

    @property
    def news(self) -> str:
        """Whether the week brings new figures, in one sentence (the home page's line on the digest)."""
        as_of = presentation.date_web(self.as_of)
        if self.new_since_last_digest:
            return f"Bản tin tuần này có số liệu mới đến hết ngày {as_of}."
        return f"Chưa có số liệu mới kể từ bản tin tuần trước: số liệu vẫn đến hết ngày {as_of}."

    @property
    def no_change_text(self) -> str:
        """What section 2 says when no stored figure moved."""
        if self.compared_with is None:
            return "Chưa có kỳ trước để so sánh."
        return f"Số liệu không thay đổi {self.since_text}."

    @property
    def banner(self) -> str:
        as_of = presentation.date_web(self.as_of)
        if self.compared_with is None:
            first = f"Số liệu đến hết ngày {as_of} là kỳ đầu tiên của năm: chưa có kỳ trước để so sánh."
            if self.new_since_last_digest:
                return first
            return f"Chưa có số liệu mới kể từ bản tin tuần trước. {first}"
        if self.changed:
            change = f"Các thay đổi ghi dưới đây là {self.since_text}."
        else:
            change = self.no_change_text
        if self.new_since_last_digest:
            return f"Số liệu mới đến hết ngày {as_of}. {change}"
        return (
            f"Chưa có số liệu mới kể từ bản tin tuần trước: số liệu vẫn đến hết ngày {as_of}, "
            f"như bản tin tuần trước. {change}"
        )


def _compared_with(snapshot: Snapshot) -> dt.date | None:
    """The date of the snapshot the stored changes were computed against (the city's, else any figure's)."""
    figures = Figure.objects.filter(snapshot=snapshot, previous_snapshot__isnull=False)
    row = (
        figures.order_by(Case(When(scope=Figure.Scope.CITY, then=Value(0)), default=Value(1)), "id")
        .values_list("previous_snapshot__as_of", flat=True)
        .first()
    )
    return row


def _figures_changed(snapshot: Snapshot) -> bool:
    """Some stored figure of the snapshot moved since the previous one: an amount, a ratio or a rank."""
    moved = Q(change_amount__gt=0) | Q(change_amount__lt=0) | Q(change_points__gt=0) | Q(change_points__lt=0)
    moved |= Q(rank_change__gt=0) | Q(rank_change__lt=0)
    if Figure.objects.filter(snapshot=snapshot).filter(moved).exists():
        return True
    raised, cleared = flag_changes(snapshot)
    return bool(raised or cleared)


def week_changes(week: dt.date, snapshot: Snapshot) -> WeekChanges:
    """The one account of what changed that the digest's banner, its tables and the home page share."""
    before = digest_snapshot(week - dt.timedelta(days=7))
    compared_with = _compared_with(snapshot)
    return WeekChanges(
        as_of=snapshot.as_of,
        compared_with=compared_with,
        last_digest_as_of=before.as_of if before else None,
        new_since_last_digest=before is None or before.pk != snapshot.pk,
        changed=compared_with is not None and _figures_changed(snapshot),
    )


@dataclass(frozen=True)
class WeekChoice:
    week: dt.date
    as_of: dt.date

    @property
    def label(self) -> str:
        return f"Tuần {presentation.date_web(self.week)} – số liệu đến hết ngày {presentation.date_web(self.as_of)}"


def digest_weeks(today: dt.date | None = None) -> list[WeekChoice]:
    """Weeks with a digest to read, newest first: the current week, and each week that first
    covered a computed date (the Monday on or after it)."""
    today = today or timezone.localdate()
    current = week_start(today)
    dates = (
        Snapshot.objects.current()
        .filter(computed_at__isnull=False, as_of__lte=current)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()
    )
    choices: dict[dt.date, WeekChoice] = {}
    latest = digest_snapshot(current)
    if latest is not None:
        choices[current] = WeekChoice(current, latest.as_of)
    for as_of in dates:
        week = as_of + dt.timedelta(days=(7 - as_of.weekday()) % 7)
        if week <= current:
            choices.setdefault(week, WeekChoice(week, as_of))
    return sorted(choices.values(), key=lambda c: c.week, reverse=True)


def full_digest(week: dt.date, snapshot: Snapshot | None = None) -> FullDigest | None:
    """The staff digest of a week, or None when there is no computed snapshot yet."""
    snapshot = snapshot or digest_snapshot(week)
    if snapshot is None:
        return None
    changes = week_changes(week, snapshot)
    flags = flags_by_unit(snapshot)
    streams = stream_sections(snapshot, flags)
    city = city_figure(snapshot)

    new_flags: list[str] = []
    cleared_flags: list[str] = []
    movers_up: list[UnitLine] = []
    movers_down: list[UnitLine] = []
    # The same stored changes the tables print, whether or not last week's digest covered this snapshot.
    if changes.changed:
        by_id = {s.id: s for s in CapitalStream.objects.all()}
        new, cleared = flag_changes(snapshot)
        new_flags = [_flag_text(f, by_id) for f in new]
        cleared_flags = [_flag_text(f, by_id) for f in cleared]
        units = [u for s in streams for u in s.units]
        movers_up = sorted(
            (u for u in units if u.points_value is not None and u.points_value > 0),
            key=lambda u: u.points_value,
            reverse=True,
        )[:MOVERS]
        movers_down = sorted(
            (u for u in units if u.rank_change_value is not None and u.rank_change_value < 0),
            key=lambda u: (u.rank_change_value, u.points_value or 0),
        )[:MOVERS]

    return FullDigest(
        week=week,
        snapshot=snapshot,
        changes=changes,
        city=_city_line("Toàn thành phố", city) if city else None,
        sources=[_city_line(f.source.name, f) for f in source_figures(snapshot)],
        same_period_as_of=city.same_period_snapshot.as_of if city and city.same_period_snapshot else None,
        streams=streams,
        new_flags=new_flags,
        cleared_flags=cleared_flags,
        movers_up=movers_up,
        movers_down=movers_down,
    )


def unit_digest(week: dt.date, recipient: DigestRecipient, snapshot: Snapshot | None = None) -> UnitDigest | None:
    """The digest of one unit for its head: its lines in each stream that ranks it."""
    snapshot = snapshot or digest_snapshot(week)
    unit = recipient.unit
    if snapshot is None or unit is None:
        return None
    changes = week_changes(week, snapshot)
    streams = [
        s
        for s in stream_sections(snapshot)
        if any(u.key[1:] == (recipient.investor_id, recipient.district_id) for u in s.units)
    ]
    lines = [u for s in streams for u in s.units if u.key[1:] == (recipient.investor_id, recipient.district_id)]
    return UnitDigest(
        week=week,
        snapshot=snapshot,
        changes=changes,
        unit_name=presentation.unit_name(recipient),
        lines=lines,
        streams=streams,
    )


def flagged_units(snapshot: Snapshot) -> tuple[set[int], set[int]]:
    """(investor ids, district ids) with at least one open flag in the snapshot."""
    investors: set[int] = set()
    districts: set[int] = set()
    for (_stream_id, investor_id, district_id), flags in flags_by_unit(snapshot).items():
        if not flags:
            continue
        if investor_id is not None:
            investors.add(investor_id)
        elif district_id is not None:
            districts.add(district_id)
    return investors, districts
