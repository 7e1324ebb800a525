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

from django.conf import settings
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import presentation
from core.notation import UNIT_RATIO_PLACES, format_amount_with_unit, format_count, format_number, format_percent
from disbursement.figures.selectors import (
    city_figure,
    ranking,
    reallocation_candidates,
    source_figures,
    stream_figures,
    unit_columns,
)
from disbursement.flags.selectors import flag_change_counts, flag_changes, open_flags
from disbursement.followup.selectors import Attention, attention
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
    # 'và 49.960 đơn vị khác' on the first line listed after units left out of a long ranking, else ''.
    omitted_before: str = ""

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
    # The units listed: all of a short ranking; the first and last DIGEST_MAX_UNITS / 2 of a long one
    # (and, in a unit's digest, its own line), the line after the gap saying how many are left out.
    units: list[UnitLine]
    slow: list[UnitLine] = field(default_factory=list)
    fast: list[UnitLine] = field(default_factory=list)
    # '' for a total every unit reported to; what it covers when summed from the reports received.
    partial: str = ""
    # Counts over the whole ranking, listed or not (None: count the lines listed).
    units_total: int | None = None
    flagged_total: int | None = None
    not_reported_total: int | None = None
    # 'và N đơn vị khác' after candidates left out, else ''.
    slow_more: str = ""
    fast_more: str = ""

    @property
    def flagged(self) -> list[UnitLine]:
        return [u for u in self.units if u.flagged]

    @property
    def not_reported(self) -> list[UnitLine]:
        return [u for u in self.units if not u.reported]

    @property
    def not_reported_count(self) -> int:
        return self.not_reported_total if self.not_reported_total is not None else len(self.not_reported)

    @property
    def flagged_count(self) -> str:
        flagged = self.flagged_total if self.flagged_total is not None else len(self.flagged)
        total = self.units_total if self.units_total is not None else len(self.units)
        return f"{format_count(flagged)}/{format_count(total)}"


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
    # 'và N cảnh báo khác' after the first DIGEST_MAX_UNITS flags raised or cleared, else ''.
    new_flags_more: str = ""
    cleared_flags_more: str = ""
    # Listed first: explanations overdue and commitments missed.
    follow_up: Attention | None = None

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
    # The unit's own overdue explanations and missed commitments, listed first.
    follow_up: Attention | None = None

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


def _more_flags(count: int) -> str:
    return f"và {format_number(count)} cảnh báo khác" if count > 0 else ""


def _flag_text(flag: Any, streams: dict[int, CapitalStream]) -> str:
    stream = streams.get(getattr(flag, "stream_id", None))
    where = f" ({stream.name})" if stream else ""
    return f"{presentation.unit_name(flag, presentation.DASH)}{where}: {_reason(flag)}"


def max_units() -> int:
    """How many units of one stream a digest lists at most (DIGEST_MAX_UNITS, at least 2)."""
    return max(2, settings.DIGEST_MAX_UNITS)


def _others(count: int) -> str:
    return f"và {format_number(count)} đơn vị khác" if count > 0 else ""


def _ordered(rows: QuerySet[Figure]) -> list:
    """The ranking's order made total (the id last), so that its first and last rows never overlap."""
    return [*rows.query.order_by, "pk"]


def _unit_flags(snapshot: Snapshot, stream: CapitalStream, rows: list[Figure]) -> dict[tuple, list[Any]]:
    """Open flags of these units of the stream, keyed as flags_by_unit keys them, read for these rows only."""
    unit, other = unit_columns(stream)
    ids = {getattr(row, unit) for row in rows}
    found: dict[tuple, list[Any]] = {}
    if not ids:
        return found
    for flag in open_flags(snapshot).filter(stream=stream, **{f"{unit}__in": ids, f"{other}__isnull": True}):
        found.setdefault((flag.stream_id, flag.investor_id, flag.district_id), []).append(flag)
    return found


