"""The digest's reads of flags and reallocation candidates, in one place."""

from __future__ import annotations

from disbursement.figures.selectors import ReallocationCandidates
from disbursement.figures.selectors import reallocation_candidates as _reallocation_candidates
from disbursement.flags.selectors import UnitKey
from disbursement.flags.selectors import flag_changes as _flag_changes
from disbursement.flags.selectors import flags_by_unit as _flags_by_unit
from disbursement.models import CapitalStream, Flag, Snapshot


def flags_by_unit(snapshot: Snapshot) -> dict[UnitKey, list[Flag]]:
    """Open flags of a snapshot keyed by (stream_id, investor_id, district_id)."""
    return _flags_by_unit(snapshot)


def flag_changes(snapshot: Snapshot) -> tuple[list[Flag], list[Flag]]:
    """(flags raised on the snapshot's date, flags cleared on it)."""
    return _flag_changes(snapshot)


def reallocation_candidates(snapshot: Snapshot, stream: CapitalStream) -> ReallocationCandidates:
    """Slow units (candidate.figure, undisbursed amount, reasons) and fast units of a stream."""
    return _reallocation_candidates(snapshot, stream)
