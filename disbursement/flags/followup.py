"""What the follow-up of explanation requests adds to a snapshot's evaluation.

- Each commitment is judged on the first evaluated snapshot date on or after its date: met when the unit's
  cumulative disbursement in the stream reaches the amount, missed (with the shortfall) otherwise. Until
  such a date is computed it stays pending.
- "Cam kết giải ngân không đạt" holds on a date when a commitment due by then is not reached on it.
- "Quá hạn giải trình" holds on a date when a request's deadline had passed by then without an answer. The
  latest date of the year is judged as of today, so the daily follow-up job raises it without a new snapshot.

The conditions are returned as plain tuples; disbursement.flags.services turns them into flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from core.notation import format_amount_with_unit
from disbursement.models import Commitment, ExplanationRequest, Figure, Snapshot

_day: ContextVar[dt.date | None] = ContextVar("follow_up_day", default=None)


def current_day() -> dt.date:
    """The day the follow-up is judged on: today, or the day the daily job was run for."""
    return _day.get() or timezone.localdate()


@contextmanager
def judged_on(day: dt.date) -> Iterator[None]:
    """Evaluate as of `day` (the daily job's date) instead of today."""
    token = _day.set(day)
    try:
        yield
    finally:
        _day.reset(token)


@dataclass(frozen=True)
class FollowUpCondition:
    kind: str
    stream_id: int
    investor_id: int | None
    district_id: int | None
    value: Decimal
    reason: str


def _readings(figures: list[Figure]) -> dict[tuple, int | None]:
    return {
        (f.stream_id, f.investor_id, f.district_id): f.disbursed
        for f in figures
        if f.scope in (Figure.Scope.INVESTOR, Figure.Scope.DISTRICT) and f.source_id is None
    }


def _amount(dong: int) -> str:
    return format_amount_with_unit(dong)


def _commitments(year: int, up_to: dt.date):
    return Commitment.objects.filter(year=year, due__lte=up_to).exclude(
        explanation__request__status=ExplanationRequest.Status.CANCELLED
    )


def judge_commitments(snapshot: Snapshot, figures: list[Figure], previous_date: dt.date | None) -> int:
    """Set met or missed on the commitments this snapshot is the first evaluated date on or after; returns how many.

    `previous_date` is the evaluated date just before the snapshot's: commitments due on or before it were
    judged there.
    """
    readings = _readings(figures)
    due = _commitments(snapshot.year, snapshot.as_of)
    if previous_date is not None:
        due = due.filter(due__gt=previous_date)
    changed = []
    for commitment in due:
        disbursed = readings.get((commitment.stream_id, commitment.investor_id, commitment.district_id))
        if disbursed is None:
            # Not reported on the date: nothing to judge it against yet.
            status, shortfall = Commitment.Status.PENDING, None
        elif disbursed >= commitment.amount:
            status, shortfall = Commitment.Status.MET, 0
        else:
            status, shortfall = Commitment.Status.MISSED, commitment.amount - disbursed
        state = (status, snapshot.id, snapshot.as_of, disbursed, shortfall)
        was = (
            commitment.status,
            commitment.evaluated_snapshot_id,
            commitment.evaluated_on,
            commitment.disbursed,
            commitment.shortfall,
        )
        if state != was:
            (
                commitment.status,
                commitment.evaluated_snapshot_id,
                commitment.evaluated_on,
                commitment.disbursed,
                commitment.shortfall,
            ) = state
            changed.append(commitment)
    Commitment.objects.bulk_update(
        changed, ["status", "evaluated_snapshot", "evaluated_on", "disbursed", "shortfall"], batch_size=500
    )
    return len(changed)


def missed_commitments(snapshot: Snapshot, figures: list[Figure]) -> list[FollowUpCondition]:
    """Per unit and stream, the commitment due by the date that is furthest from being reached on it."""
    readings = _readings(figures)
    worst: dict[tuple, tuple[int, Commitment, int]] = {}
    for commitment in _commitments(snapshot.year, snapshot.as_of).order_by("due", "id"):
        key = (commitment.stream_id, commitment.investor_id, commitment.district_id)
        disbursed = readings.get(key)
        if disbursed is None or disbursed >= commitment.amount:
            continue
        shortfall = commitment.amount - disbursed
        if key not in worst or shortfall > worst[key][0]:
            worst[key] = (shortfall, commitment, disbursed)
    return [
        FollowUpCondition(
            "missed_commitment",
            *key,
            Decimal(shortfall),
            f"Cam kết giải ngân lũy kế {_amount(commitment.amount)} đến hết ngày {commitment.due:%d/%m/%Y}; "
            f"đến ngày {snapshot.as_of:%d/%m/%Y} đạt {_amount(disbursed)}, còn thiếu {_amount(shortfall)}.",
        )
        for key, (shortfall, commitment, disbursed) in worst.items()
    ]


def overdue_on(day: dt.date, year: int):
    """Requests of the year whose deadline had passed on `day` without an answer by then."""
    start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return (
        ExplanationRequest.objects.filter(year=year, deadline__lt=day)
        .exclude(status=ExplanationRequest.Status.CANCELLED)
        .exclude(answered_at__lt=start)
    )


def overdue_explanations(snapshot: Snapshot, is_latest: bool) -> list[FollowUpCondition]:
    """Per unit and stream, the oldest request overdue on the date (today, for the year's latest date)."""
    day = snapshot.as_of
    if is_latest:
        day = max(day, current_day())
    oldest: dict[tuple, ExplanationRequest] = {}
    for request in overdue_on(day, snapshot.year).order_by("deadline", "id"):
        oldest.setdefault((request.stream_id, request.investor_id, request.district_id), request)
    return [
        FollowUpCondition(
            "overdue_explanation",
            *key,
            Decimal((day - request.deadline).days),
            f"Quá hạn giải trình: yêu cầu ngày {timezone.localtime(request.requested_at):%d/%m/%Y}, "
            f"hạn {request.deadline:%d/%m/%Y}, đến ngày {day:%d/%m/%Y} chưa giải trình "
            f"(quá hạn {(day - request.deadline).days} ngày).",
        )
        for key, request in oldest.items()
    ]
