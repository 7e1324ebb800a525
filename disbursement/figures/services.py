"""Compute the figures of a snapshot and store them.

All rows of a snapshot, and the flags raised or cleared on its date, are
replaced in one transaction; computing the same snapshot twice gives identical
rows. The comparison with the previous snapshot and with last year reads the
stored figures of those snapshots when they have been computed, and computes
them in memory otherwise, so the result does not depend on import order.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.fiscal import disbursement_deadline
from core.notation import format_percent
from disbursement.db import hold_lock, insert_values
from disbursement.figures import corrections
from disbursement.figures.building import (
    _UNIT_SCOPES,
    FIGURE_COLUMNS,
    FIGURE_VALUES,
    RATIO_AT,
    FigureRow,
    build_figures,
)
from disbursement.figures.corrections import Patch
from disbursement.figures.lineage import UnitChanges
from disbursement.flags.services import Replacement, evaluate_flags, rules_changed_since
from disbursement.models import (
    Commitment,
    Figure,
    Snapshot,
)
from disbursement.models.snapshots import units_q
from disbursement.recompute import request_recompute


def _insert_figures(figures: list[FigureRow]) -> None:
    insert_values(Figure, FIGURE_COLUMNS, (figure.stored() for figure in figures))


# The first key of the compute's advisory locks (PostgreSQL); the second is the year.
COMPUTE_LOCK_KEY = 0x6769_6E00  # "gin\0"


def lock_year(year: int) -> None:
    """Wait for any other computation of `year` to commit, and hold the year until this transaction ends."""
    hold_lock(COMPUTE_LOCK_KEY, year)


def next_version(snapshot: Snapshot) -> Snapshot | None:
    """The version of the same date written right after this one, if any."""
    return Snapshot.objects.filter(year=snapshot.year, as_of=snapshot.as_of, id__gt=snapshot.id).order_by("id").first()


def _store_whole(snapshot: Snapshot, figures: list[FigureRow], following: Snapshot | None) -> None:
    """Store every figure of a version as its own.

    A current version ends the earlier versions' figures it no longer reads, so that the figures with no end
    are those of each date's latest computed version (FigureQuerySet.current). A superseded version's figures
    end where the next version begins.
    """
    Figure.objects.filter(snapshot=snapshot).delete()
    for figure in figures:
        figure.until_id = None if snapshot.is_current or following is None else following.id
    _insert_figures(figures)
    earlier = _earlier_versions(snapshot) if snapshot.is_current else []
    if earlier:
        Figure.objects.filter(snapshot_id__in=earlier, until__isnull=True).update(until=snapshot)


def _store_changes(snapshot: Snapshot, figures: list[FigureRow], base: Snapshot) -> frozenset:
    """Store, as the version's own, only the figures that differ from those of `base`, the version it
    superseded; it reads the others from there (FigureQuerySet.of). The base's figures it replaces end
    at it, so `base` still reads them. Returns the units whose flags may now be judged otherwise."""
    stored = {
        row[1:6]: (row[0], row[6:])
        for row in Figure.objects.rows_of(base).values_list("id", "scope", *FIGURE_VALUES[1:]).order_by()
    }
    changed, ended = [], []
    averages: dict[int, tuple] = {}
    for figure in figures:
        before = stored.pop(figure.key, None)
        if before is None or before[1] != figure.values()[5:]:
            changed.append(figure)
            if before is not None:
                ended.append(before[0])
            if figure.scope == Figure.Scope.STREAM and figure.source_id is None:
                averages[figure.stream_id] = (before[1][RATIO_AT - 5] if before else None, figure.ratio)
    gone = {key[1:2] + key[3:5] for key in stored if key[0] in _UNIT_SCOPES}
    ended += [figure_id for figure_id, _values in stored.values()]
    return _store_patch(snapshot, base, Patch(changed, ended, averages), gone)


def _store_patch(snapshot: Snapshot, base: Snapshot, patch: Patch, gone: frozenset | set = frozenset()) -> frozenset:
    """Store the figures of a version that differ from `base`'s (see _store_changes); returns the units whose
    flags may now be judged otherwise (see _units_judged_again)."""
    # A version computed again starts from the base as it was: nothing of it replaced yet.
    Figure.objects.filter(snapshot=snapshot).delete()
    Figure.objects.filter(snapshot_id__in=_earlier_versions(snapshot), until=snapshot).update(until=None)
    _insert_figures(patch.figures)
    for start in range(0, len(patch.replaced), 5000):
        Figure.objects.filter(id__in=patch.replaced[start : start + 5000]).update(until=snapshot)
    return _units_judged_again(base, patch, gone)


def _units_judged_again(base: Snapshot, patch: Patch, gone: set) -> frozenset:
    """The units whose flags a version computed from the one it superseded may judge otherwise: those whose
    figures changed or left, and where a stream's average moved, those it may have crossed or whose
    "below the stream average" text quotes it (the others read their ratio from `base`)."""
    units = {(f.stream_id, f.investor_id, f.district_id) for f in patch.figures if f.scope in _UNIT_SCOPES}
    units |= gone
    for stream_id, (old, new) in patch.averages.items():
        if old == new:
            continue
        rows = Figure.objects.rows_of(base).filter(stream_id=stream_id, source__isnull=True, scope__in=_UNIT_SCOPES)
        if old is not None and new is not None and format_percent(old) == format_percent(new):
            rows = rows.filter(ratio__gte=min(old, new), ratio__lt=max(old, new))
        units.update(rows.values_list("stream_id", "investor_id", "district_id").order_by())
    return frozenset(units)


def _judged_figures(snapshot: Snapshot, replacing: Replacement | None) -> list[Figure]:
    """The stored figures of a version its flags are judged on: with `replacing`, the city's, the sources',
    the streams' and those of the units judged again or holding a commitment of the year; else all."""
    if replacing is None:
        return list(Figure.objects.of(snapshot).select_related("previous_snapshot"))
    units = set(replacing.units) | set(
        Commitment.objects.filter(year=snapshot.year).values_list("stream_id", "investor_id", "district_id")
    )
    figures = list(
        Figure.objects.rows_of(snapshot)
        .filter(
            Q(scope__in=[Figure.Scope.CITY, Figure.Scope.SOURCE, Figure.Scope.STREAM])
            | (Q(source__isnull=True) & units_q({unit[1:] for unit in units}))
        )
        .select_related("previous_snapshot")
    )
    # Each unit's stream average, as FigureQuerySet.of reads it: the ratio of its stream's figure.
    averages = {(f.stream_id, f.source_id): f.ratio for f in figures if f.scope == Figure.Scope.STREAM}
    for figure in figures:
        figure.stream_average = averages.get((figure.stream_id, figure.source_id))
    return figures


