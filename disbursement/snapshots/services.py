"""Writes of snapshots: a new file for a date supersedes the old snapshot and keeps it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.fiscal import in_disbursement_period
from disbursement.models import Snapshot


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
) -> Snapshot:
    """Create the current snapshot for (year, as_of), superseding the one it replaces.

    The previous current snapshot is locked first, so two imports of the same
    date cannot both become current (the partial unique constraint backs this).
    """
    if not in_disbursement_period(year, as_of, extended=True):
        raise SnapshotError(f"Ngày số liệu {as_of:%d/%m/%Y} nằm ngoài thời gian giải ngân kế hoạch năm {year}.")
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
    )
    for previous in old:
        previous.superseded_by = snapshot
        previous.save(update_fields=["superseded_by"])
    return snapshot
