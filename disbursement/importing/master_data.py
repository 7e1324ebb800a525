"""Master data from a workbook (investors.masterdata), and the recompute it asks for.

Validity dates and successions decide which unit holds a plan or a report on a date and what a unit
is compared with, so every year from the earliest date the file changes is recomputed after commit.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from disbursement.models import Snapshot
from disbursement.recompute import request_recompute
from investors.masterdata import (
    DEFAULT_FROM,
    MasterDataError,
    MasterDataPreview,
    apply_master_data,
    read_master_data,
)

__all__ = ["MasterDataPreview", "import_master_data", "read_master_data"]


def _earliest_change(preview: MasterDataPreview) -> dt.date | None:
    dates = [
        day
        for item in preview.units + preview.investors
        for day in (item["valid_from"], item["valid_to"])
        if day is not None and day != DEFAULT_FROM
    ] + [item["effective_from"] for item in preview.successions if item["effective_from"]]
    return min(dates) if dates else None


def import_master_data(data: bytes, file_name: str, *, confirm: bool, user=None) -> MasterDataPreview:
    """Check a master-data workbook; with `confirm` and no error, write all of it and recompute."""
    preview = read_master_data(data, file_name)
    if not (confirm and preview.ok):
        return preview
    if not any(change.action != "unchanged" for change in preview.changes):
        return preview
    try:
        with transaction.atomic():
            apply_master_data(preview, user=user)
            earliest = _earliest_change(preview)
            years = Snapshot.objects.current().values_list("year", flat=True).distinct()
            for year in sorted(set(years)):
                if earliest is None or year >= earliest.year:
                    request_recompute(year, dt.date(year, 1, 1))
    except ValidationError as exc:
        preview.errors.append(MasterDataError(file_name, "", None, None, " ".join(exc.messages)))
    return preview