def _lines(snapshot: Snapshot, stream: CapitalStream, rows: list[Figure]) -> list[UnitLine]:
    flags = _unit_flags(snapshot, stream, rows)
    return [
        unit_line(row, stream, flags.get((stream.id, row.investor_id, row.district_id), []), snapshot.as_of)
        for row in rows
    ]


def _listed_rows(snapshot: Snapshot, stream: CapitalStream, total: int, keep: dict | None) -> tuple[list, int, int]:
    """(rows listed, how many of them come before the gap, how many are left out).

    A ranking of at most max_units() is listed whole; a longer one by its first and last halves, read with
    LIMIT, plus the rows of `keep` ({"investor_id": 5}: a unit's own lines) after the first half.
    """
    rows = ranking(snapshot, stream)
    order = _ordered(rows)
    limit = max_units()
    if total <= limit:
        return list(rows.order_by(*order)), total, 0
    first = list(rows.order_by(*order)[: (limit + 1) // 2])
    last = list(rows.order_by(*order).reverse()[: limit // 2])[::-1]
    seen = {row.pk for row in first + last}
    own = [row for row in rows.filter(**keep).order_by(*order) if row.pk not in seen] if keep else []
    listed = first + own + last
    return listed, len(first), total - len(listed)


def stream_section(
    snapshot: Snapshot, figure: Figure, *, keep: dict | None = None, candidates: bool = True
) -> StreamSection:
    """One stream's ranking, bounded (see _listed_rows), its counts over every unit, its reallocation candidates.

    The counts are the database's; the rows read are the listed ones: a digest of 50,000 units reads as
    many rows as one of 50.
    """
    stream = figure.stream
    unit, other = unit_columns(stream)
    has_flag = Exists(
        open_flags(snapshot)
        .filter(stream_id=OuterRef("stream_id"), **{unit: OuterRef(unit)})
        .filter(**{f"{other}__isnull": True})
    )
    counts = ranking(snapshot, stream).aggregate(
        total=Count("pk"),
        not_reported=Count("pk", filter=Q(disbursed__isnull=True)),
        flagged=Count("pk", filter=Q(has_flag)),
    )
    rows, before_gap, omitted = _listed_rows(snapshot, stream, counts["total"], keep)
    units = _lines(snapshot, stream, rows)
    if omitted and before_gap < len(units):
        units[before_gap].omitted_before = _others(omitted)
    section = StreamSection(
        stream_id=stream.id,
        name=stream.name,
        disbursed=format_amount_with_unit(figure.disbursed),
        plan=format_amount_with_unit(figure.plan) if figure.plan is not None else "–",
        ratio=format_percent(figure.ratio),
        ratio_value=figure.ratio,
        units=units,
        partial=presentation.partial_note(figure),
        units_total=counts["total"],
        flagged_total=counts["flagged"],
        not_reported_total=counts["not_reported"],
    )
    if candidates:
        found = reallocation_candidates(snapshot, stream, limit=max_units())
        section.slow = [unit_line(c.figure, stream, c.reasons, snapshot.as_of) for c in found.slow]
        section.fast = [unit_line(c.figure, stream, [], snapshot.as_of) for c in found.fast]
        section.slow_more, section.fast_more = _others(found.slow_more), _others(found.fast_more)
    return section


def stream_sections(snapshot: Snapshot) -> list[StreamSection]:
    """Each stream's ranking (bounded), its flagged units and its reallocation candidates."""
    return [stream_section(snapshot, figure) for figure in stream_figures(snapshot)]


def movers(snapshot: Snapshot) -> tuple[list[UnitLine], list[UnitLine]]:
    """(the MOVERS units whose ratio rose most, the MOVERS that fell furthest in rank), over every stream.

    Each stream gives its own first MOVERS by the database's order; the streams' are merged in stream order,
    as if every unit of every stream had been sorted.
    """
    ups: list[tuple[CapitalStream, Figure]] = []
    downs: list[tuple[CapitalStream, Figure]] = []
    for figure in stream_figures(snapshot):
        stream = figure.stream
        rows = ranking(snapshot, stream)
        order = _ordered(rows)
        ups += [(stream, r) for r in rows.filter(change_points__gt=0).order_by("-change_points", *order)[:MOVERS]]
        fallen = rows.filter(rank_change__lt=0).annotate(points=Coalesce("change_points", Value(Decimal(0))))
        downs += [(stream, r) for r in fallen.order_by("rank_change", "points", *order)[:MOVERS]]
    ups = sorted(ups, key=lambda t: t[1].change_points, reverse=True)[:MOVERS]
    downs = sorted(downs, key=lambda t: (t[1].rank_change, t[1].change_points or 0))[:MOVERS]

    def lines(chosen):
        result = []
        for stream, row in chosen:
            flags = _unit_flags(snapshot, stream, [row]).get((stream.id, row.investor_id, row.district_id), [])
            result.append(unit_line(row, stream, flags, snapshot.as_of))
        return result

    return lines(ups), lines(downs)


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
    figures = Figure.objects.of(snapshot).filter(previous_snapshot__isnull=False)
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
    if Figure.objects.of(snapshot).filter(moved).exists():
        return True
    raised, cleared = flag_change_counts(snapshot)
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
    streams = stream_sections(snapshot)
    city = city_figure(snapshot)

    new_flags: list[str] = []
    cleared_flags: list[str] = []
    movers_up: list[UnitLine] = []
    movers_down: list[UnitLine] = []
    # The same stored changes the tables print, whether or not last week's digest covered this snapshot.
    new_flags_more = cleared_flags_more = ""
    if changes.changed:
        by_id = {s.id: s for s in CapitalStream.objects.all()}
        new, cleared = flag_changes(snapshot, limit=max_units())
        new_flags = [_flag_text(f, by_id) for f in new]
        cleared_flags = [_flag_text(f, by_id) for f in cleared]
        raised_total, cleared_total = flag_change_counts(snapshot)
        new_flags_more = _more_flags(raised_total - len(new))
        cleared_flags_more = _more_flags(cleared_total - len(cleared))
        movers_up, movers_down = movers(snapshot)

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
        new_flags_more=new_flags_more,
        cleared_flags_more=cleared_flags_more,
        movers_up=movers_up,
        movers_down=movers_down,
        follow_up=attention(snapshot),
    )


def unit_digest(week: dt.date, recipient: DigestRecipient, snapshot: Snapshot | None = None) -> UnitDigest | None:
    """The digest of one unit for its head: its lines in each stream that ranks it."""
    snapshot = snapshot or digest_snapshot(week)
    unit = recipient.unit
    if snapshot is None or unit is None:
        return None
    changes = week_changes(week, snapshot)
    keep = {"investor_id": recipient.investor_id} if recipient.investor_id else {"district_id": recipient.district_id}
    streams = []
    for figure in stream_figures(snapshot):
        # Only the streams that rank the unit; its own lines are listed however long the ranking.
        if unit_columns(figure.stream)[0] in keep and ranking(snapshot, figure.stream).filter(**keep).exists():
            streams.append(stream_section(snapshot, figure, keep=keep, candidates=False))
    lines = [u for s in streams for u in s.units if u.key[1:] == (recipient.investor_id, recipient.district_id)]
    return UnitDigest(
        week=week,
        snapshot=snapshot,
        changes=changes,
        unit_name=presentation.unit_name(recipient),
        lines=lines,
        streams=streams,
        follow_up=attention(snapshot, unit=keep),
    )


def flagged_units(snapshot: Snapshot) -> tuple[set[int], set[int]]:
    """(investor ids, district ids) with at least one open flag in the snapshot."""
    investors: set[int] = set()
    districts: set[int] = set()
    units = open_flags(snapshot).order_by().values_list("investor_id", "district_id").distinct()
    for investor_id, district_id in units:
        if investor_id is not None:
            investors.add(investor_id)
        elif district_id is not None:
            districts.add(district_id)
    return investors, districts
