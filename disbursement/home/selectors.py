"""The staff's week on one screen: each block of the admin home page is read by one function here.

Figures come from the stored figures (disbursement.figures), reports received and missing from the
coverage of the latest date, flags from disbursement.flags, the digest's state from its delivery log
and its change summary (the same one the digest prints), the draft from the report's selectors.
Numbers are written through core.notation and core.presentation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core import presentation
from core.notation import format_amount_with_unit, format_count, format_percent
from disbursement.digest.selectors import WeekChanges, current_week, digest_snapshot, week_changes
from disbursement.figures.coverage import CARRIED, NOT_REPORTED, coverage
from disbursement.figures.selectors import city_figure, source_figures
from disbursement.flags.selectors import flag_changes, open_flags
from disbursement.followup.selectors import overdue_requests
from disbursement.models import DigestDelivery, DigestRecipient, Figure, FlagRule, Snapshot, Submission
from disbursement.snapshots.selectors import latest_snapshot

# How many names a block lists before it says "và N đơn vị khác".
LISTED = 8


def _direction(value: Decimal | int | None) -> str:
    """'up', 'down' or 'same' for a change; '' when there is nothing to compare with."""
    if value is None:
        return ""
    return "up" if value > 0 else "down" if value < 0 else "same"


def _amount_change(amount: int | None) -> str:
    if amount is None:
        return presentation.DASH
    text = format_amount_with_unit(amount)
    return f"+{text}" if amount > 0 else text


@dataclass(frozen=True)
class Headline:
    """One line of the headline: the city or a budget source, on the latest date."""

    name: str
    disbursed: str
    plan: str
    ratio: str
    change_amount: str
    change_points: str
    change_direction: str
    same_period_ratio: str
    same_period_gap: str
    same_period_direction: str
    partial: str = ""


def _headline(name: str, figure: Figure) -> Headline:
    gap = None
    if figure.ratio is not None and figure.same_period_ratio is not None:
        gap = figure.ratio - figure.same_period_ratio
    return Headline(
        name=name,
        disbursed=format_amount_with_unit(figure.disbursed) if figure.disbursed is not None else presentation.DASH,
        plan=format_amount_with_unit(figure.plan) if figure.plan is not None else presentation.DASH,
        ratio=format_percent(figure.ratio) if figure.ratio is not None else presentation.DASH,
        change_amount=_amount_change(figure.change_amount),
        change_points=presentation.points_text(figure.change_points),
        change_direction=_direction(figure.change_points if figure.change_points is not None else figure.change_amount),
        same_period_ratio=(
            format_percent(figure.same_period_ratio) if figure.same_period_ratio is not None else presentation.DASH
        ),
        same_period_gap=presentation.points_text(gap),
        same_period_direction=_direction(gap),
        partial=presentation.partial_note(figure),
    )


@dataclass(frozen=True)
class Headlines:
    snapshot: Snapshot
    computed: bool
    previous_as_of: dt.date | None
    same_period_as_of: dt.date | None
    city: Headline | None
    sources: list[Headline]


def headlines(snapshot: Snapshot) -> Headlines:
    """The city's and each source's figure on the snapshot's date, the change since the previous
    date and the gap to the same period last year, as stored by the compute."""
    city = city_figure(snapshot)
    previous = (
        Snapshot.objects.filter(pk=city.previous_snapshot_id).values_list("as_of", flat=True).first()
        if city is not None and city.previous_snapshot_id
        else None
    )
    return Headlines(
        snapshot=snapshot,
        computed=snapshot.computed_at is not None and city is not None,
        previous_as_of=previous,
        same_period_as_of=city.same_period_snapshot.as_of if city and city.same_period_snapshot else None,
        city=_headline("Toàn thành phố", city) if city else None,
        sources=[_headline(f.source.name, f) for f in source_figures(snapshot)],
    )


@dataclass(frozen=True)
class Arrival:
    submission: Submission
    label: str
    imported_at: str


def arrivals_since(since: dt.datetime) -> list[Arrival]:
    """Files received (imported) since the moment, newest first."""
    rows = Submission.objects.filter(imported_at__gte=since).select_related("snapshot").order_by("-imported_at", "-id")
    return [Arrival(s, str(s), presentation.datetime_web(s.imported_at)) for s in rows]


def week_began(now: dt.datetime | None = None) -> dt.datetime:
    """Monday 00:00 of the current week in the service's time zone."""
    now = timezone.localtime(now)
    monday = now.date() - dt.timedelta(days=now.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time.min), now.tzinfo)


@dataclass
class StreamMissing:
    stream: str
    total: int
    not_reported: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)

    @property
    def missing_count(self) -> int:
        return len(self.not_reported) + len(self.carried)

    @property
    def listed(self) -> list[str]:
        return (self.not_reported + self.carried)[:LISTED]

    @property
    def more(self) -> int:
        return max(0, self.missing_count - LISTED)


@dataclass(frozen=True)
class Missing:
    snapshot: Snapshot
    streams: list[StreamMissing]
    city_is_partial: bool

    @property
    def count(self) -> int:
        return sum(s.missing_count for s in self.streams)


def missing_reports(snapshot: Snapshot) -> Missing:
    """Units without a report on the snapshot's date: not reported this year, or carried from an earlier report."""
    data = coverage(snapshot)
    streams = []
    for item in data.streams:
        row = StreamMissing(stream=item.stream.name, total=len(item.units))
        for unit in item.units:
            name = presentation.unit_name(unit.figure, presentation.DASH)
            if unit.status == NOT_REPORTED:
                row.not_reported.append(name)
            elif unit.status == CARRIED:
                carried = presentation.carried_from(unit.figure, snapshot.as_of)
                row.carried.append(f"{name} (số liệu ngày {presentation.date_web(carried)})")
        streams.append(row)
    return Missing(snapshot=snapshot, streams=streams, city_is_partial=data.city_is_partial)


