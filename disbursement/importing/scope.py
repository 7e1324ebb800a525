"""What a file covers, what the date reads today, and what the file will change.

A file replaces the lines of the units it lists, in the streams it lists
them under, and the city-wide lines if it states them; everything else on
the date is carried over. The preview compares, unit by unit, what the date
reads now (its current version, or the latest earlier date a unit reported)
with what it will read after the import.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.figures import disbursement_ratio
from disbursement.models import Figure, Snapshot, SnapshotLine
from disbursement.snapshots.selectors import unit_readings
from districts.models import District
from investors.models import Investor
from investors.selectors import investor_display_names

Key = tuple[int, int | None, int | None]  # (stream_id, investor_id, district_id)
# The preview lists this many changed units; the rest are counted.
PREVIEW_CHANGES = 500
RATIO_PLACES = Decimal("0.01")


def reference_snapshot(year: int, as_of: dt.date) -> Snapshot | None:
    """The snapshot whose figures the date reads now: its current version, else the latest earlier date."""
    return Snapshot.objects.current().filter(year=year, as_of__lte=as_of).order_by("-as_of", "-id").first()


def units_on_date(snapshot: Snapshot | None) -> dict[Key, str]:
    """Units with a line in a version of the date: key -> the investor's name ("" for a district).

    Read from the version's stored figures when it has been computed (a unit reported on the date is a unit
    with a line there; a national date holds a line per project, its figures one row per unit), else from
    its lines. Kept on the snapshot instance: a version's lines never change, and the preview and the
    warnings both ask.
    """
    if snapshot is None:
        return {}
    units = getattr(snapshot, "_units_on_date", None)
    if units is not None:
        return units
    rows = None
    if snapshot.computed_at is not None:
        rows = list(
            Figure.objects.rows_of(snapshot)
            .filter(
                scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT],
                source__isnull=True,
                reported_on=snapshot.as_of,
            )
            .values_list("stream_id", "investor_id", "district_id", "investor__name")
            .order_by()
        )
    if not rows:
        rows = (
            SnapshotLine.objects.of(snapshot)
            .values_list("stream_id", "investor_id", "district_id", "investor__name")
            .distinct()
            .order_by()
        )
    units = {(stream_id, investor_id, district_id): name or "" for stream_id, investor_id, district_id, name in rows}
    snapshot._units_on_date = units
    return units


def preview(
    *,
    entries,
    superseded: Snapshot | None,
    reference: Snapshot | None,
    plans_in_force: dict[Key, int],
    states_city: bool,
) -> dict:
    """The part of the preview that says exactly what the file replaces and changes."""
    now = unit_readings(reference, [entry.key for entry in entries])
    on_date = units_on_date(superseded)
    listed = entries  # holds the keys of the units it lists
    streams_listed = entries.streams
    changes = []
    unchanged = changed = 0
    for entry in entries:
        old = now.get(entry.key)
        new_disbursed = sum(entry.disbursed.values())
        stated = [v for v in entry.plans.values() if v is not None]
        stated_plan = sum(stated) if stated else None
        new_plan = stated_plan if stated_plan is not None else plans_in_force.get(entry.key)
        old_plan = plans_in_force.get(entry.key) if old is None or old.plan is None else old.plan
        if old is not None and old.disbursed == new_disbursed and old_plan == new_plan:
            unchanged += 1
            continue
        changed += 1
        if len(changes) == PREVIEW_CHANGES:
            continue  # the preview shows the first ones; the rest are counted
        old_ratio = disbursement_ratio(old.disbursed, old_plan) if old and old.disbursed is not None else None
        new_ratio = disbursement_ratio(new_disbursed, new_plan)
        changes.append(
            {
                "stream": entry.stream.code,
                "stream_name": entry.stream.name,
                "unit": entry.match,
                "old_disbursed": old.disbursed if old else None,
                "old_reported_on": old.reported_on.isoformat() if old and old.reported_on else None,
                "old_ratio": None if old_ratio is None else str(old_ratio.quantize(RATIO_PLACES)),
                "new_disbursed": new_disbursed,
                "new_ratio": None if new_ratio is None else str(new_ratio.quantize(RATIO_PLACES)),
            }
        )
    # The shown units' names, read at once.
    names = investor_display_names(c["unit"].unit_id for c in changes if c["unit"].known_name is None)
    for change in changes:
        match = change["unit"]
        change["unit"] = names.get(match.unit_id, "") if match.known_name is None else match.known_name
    missing = unit_names([key for key in on_date if key[0] in streams_listed and key not in listed], on_date)
    replaced = sum(1 for key in on_date if key in listed)
    return {
        "units_kept": len(on_date) - replaced,
        "units_replaced": replaced,
        "units_new_on_date": len(listed) - replaced,
        "units_unchanged": unchanged,
        "changes_total": changed,
        "changes": changes,
        "missing_units": missing,
        "replaces_city": states_city,
    }


def unit_names(keys: list[Key], investor_names: dict[Key, str] | None = None) -> list[str]:
    """Display names of units, sorted, for a message that names them (investors' names from
    `investor_names` when given, as units_on_date reads them)."""
    if investor_names is None:
        found = dict(Investor.objects.filter(id__in={k[1] for k in keys if k[1]}).values_list("id", "name"))
        investor_names = {k: found.get(k[1], "") for k in keys if k[1]}
    districts = {
        d.id: d.display_name for d in District.objects.filter(id__in={k[2] for k in keys if not k[1] and k[2]})
    }
    names = {investor_names.get(k, "") if k[1] else districts.get(k[2], "") for k in keys}
    return sorted(names, key=str.lower)
