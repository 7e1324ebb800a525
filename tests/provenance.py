"""A computed snapshot made into a partial picture, stored as the compute stores one.

Files for a date arrive separately: a unit that has sent nothing this year has no figure
(disbursed None, "chưa báo cáo"), a unit that has not reported since an earlier date keeps
that report's figure with its date, every figure names the file it came from, and the
city, source and stream totals are sums of the reports received with what they cover.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from disbursement.models import CapitalStream, Figure, Flag, Snapshot, Submission
from investors.models import Investor

FILE_NAME = "bao-cao-quan-huyen-20-7-2024.xlsx"
SENDER = "Phòng Tài chính - Kế hoạch"


@dataclass
class PartialPicture:
    submission: Submission
    not_reported: object
    carried: object
    carried_on: dt.date


def _unit(unit) -> dict:
    return {"investor": unit} if isinstance(unit, Investor) else {"district": unit}


def make_partial(snapshot: Snapshot, *, not_reported, carried, carried_on: dt.date) -> PartialPicture:
    """`not_reported` has no figure on the snapshot's date; `carried`'s figure is of `carried_on`."""
    submission, _ = Submission.objects.update_or_create(
        snapshot=snapshot,
        defaults={"year": snapshot.year, "as_of": snapshot.as_of, "file_name": FILE_NAME, "sender": SENDER},
    )
    figures = Figure.objects.filter(snapshot=snapshot)
    figures.update(submission=submission, reported_on=snapshot.as_of)
    figures.filter(**_unit(not_reported)).update(
        disbursed=None,
        ratio=None,
        ratio_pm=None,
        ratio_detailed=None,
        rank=None,
        rank_pm=None,
        rank_detailed=None,
        previous_disbursed=None,
        previous_ratio=None,
        change_amount=None,
        change_points=None,
        previous_rank=None,
        rank_change=None,
        reported_on=None,
        submission=None,
    )
    figures.filter(**_unit(carried)).update(reported_on=carried_on)
    # No figure, nothing to judge: the ratio flags raised before are not the unit's any more.
    Flag.objects.filter(cleared_on__isnull=True, **_unit(not_reported)).delete()

    # As the compute stores it: the city row lists each stream's counts, a stream row its own.
    counts = {}
    unit_rows = figures.filter(source__isnull=True, scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT])
    for stream in CapitalStream.objects.filter(pk__in=figures.values("stream_id")).order_by("order"):
        units = unit_rows.filter(stream=stream)
        reported = units.filter(disbursed__isnull=False)
        carried_count = reported.filter(reported_on__lt=snapshot.as_of).count()
        counts[stream] = {
            "units_total": units.count(),
            "units_reported_on_date": reported.count() - carried_count,
            "units_carried": carried_count,
            "units_not_reported": units.count() - reported.count(),
        }
    figures.filter(scope=Figure.Scope.CITY).update(
        is_partial=True,
        coverage={
            "summary": False,
            "streams": [{"code": s.code, "name": s.name, **c} for s, c in counts.items()],
        },
    )
    figures.filter(scope=Figure.Scope.SOURCE).update(is_partial=True)
    for stream, stream_counts in counts.items():
        figures.filter(scope=Figure.Scope.STREAM, stream=stream).update(
            is_partial=stream_counts["units_not_reported"] > 0, coverage=stream_counts
        )
    return PartialPicture(submission, not_reported, carried, carried_on)