@dataclass(frozen=True)
class FlagSummary:
    open_count: int
    by_kind: list[tuple[str, int]]
    raised: int
    cleared: int


def flag_summary(snapshot: Snapshot) -> FlagSummary:
    """Flags open on the snapshot's date, by kind, and how many it raised and cleared."""
    counts = open_flags(snapshot).order_by().values("kind").annotate(n=Count("id")).order_by("-n", "kind")
    labels = dict(FlagRule.Kind.choices)
    raised, cleared = flag_changes(snapshot)
    by_kind = [(labels.get(row["kind"], row["kind"]), row["n"]) for row in counts]
    return FlagSummary(open_count=sum(n for _, n in by_kind), by_kind=by_kind, raised=len(raised), cleared=len(cleared))


@dataclass(frozen=True)
class Overdue:
    """An explanation asked of a unit and not given by its deadline."""

    unit: str
    stream: str
    deadline: str
    days: int
    request_id: int


def overdue_explanations(year: int, today: dt.date | None = None) -> list[Overdue]:
    """Explanation requests of the year past their deadline today, oldest deadline first."""
    today = today or timezone.localdate()
    return [
        Overdue(
            unit=presentation.unit_name(request, presentation.DASH),
            stream=request.stream.name,
            deadline=presentation.date_web(request.deadline),
            days=(today - request.deadline).days,
            request_id=request.pk,
        )
        for request in overdue_requests(year, today)
    ]


WEEKLY_TASK = "disbursement.digest.tasks.send_weekly_digests_task"
WEEKDAYS = {
    "0": "Chủ nhật",
    "1": "thứ Hai",
    "2": "thứ Ba",
    "3": "thứ Tư",
    "4": "thứ Năm",
    "5": "thứ Sáu",
    "6": "thứ Bảy",
}


@dataclass(frozen=True)
class Schedule:
    """When the weekly digest goes out by itself (the beat's periodic task, editable in the admin)."""

    task_id: int
    enabled: bool
    when: str


def digest_schedule() -> Schedule | None:
    task = PeriodicTask.objects.filter(task=WEEKLY_TASK).select_related("crontab").order_by("id").first()
    if task is None:
        return None
    cron = task.crontab
    when = ""
    if cron is not None:
        day = WEEKDAYS.get(cron.day_of_week, f"ngày trong tuần {cron.day_of_week}")
        if cron.hour.isdigit() and cron.minute.isdigit():
            when = f"{day} lúc {int(cron.hour):02d}:{int(cron.minute):02d}"
        else:
            when = f"{day}, giờ {cron.hour}, phút {cron.minute}"
    return Schedule(task_id=task.pk, enabled=task.enabled, when=when)


@dataclass(frozen=True)
class DigestStatus:
    week: dt.date
    snapshot: Snapshot | None
    changes: WeekChanges | None
    recipients: int
    paused: int
    sent: int
    waiting: int
    failed: int
    staff_recipient_id: int | None
    schedule: Schedule | None = None

    @property
    def state(self) -> str:
        if self.snapshot is None:
            return "Chưa có kỳ số liệu đã tính: tuần này chưa có bản tin."
        if self.failed:
            return f"Có {format_count(self.failed, 1)} lượt gửi lỗi, cần gửi lại."
        if self.sent and not self.waiting:
            return f"Đã gửi {format_count(self.sent, 1)} bản tin tuần này."
        if self.sent or self.waiting:
            return f"Đã gửi {format_count(self.sent, 1)}, đang chờ gửi {format_count(self.waiting, 1)}."
        return "Chưa gửi bản tin tuần này."


def digest_status(week: dt.date | None = None) -> DigestStatus:
    """This week's digest: the snapshot it covers, what changed, and its deliveries."""
    week = week or current_week()
    snapshot = digest_snapshot(week)
    counts = dict(DigestDelivery.objects.filter(week=week).order_by().values_list("status").annotate(n=Count("id")))
    Status = DigestDelivery.Status
    recipients = DigestRecipient.objects.all()
    staff = recipients.filter(kind=DigestRecipient.Kind.STAFF, paused=False).order_by("pk").first()
    return DigestStatus(
        week=week,
        snapshot=snapshot,
        changes=week_changes(week, snapshot) if snapshot is not None else None,
        recipients=recipients.filter(paused=False).count(),
        paused=recipients.filter(paused=True).count(),
        sent=counts.get(Status.SENT, 0),
        waiting=counts.get(Status.PENDING, 0) + counts.get(Status.CLAIMED, 0),
        failed=counts.get(Status.FAILED, 0),
        staff_recipient_id=staff.pk if staff else None,
        schedule=digest_schedule(),
    )


@dataclass(frozen=True)
class Home:
    snapshot: Snapshot | None
    headlines: Headlines | None
    arrivals: list[Arrival]
    arrivals_since: dt.datetime
    missing: Missing | None
    flags: FlagSummary | None
    overdue: list[Overdue]
    digest: DigestStatus


def home(now: dt.datetime | None = None) -> Home:
    """Everything the home page shows, for the latest current snapshot."""
    snapshot = latest_snapshot()
    since = week_began(now)
    computed = snapshot is not None and snapshot.computed_at is not None
    return Home(
        snapshot=snapshot,
        headlines=headlines(snapshot) if snapshot is not None else None,
        arrivals=arrivals_since(since),
        arrivals_since=since,
        missing=missing_reports(snapshot) if computed else None,
        flags=flag_summary(snapshot) if computed else None,
        overdue=overdue_explanations(snapshot.year) if snapshot is not None else [],
        digest=digest_status(),
    )
