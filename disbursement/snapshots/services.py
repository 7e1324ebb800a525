"""Writes of snapshots: a new file for a date supersedes the old snapshot and keeps it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.fiscal import in_disbursement_period
from disbursement.db import hold_lock
from disbursement.models import Snapshot, SnapshotLine
from disbursement.models.snapshots import versions_read_by

# The first key of the advisory lock an import takes on its date (PostgreSQL); the second is the date's ordinal.
SNAPSHOT_DATE_LOCK_KEY = 0x6769_6E01

# Units per UPDATE when ending the lines a file restates (SQLite binds at most 32,766 parameters).
REPLACE_CHUNK = 5000
# Up to this many units, their earlier lines are looked up by unit rather than by version.
FEW_UNITS = 50


class SnapshotError(ValueError):
    pass


@transaction.atomic
def create_snapshot(
    *,
    year: int,
    as_of: dt.date,
    file_name: str = "",
    content_hash: str = "",
    user=None,
    is_estimate: bool = False,
    note: str = "",
    shares_lines: bool = False,
) -> Snapshot:
    """Create the current snapshot for (year, as_of), superseding the one it replaces.

    The date is locked first, then its current snapshot: two imports of the same date
    (its first two files too) land one after the other, the second superseding the first
    (the partial unique constraint backs this).
    With `shares_lines` the new version reads the earlier versions' lines that its
    own do not restate (see end_replaced_lines); otherwise only its own.
    """
    if not in_disbursement_period(year, as_of, extended=True):
        raise SnapshotError(f"Ngày số liệu {as_of:%d/%m/%Y} nằm ngoài thời gian giải ngân kế hoạch năm {year}.")
    lock_date(as_of)
    old = list(Snapshot.objects.select_for_update().filter(year=year, as_of=as_of, is_current=True))
    for previous in old:
        previous.is_current = False
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["is_current", "superseded_at"])
    snapshot = Snapshot.objects.create(
        year=year,
        as_of=as_of,
        file_name=file_name,
        content_hash=content_hash,
        imported_by=user,
        is_estimate=is_estimate,
        note=note,
        shares_lines=shares_lines,
    )
    for previous in old:
        previous.superseded_by = snapshot
        previous.save(update_fields=["superseded_by"])
    return snapshot


def lock_date(as_of: dt.date) -> None:
    """Wait for any other import of the date to commit, and hold the date until this transaction ends.

    The date itself, not only its current version: the first two files of a date would otherwise find no
    version to lock, and the second be refused by the constraint instead of superseding the first.
    """
    hold_lock(SNAPSHOT_DATE_LOCK_KEY, as_of.toordinal())


def end_replaced_lines(snapshot: Snapshot) -> int:
    """End, at `snapshot`, the lines of the date's earlier versions that its own lines restate.

    The scope of a file is the units it lists in the streams it lists them under: every earlier line of such
    a unit in such a stream is replaced, whatever its sources; every other line stays in the new version
    as it was (SnapshotLineQuerySet.of). Returns the number of lines ended.
    """
    scope: dict[tuple[int, str], set[int]] = {}
    for stream_id, investor_id, district_id in (
        SnapshotLine.objects.filter(snapshot=snapshot)
        .values_list("stream_id", "investor_id", "district_id")
        .distinct()
        .order_by()
    ):
        level, unit_id = ("investor", investor_id) if investor_id else ("district", district_id)
        scope.setdefault((stream_id, level), set()).add(unit_id)
    earlier = [version for version in versions_read_by(snapshot, "shares_lines") if version != snapshot.id]
    ended = 0
    for (stream_id, level), unit_ids in scope.items():
        ordered = sorted(unit_ids)
        for start in range(0, len(ordered), REPLACE_CHUNK):
            chunk = ordered[start : start + REPLACE_CHUNK]
            if len(chunk) <= FEW_UNITS:
                keys = [(stream_id, *((unit, None) if level == "investor" else (None, unit))) for unit in chunk]
                lines = SnapshotLine.objects.of_units(snapshot, keys).exclude(snapshot=snapshot)
            else:
                lines = SnapshotLine.objects.filter(
                    stream_id=stream_id, snapshot_id__in=earlier, **{f"{level}_id__in": chunk}
                )
            ended += lines.filter(until__isnull=True).update(until=snapshot)
    return ended
