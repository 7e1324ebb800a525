"""What the weekly digest says: built from the computed figures, formatted for reading.

Figures and reallocation candidates come only from disbursement.figures.selectors,
flags from disbursement.flags.selectors, numbers are written only through
core.notation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.notation import (
    CITY_RATIO_PLACES,
    UNIT_RATIO_PLACES,
    format_amount_with_unit,
    format_count,
    format_number,
    format_percent,
    format_unit_percent,
)
from disbursement.figures.selectors import (
    city_figure,
    ranking,
    reallocation_candidates,
    source_figures,
    stream_figures,
)
from disbursement.flags.selectors import flag_changes, flags_by_unit
from disbursement.models import CapitalStream, DigestRecipient, Snapshot

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


def format_date(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "–"


def format_points(points: Decimal | None, places: int = CITY_RATIO_PLACES) -> str:
    """A change in percentage points: '+5,70 điểm %'; units with one decimal, ',0' dropped."""
    if points is None:
        return "–"
    text = format_number(points, places, drop_zero_fraction=places == UNIT_RATIO_PLACES)
    positive = points > 0 and text.strip("0,.") != ""
    return f"+{text} điểm %" if positive else f"{text} điểm %"


def format_rank_change(change: int | None) -> str:
    if change is None:
        return "–"
    if change > 0:
        return f"tăng {format_number(change)} bậc"
    if change < 0:
        return f"giảm {format_number(-change)} bậc"
    return "giữ nguyên"


def format_amount_change(amount: int | None) -> str:
    if amount is None:
        return "–"
    text = format_amount_with_unit(amount)
    return f"+{text}" if amount > 0 else text


def unit_name(row: Any) -> str:
    unit = getattr(row, "investor", None) or getattr(row, "district", None)
    return unit.display_name if unit is not None else "–"


@dataclass
class UnitLine:
    name: str
    stream: str
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
        """'huyện Kiến Thụy (183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)', as the reports write it."""
        return f"{self.name} ({self.disbursed} / {self.plan}, đạt {self.ratio})"


def _reason(flag: Any) -> str:
    return str(getattr(flag, "reason", "") or flag)


def unit_line(row: Any, stream: CapitalStream, flags: list[Any]) -> UnitLine:
    rank = getattr(row, "rank", None)
    rank_of = getattr(row, "rank_of", None)
    weekly = getattr(row, "weekly_required", None)
    remaining = getattr(row, "remaining_amount", None)
    plan = getattr(row, "plan", None)
    return UnitLine(
        name=unit_name(row),
        stream=stream.name,
        disbursed=format_amount_with_unit(row.disbursed),
        plan=format_amount_with_unit(plan) if plan is not None else "chưa có kế hoạch",
        ratio=format_unit_percent(getattr(row, "ratio", None)),
        rank=(f"{rank}/{rank_of}" if rank_of else str(rank)) if rank is not None else "–",
        rank_change=format_rank_change(getattr(row, "rank_change", None)),
        change_points=format_points(getattr(row, "change_points", None), UNIT_RATIO_PLACES),
        change_amount=format_amount_change(getattr(row, "change_amount", None)),
        weekly_required=format_amount_with_unit(weekly) if weekly is not None else None,
        remaining=format_amount_with_unit(remaining) if remaining is not None else None,
        flags=[_reason(f) for f in flags],
        ratio_value=getattr(row, "ratio", None),
        points_value=getattr(row, "change_points", None),
        rank_change_value=getattr(row, "rank_change", None),
        key=(stream.id, getattr(row, "investor_id", None), getattr(row, "district_id", None)),
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

    @property
    def flagged(self) -> list[UnitLine]:
        return [u for u in self.units if u.flagged]

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


@dataclass
class FullDigest:
    week: dt.date
    snapshot: Snapshot
    unchanged: bool
    previous_as_of: dt.date | None
    city: CityLine | None
    sources: list[CityLine]
    same_period_as_of: dt.date | None
    streams: list[StreamSection]
    new_flags: list[str]
    cleared_flags: list[str]
    movers_up: list[UnitLine]
    movers_down: list[UnitLine]

    @property
    def has_candidates(self) -> bool:
        return any(s.slow or s.fast for s in self.streams)

    @property
    def subject(self) -> str:
        as_of = format_date(self.snapshot.as_of)
        return f"Bản tin giải ngân tuần {format_date(self.week)} – số liệu đến hết ngày {as_of}"


@dataclass
class UnitDigest:
    week: dt.date
    snapshot: Snapshot
    unchanged: bool
    unit_name: str
    lines: list[UnitLine]
    streams: list[StreamSection]

    @property
    def flagged(self) -> bool:
        return any(line.flagged for line in self.lines)

    @property
    def subject(self) -> str:
        return f"Bản tin giải ngân tuần {format_date(self.week)} – {self.unit_name}"


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
        change_points=format_points(figure.change_points),
    )


def _flag_text(flag: Any, streams: dict[int, CapitalStream]) -> str:
    unit = getattr(flag, "investor", None) or getattr(flag, "district", None)
    stream = streams.get(getattr(flag, "stream_id", None))
    where = f" ({stream.name})" if stream else ""
    name = unit.display_name if unit is not None else "–"
    return f"{name}{where}: {_reason(flag)}"


def stream_sections(snapshot: Snapshot, flags: dict | None = None) -> list[StreamSection]:
    """Each stream's ranking, its flagged units and its reallocation candidates."""
    if flags is None:
        flags = flags_by_unit(snapshot)
    sections = []
    for figure in stream_figures(snapshot):
        stream = figure.stream
        units = [
            unit_line(row, stream, flags.get((stream.id, row.investor_id, row.district_id), []))
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
                slow=[unit_line(c.figure, stream, c.reasons) for c in candidates.slow],
                fast=[unit_line(c.figure, stream, []) for c in candidates.fast],
            )
        )
    return sections


def _unchanged(week: dt.date, snapshot: Snapshot) -> tuple[bool, dt.date | None]:
    before = digest_snapshot(week - dt.timedelta(days=7))
    if before is None:
        return False, None
    return before.pk == snapshot.pk, before.as_of


def full_digest(week: dt.date, snapshot: Snapshot | None = None) -> FullDigest | None:
    """The staff digest of a week, or None when there is no computed snapshot yet."""
    snapshot = snapshot or digest_snapshot(week)
    if snapshot is None:
        return None
    unchanged, previous_as_of = _unchanged(week, snapshot)
    flags = flags_by_unit(snapshot)
    streams = stream_sections(snapshot, flags)
    city = city_figure(snapshot)

    new_flags: list[str] = []
    cleared_flags: list[str] = []
    movers_up: list[UnitLine] = []
    movers_down: list[UnitLine] = []
    if not unchanged:
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
        unchanged=unchanged,
        previous_as_of=previous_as_of,
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
    unchanged, _ = _unchanged(week, snapshot)
    streams = [
        s
        for s in stream_sections(snapshot)
        if any(u.key[1:] == (recipient.investor_id, recipient.district_id) for u in s.units)
    ]
    lines = [u for s in streams for u in s.units if u.key[1:] == (recipient.investor_id, recipient.district_id)]
    return UnitDigest(
        week=week,
        snapshot=snapshot,
        unchanged=unchanged,
        unit_name=unit.display_name,
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
