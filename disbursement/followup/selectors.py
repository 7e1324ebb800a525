"""Reads of the follow-up: each unit's follow-up status, overdue requests, missed commitments, a unit's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.notation import format_amount_with_unit
from disbursement.flags.followup import overdue_on
from disbursement.models import Commitment, ExplanationRequest, Flag, PublicHoliday, Snapshot

Status = ExplanationRequest.Status
UnitKey = tuple  # (stream_id, investor_id, district_id)


def public_holidays() -> frozenset[dt.date]:
    """The days that are not working days besides weekends (the list staff keep in the admin)."""
    return frozenset(PublicHoliday.objects.values_list("date", flat=True))


def latest_computed_snapshot(year: int) -> Snapshot | None:
    return Snapshot.objects.current().filter(year=year, computed_at__isnull=False).order_by("-as_of", "-id").first()


def reference_day(snapshot: Snapshot, today: dt.date | None = None) -> dt.date:
    """The day a snapshot's follow-up is read on: today for the year's latest snapshot, else its own date."""
    latest = latest_computed_snapshot(snapshot.year)
    if latest is not None and latest.pk == snapshot.pk:
        return max(snapshot.as_of, today or timezone.localdate())
    return snapshot.as_of


def overdue_days(year: int, day: dt.date) -> dict[UnitKey, int]:
    """Per unit and stream, how many days its oldest overdue request is past its deadline on `day`."""
    days: dict[UnitKey, int] = {}
    for stream_id, investor_id, district_id, deadline in (
        overdue_on(day, year).order_by("deadline").values_list("stream_id", "investor_id", "district_id", "deadline")
    ):
        days.setdefault((stream_id, investor_id, district_id), (day - deadline).days)
    return days


def overdue_requests(year: int, day: dt.date) -> QuerySet[ExplanationRequest]:
    """Requests past their deadline on `day` without an answer by then, oldest deadline first."""
    return overdue_on(day, year).select_related("investor", "district", "stream").order_by("deadline", "id")


def missed_commitments(snapshot: Snapshot) -> QuerySet[Commitment]:
    """Commitments judged missed on or before the snapshot's date, largest shortfall first."""
    return (
        Commitment.objects.filter(year=snapshot.year, status=Commitment.Status.MISSED, evaluated_on__lte=snapshot.as_of)
        .exclude(explanation__request__status=Status.CANCELLED)
        .select_related("investor", "district", "stream", "explanation__request")
        .order_by("-shortfall", "due", "id")
    )


@dataclass(frozen=True)
class FollowUp:
    """Where a unit stands in the follow-up of its flags, as the rankings show it."""

    status: str  # 'missed_commitment' | 'overdue' | 'requested' | 'explained'
    label: str
    request_id: int | None = None

    @property
    def css_class(self) -> str:
        return f"follow-up-{self.status.replace('_', '-')}"


LABELS = {
    "missed_commitment": "cam kết không đạt",
    "overdue": "quá hạn giải trình",
    "requested": "đang chờ giải trình",
    "explained": "đã giải trình",
}
# The most pressing status is shown when several apply.
PRIORITY = ["missed_commitment", "overdue", "requested", "explained"]


