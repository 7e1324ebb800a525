"""Who has reported for a date, from which file, and who has not.

Read from the stored figures of the date's current snapshot: each unit's figure
carries the date of its data and the file it came from, so coverage is exactly
what every page, report and email shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from disbursement.models import CapitalStream, Figure, Snapshot, Submission

REPORTED = "reported"
CARRIED = "carried"
NOT_REPORTED = "not_reported"
STATUS_TEXT = {
    REPORTED: "đã báo cáo",
    CARRIED: "dùng số liệu báo cáo trước",
    NOT_REPORTED: "chưa báo cáo",
}


@dataclass(frozen=True)
class UnitCoverage:
    figure: Figure
    status: str

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def submission(self) -> Submission | None:
        return self.figure.submission


@dataclass
class StreamCoverage:
    stream: CapitalStream
    units: list[UnitCoverage] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for u in self.units if u.status == status)

    @property
    def reported(self) -> int:
        return self.count(REPORTED)

    @property
    def carried(self) -> int:
        return self.count(CARRIED)

    @property
    def not_reported(self) -> int:
        return self.count(NOT_REPORTED)


@dataclass
class Coverage:
    snapshot: Snapshot
    submissions: list[Submission]
    city_summary: Submission | None
    city_is_partial: bool
    streams: list[StreamCoverage]


def unit_status(figure: Figure, as_of: dt.date) -> str:
    if figure.disbursed is None:
        return NOT_REPORTED
    return REPORTED if figure.reported_on is None or figure.reported_on >= as_of else CARRIED


def submissions_of_date(year: int, as_of: dt.date) -> list[Submission]:
    """Every file received for the date, in the order they landed (superseded versions included)."""
    return list(
        Submission.objects.filter(year=year, as_of=as_of)
        .select_related("imported_by", "snapshot")
        .prefetch_related("streams")
        .order_by("imported_at", "id")
    )


def coverage(snapshot: Snapshot) -> Coverage:
    figures = (
        Figure.objects.of(snapshot)
        .filter(scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT], source__isnull=True)
        .select_related("stream", "investor", "district", "submission")
        .order_by("stream__order", "investor__name", "district__name")
    )
    by_stream: dict[int, StreamCoverage] = {}
    for figure in figures:
        item = by_stream.setdefault(figure.stream_id, StreamCoverage(figure.stream))
        item.units.append(UnitCoverage(figure, unit_status(figure, snapshot.as_of)))
    city = Figure.objects.of(snapshot).filter(scope=Figure.Scope.CITY).first()
    summary_line = snapshot.city_lines.select_related("submission").first()
    return Coverage(
        snapshot=snapshot,
        submissions=submissions_of_date(snapshot.year, snapshot.as_of),
        city_summary=summary_line.submission if summary_line else None,
        city_is_partial=bool(city and city.is_partial),
        streams=list(by_stream.values()),
    )