def _earlier_versions(snapshot: Snapshot) -> list[int]:
    # Ids, not a subquery: SQLite would rather walk the index of the figures' end than the version's.
    return list(
        Snapshot.objects.filter(year=snapshot.year, as_of=snapshot.as_of, id__lt=snapshot.id).values_list(
            "id", flat=True
        )
    )


def later_snapshots(snapshot: Snapshot):
    return Snapshot.objects.current().filter(year=snapshot.year, as_of__gt=snapshot.as_of).order_by("as_of", "id")


@transaction.atomic
def compute_snapshot(snapshot_id: int, *, cascade: bool = True, incremental: bool = False) -> int:
    """Recompute and store every figure and flag of one snapshot. Returns the number of figures.

    With `cascade`, later snapshots of the year are recomputed after commit, as their
    comparisons and flags depend on this one (a snapshot imported out of date order).
    With `incremental`, a version that differs from the computed version it superseded only by its
    file's scope is computed from that version's stored figures (see `incremental_base`); the
    figures and flags are the same as a full compute's.
    """
    year = Snapshot.objects.values_list("year", flat=True).get(pk=snapshot_id)
    # Flags of a year are one history: computations of the same year run one at a time. That is all the
    # year's lock serialises: it is no row lock, so nothing but another computation of the year waits for it.
    lock_year(year)
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    following = next_version(snapshot)
    if following is not None and following.shares_figures and snapshot.computed_at is not None:
        # A superseded version whose figures the next version reads is history: it stays as it was computed.
        return Figure.objects.of(snapshot).count()
    base = corrections.incremental_base(snapshot) if incremental else None
    changes = UnitChanges.read()
    patch = corrections.patch_from_base(snapshot, base, changes) if base is not None else None
    figures = None
    if patch is None:
        figures = build_figures(
            snapshot, corrections.inputs_from_base(snapshot, base) if base is not None else None, changes
        )
    # The snapshot's row is locked only to write its figures, and without its key (FOR NO KEY UPDATE):
    # rows that refer to the snapshot (an import job, a digest delivery) are written meanwhile, while an
    # import that supersedes it waits for the figures. is_current is read again under the lock.
    snapshot = Snapshot.objects.select_for_update(no_key=True).get(pk=snapshot_id)
    replacing = None
    if base is not None and snapshot.is_current:
        units = _store_patch(snapshot, base, patch) if patch is not None else _store_changes(snapshot, figures, base)
        snapshot.shares_figures = True
        # Written now: reading the version's figures (the flags below) asks the database what it shares. Its
        # history records it with the computation, below.
        Snapshot.objects.filter(pk=snapshot.pk).update(shares_figures=True)
        # The flags stand as `base` left them only if it was judged: computed while it was the current version.
        judged = base.superseded_at is None or base.computed_at <= base.superseded_at
        if judged and not rules_changed_since(base.computed_at - corrections.PLAN_WRITES_SETTLE):
            replacing = Replacement(base, units)
    else:
        if figures is None:
            figures = build_figures(snapshot, corrections.inputs_from_base(snapshot, base), changes)
        # Read again under the lock: a version of the date may have been written since.
        _store_whole(snapshot, figures, next_version(snapshot))
        snapshot.shares_figures = False
    if snapshot.is_current:
        evaluate_flags(snapshot, figures if figures is not None else _judged_figures(snapshot, replacing), replacing)
    snapshot.computed_at = timezone.now()
    snapshot.save(update_fields=["computed_at", "shares_figures"])
    if cascade and snapshot.is_current and later_snapshots(snapshot).exists():
        request_recompute(snapshot.year, snapshot.as_of + dt.timedelta(days=1))
    return len(figures) if figures is not None else Figure.objects.of(snapshot).count()


def recompute_year(
    year: int, *, from_date: dt.date | None = None, after: dt.date | None = None, incremental: bool = False
) -> int:
    """Recompute the year's current snapshots in date order, each in its own transaction.

    `from_date` includes snapshots on that date, `after` starts strictly later. `incremental`: see
    compute_snapshot (the nightly and manual recomputes compute everything from the lines).
    Returns the number of snapshots recomputed.
    """
    snapshots = Snapshot.objects.current().filter(year=year)
    if from_date is not None:
        snapshots = snapshots.filter(as_of__gte=from_date)
    if after is not None:
        snapshots = snapshots.filter(as_of__gt=after)
    ids = list(snapshots.order_by("as_of", "id").values_list("id", flat=True))
    for snapshot_id in ids:
        compute_snapshot(snapshot_id, cascade=False, incremental=incremental)
    return len(ids)


def recompute_recent(today: dt.date | None = None) -> int:
    """The nightly job: every year still in its disbursement period (to 31 January next year)."""
    today = today or timezone.localdate()
    years = [today.year]
    if today <= disbursement_deadline(today.year - 1):
        years.insert(0, today.year - 1)
    return sum(recompute_year(year) for year in years)
