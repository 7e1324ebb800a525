"""A new version of a date computed from the version it superseded.

A file that restates a few units of a date is written as a new version sharing every other line
(snapshots.services.create_snapshot). Its figures are those of the version it superseded, except the
units the file lists, their streams (totals, averages, the ranks the units moved across) and the city:
`incremental_base` says when the superseded version's stored figures are a valid starting point, and
the figures and flags are the same as a full compute's.
"""

from __future__ import annotations

import datetime as dt

from disbursement.figures.building import Inputs, Reported, _lines_by_unit_and_source
from disbursement.models import (
    Allocation,
    AllocationRevision,
    Figure,
    Snapshot,
    SnapshotLine,
    Submission,
)
from disbursement.snapshots.selectors import previous_snapshot

# A plan written this long before a version was computed is taken as seen by that computation: a transaction
# that records revisions and commits later than this could otherwise go unnoticed by the incremental path.
PLAN_WRITES_SETTLE = dt.timedelta(hours=1)


def incremental_base(snapshot: Snapshot) -> Snapshot | None:
    """The computed version this snapshot superseded, when its stored figures and this snapshot's own file
    give exactly the inputs a full compute would read; else None.

    That is when: the snapshot was written by an import as that version plus one file (it carries lines
    from other files: a version written before files had scopes replaced everything); that version's
    figures were computed against the same previous snapshot, computed no later than them; and no plan
    has been written since (less PLAN_WRITES_SETTLE). Lines never change once written, and the city
    lines, city plans, last year's and the previous snapshot's figures, settings and rules are read
    afresh either way.
    """
    submission_id = Submission.objects.filter(snapshot=snapshot).values_list("id", flat=True).first()
    if submission_id is None:
        return None
    bases = list(Snapshot.objects.filter(superseded_by=snapshot, year=snapshot.year, as_of=snapshot.as_of)[:2])
    if len(bases) != 1 or bases[0].computed_at is None:
        return None
    base = bases[0]
    if not SnapshotLine.objects.of(snapshot).exclude(submission_id=submission_id).exists():
        return None
    previous = previous_snapshot(snapshot)
    used = Figure.objects.of(base).filter(scope=Figure.Scope.CITY).values_list("previous_snapshot_id", flat=True)
    if list(used) != [previous.id if previous else None]:
        return None
    if previous is not None and (previous.computed_at is None or previous.computed_at > base.computed_at):
        return None
    since = base.computed_at - PLAN_WRITES_SETTLE
    if (
        AllocationRevision.objects.filter(recorded_at__gt=since).exists()
        or AllocationRevision.history.filter(history_date__gt=since).exists()
        or Allocation.history.filter(history_date__gt=since).exists()
    ):
        return None
    return base


def inputs_from_base(snapshot: Snapshot, base: Snapshot) -> Inputs:
    """The inputs of `snapshot` from the stored per-source unit figures of `base` (see incremental_base),
    with the units of the snapshot's own file read from its lines: each such unit replaces, in its stream,
    every source it had."""
    submission_id = Submission.objects.filter(snapshot=snapshot).values_list("id", flat=True).get()
    from_file = _lines_by_unit_and_source(SnapshotLine.objects.filter(snapshot=snapshot, submission_id=submission_id))
    listed = {(stream_id, investor_id, district_id) for stream_id, _s, investor_id, district_id in from_file}
    plans: dict[tuple, int] = {}
    reported: dict[tuple, Reported] = {}
    for stream_id, source_id, investor_id, district_id, amount, plan, on, from_submission in (
        Figure.objects.of(base)
        .filter(scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT], source__isnull=False)
        .values_list(
            "stream_id", "source_id", "investor_id", "district_id", "disbursed", "plan", "reported_on", "submission_id"
        )
    ):
        key = (stream_id, source_id, investor_id, district_id)
        if plan is not None:
            plans[key] = plan
        if amount is not None and (stream_id, investor_id, district_id) not in listed:
            reported[key] = Reported(amount, on or base.as_of, from_submission)
    for key, (amount, from_submission) in from_file.items():
        reported[key] = Reported(amount, snapshot.as_of, from_submission)
    return Inputs(plans, reported)