def follow_up_by_unit(snapshot: Snapshot, today: dt.date | None = None) -> dict[UnitKey, FollowUp]:
    """Each unit's follow-up status on the snapshot's date, keyed (stream_id, investor_id, district_id).

    Requests made by then count; an answer given after the date does not; the year's latest snapshot is read
    as of today.
    """
    day = reference_day(snapshot, today)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    found: dict[UnitKey, dict[str, int]] = {}
    requests = (
        ExplanationRequest.objects.filter(year=snapshot.year, requested_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .order_by("requested_at", "id")
    )
    for request in requests.values_list("id", "stream_id", "investor_id", "district_id", "deadline", "answered_at"):
        request_id, stream_id, investor_id, district_id, deadline, answered_at = request
        answered = answered_at is not None and answered_at < end
        if answered:
            status = "explained"
        elif deadline < day:
            status = "overdue"
        else:
            status = "requested"
        found.setdefault((stream_id, investor_id, district_id), {}).setdefault(status, request_id)
    for commitment in missed_commitments(snapshot).values_list(
        "stream_id", "investor_id", "district_id", "explanation__request_id"
    ):
        *key, request_id = commitment
        found.setdefault(tuple(key), {}).setdefault("missed_commitment", request_id)
    result = {}
    for key, statuses in found.items():
        status = next(s for s in PRIORITY if s in statuses)
        result[key] = FollowUp(status, LABELS[status], statuses[status])
    return result


def unit_requests(year: int, *, investor=None, district=None, stream=None) -> QuerySet[ExplanationRequest]:
    requests = ExplanationRequest.objects.filter(year=year)
    requests = requests.filter(investor=investor) if investor is not None else requests.filter(district=district)
    if stream is not None:
        requests = requests.filter(stream=stream)
    return requests.select_related("stream", "explanation__cause").prefetch_related("explanation__commitments")


def unit_commitments(year: int, *, stream=None, investor=None, district=None) -> QuerySet[Commitment]:
    """A unit's commitments of the year (requests not cancelled), by date."""
    unit = Q(investor=investor) if investor is not None else Q(district=district)
    rows = Commitment.objects.filter(unit, year=year).exclude(explanation__request__status=Status.CANCELLED)
    if stream is not None:
        rows = rows.filter(stream=stream)
    return rows.order_by("due", "id")


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str  # 'flag_raised' | 'flag_cleared' | 'requested' | 'explained' | 'overdue' | 'commitment'
    title: str
    text: str
    # The unit it is about, on a successor's page (a predecessor's entries).
    unit: str = ""


OPEN_AT_CHANGE = "còn mở khi sắp xếp"
UNANSWERED_AT_CHANGE = "chưa giải trình khi sắp xếp"


def predecessors_timeline(
    year: int, predecessors: list[tuple[object, dt.date]], *, stream=None, today: dt.date | None = None
) -> list[TimelineEntry]:
    """The flags, requests, explanations and commitments of a unit's predecessors in the year, by date, each
    naming its unit; a flag still open and a request still unanswered when the unit passed on say so.

    `predecessors`: (investor or local unit, the date it passed to the successor).
    """
    entries: list[TimelineEntry] = []
    for unit, changed_on in predecessors:
        unit_filter = {"investor": unit} if unit._meta.model_name == "investor" else {"district": unit}
        for entry in unit_timeline(year, stream=stream, today=today, open_on=changed_on, **unit_filter):
            entries.append(TimelineEntry(entry.day, entry.kind, entry.title, entry.text, unit.display_name))
    entries.sort(key=lambda e: (e.day, PRIORITY_OF_KIND.get(e.kind, 9), e.unit))
    return entries


def unit_timeline(
    year: int,
    *,
    investor=None,
    district=None,
    stream=None,
    today: dt.date | None = None,
    open_on: dt.date | None = None,
) -> list[TimelineEntry]:
    """A unit's flags, explanation requests, explanations and commitments of the year, by date.

    `open_on`: the date the unit passed to a successor; flags open then and requests unanswered then say so.
    """
    today = today or timezone.localdate()
    unit = Q(investor=investor) if investor is not None else Q(district=district)
    flags = Flag.objects.filter(unit, year=year)
    if stream is not None:
        flags = flags.filter(stream=stream)
    entries: list[TimelineEntry] = []
    for flag in flags.order_by("raised_on", "id"):
        kind_label = flag.get_kind_display()
        still_open = (
            open_on is not None and flag.raised_on < open_on and (flag.cleared_on is None or flag.cleared_on >= open_on)
        )
        title = f"Cảnh báo: {kind_label}" + (f" ({OPEN_AT_CHANGE})" if still_open else "")
        entries.append(TimelineEntry(flag.raised_on, "flag_raised", title, flag.reason))
        if flag.cleared_on:
            entries.append(TimelineEntry(flag.cleared_on, "flag_cleared", f"Hết cảnh báo: {kind_label}", ""))
    for request in unit_requests(year, investor=investor, district=district, stream=stream):
        asked = timezone.localdate(request.requested_at)
        explanation = getattr(request, "explanation", None)
        unanswered = (
            open_on is not None
            and request.status != Status.CANCELLED
            and asked < open_on
            and (explanation is None or timezone.localdate(explanation.submitted_at) >= open_on)
        )
        entries.append(
            TimelineEntry(
                asked,
                "requested",
                f"Yêu cầu giải trình (hạn {request.deadline:%d/%m/%Y})"
                + (" – đã hủy" if request.status == Status.CANCELLED else "")
                + (f" ({UNANSWERED_AT_CHANGE})" if unanswered else ""),
                request.summary,
            )
        )
        if explanation is None:
            if request.status == Status.PENDING and request.deadline < today:
                entries.append(
                    TimelineEntry(
                        request.deadline + dt.timedelta(days=1),
                        "overdue",
                        "Quá hạn giải trình",
                        f"Hạn {request.deadline:%d/%m/%Y}, chưa giải trình.",
                    )
                )
            continue
        cause = explanation.cause.name + (f": {explanation.cause_detail}" if explanation.cause_detail else "")
        late = timezone.localdate(explanation.submitted_at) > request.deadline
        entries.append(
            TimelineEntry(
                timezone.localdate(explanation.submitted_at),
                "explained",
                "Đã giải trình" + (" (quá hạn)" if late else ""),
                f"Nguyên nhân: {cause}. Giải pháp: {explanation.actions} "
                f"Người chịu trách nhiệm: {explanation.responsible_name}.",
            )
        )
        for commitment in explanation.commitments.all():
            entries.append(TimelineEntry(commitment.due, "commitment", *_commitment_words(commitment)))
    entries.sort(key=lambda e: (e.day, PRIORITY_OF_KIND.get(e.kind, 9)))
    return entries


PRIORITY_OF_KIND = {"flag_raised": 0, "requested": 1, "explained": 2, "overdue": 3, "commitment": 4, "flag_cleared": 5}


def _commitment_words(commitment: Commitment) -> tuple[str, str]:
    amount = format_amount_with_unit(commitment.amount)
    if commitment.status == Commitment.Status.MET:
        return (
            "Cam kết đạt",
            f"Cam kết giải ngân lũy kế {amount}; đến ngày {commitment.evaluated_on:%d/%m/%Y} đạt "
            f"{format_amount_with_unit(commitment.disbursed)}.",
        )
    if commitment.status == Commitment.Status.MISSED:
        return (
            "Cam kết không đạt",
            f"Cam kết giải ngân lũy kế {amount}; đến ngày {commitment.evaluated_on:%d/%m/%Y} đạt "
            f"{format_amount_with_unit(commitment.disbursed)}, "
            f"còn thiếu {format_amount_with_unit(commitment.shortfall)}.",
        )
    return "Cam kết (chưa đến kỳ đánh giá)", f"Cam kết giải ngân lũy kế {amount}."


@dataclass(frozen=True)
class OverdueItem:
    name: str
    stream: str
    requested: str  # '08/07/2024'
    deadline: str
    days_overdue: int

    @property
    def text(self) -> str:
        return (
            f"{self.name} ({self.stream}): yêu cầu giải trình ngày {self.requested}, hạn {self.deadline}, "
            f"quá hạn {self.days_overdue} ngày, chưa giải trình."
        )


@dataclass(frozen=True)
class MissedItem:
    name: str
    stream: str
    due: str
    committed: str  # '30,000 tỷ đồng'
    disbursed: str
    shortfall: str
    as_of: str  # the date of the snapshot it was judged on

    @property
    def text(self) -> str:
        return (
            f"{self.name} ({self.stream}): cam kết giải ngân lũy kế {self.committed} đến hết ngày {self.due}; "
            f"đến ngày {self.as_of} đạt {self.disbursed}, còn thiếu {self.shortfall}."
        )


@dataclass(frozen=True)
class Attention:
    """What needs acting on first: explanations overdue and commitments missed, as of a snapshot."""

    overdue: list[OverdueItem]
    missed: list[MissedItem]
    explained_count: int

    def __bool__(self) -> bool:
        return bool(self.overdue or self.missed)


def attention(snapshot: Snapshot, today: dt.date | None = None, unit: dict | None = None) -> Attention:
    """Overdue explanations and missed commitments as of the snapshot; `unit` ({'investor_id': 3}) keeps one unit's."""
    day = reference_day(snapshot, today)
    unit = unit or {}
    overdue = [
        OverdueItem(
            r.unit.display_name,
            r.stream.name,
            f"{timezone.localtime(r.requested_at):%d/%m/%Y}",
            f"{r.deadline:%d/%m/%Y}",
            (day - r.deadline).days,
        )
        for r in overdue_requests(snapshot.year, day).filter(**unit)
    ]
    missed = [
        MissedItem(
            c.unit.display_name,
            c.stream.name,
            f"{c.due:%d/%m/%Y}",
            format_amount_with_unit(c.amount),
            format_amount_with_unit(c.disbursed or 0),
            format_amount_with_unit(c.shortfall or 0),
            f"{c.evaluated_on:%d/%m/%Y}",
        )
        for c in missed_commitments(snapshot).filter(**unit)
    ]
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    explained = ExplanationRequest.objects.filter(year=snapshot.year, answered_at__lt=end, **unit).count()
    return Attention(overdue, missed, explained)
