"""The digest's reads of flags and reallocation candidates, in one place.

Imported lazily: while the flag engine or the reallocation selector is not
installed, the digest reads "no flags" and "no candidates" instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from disbursement.models import CapitalStream, Snapshot


@dataclass
class Candidates:
    slow: list[Any] = field(default_factory=list)
    fast: list[Any] = field(default_factory=list)


def flags_by_unit(snapshot: Snapshot) -> dict[tuple[int, int | None, int | None], list[Any]]:
    """Open flags of a snapshot keyed by (stream_id, investor_id, district_id)."""
    try:
        from disbursement.flags.selectors import flags_by_unit as read
    except ImportError:
        return {}
    return read(snapshot)


def flag_changes(snapshot: Snapshot) -> tuple[list[Any], list[Any]]:
    """(new flags, cleared flags) of a snapshot against the one before."""
    try:
        from disbursement.flags.selectors import flag_changes as read
    except ImportError:
        return [], []
    return read(snapshot)


def reallocation_candidates(snapshot: Snapshot, stream: CapitalStream) -> Candidates:
    try:
        from disbursement.figures.selectors import reallocation_candidates as read
    except ImportError:
        return Candidates()
    return read(snapshot, stream)
