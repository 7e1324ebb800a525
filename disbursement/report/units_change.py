"""What the draft says about units that changed during the year (mergers, splits, the district level abolished).

A 2025 report read at the year's end covers districts until 30/6 and communes from 1/7, and departments
merged on 1/3: the draft says so, date by date, and names the units whose comparisons cannot be made.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from core.fiscal import year_start
from core.notation import format_count, format_report_date
from core.succession import SuccessionKind
from disbursement.models import Figure, Snapshot
from districts.models import District, DistrictSuccession
from investors.models import InvestorSuccession


def _names(units) -> list[str]:
    return [unit.display_name for unit in units]


def _changes_of(links, start: dt.date, end: dt.date) -> dict[dt.date, dict]:
    """Per date: merges (several to one), splits (one to several), partial transfers."""
    by_date: dict[dt.date, dict] = defaultdict(lambda: {"merges": {}, "splits": {}, "transfers": []})
    for link in links.filter(effective_from__gte=start, effective_from__lte=end).select_related(
        "predecessor", "successor"
    ):
        day = by_date[link.effective_from]
        if link.kind == SuccessionKind.MERGE:
            day["merges"].setdefault(link.successor, []).append(link.predecessor)
        elif link.kind == SuccessionKind.SPLIT:
            day["splits"].setdefault(link.predecessor, []).append(link.successor)
        else:
            day["transfers"].append((link.predecessor, link.successor))
    return by_date


def units_change_context(snapshot: Snapshot) -> dict:
    """The variables of the 'units_change' section: the year's changes up to the snapshot's date."""
    start, end = year_start(snapshot.year), snapshot.as_of
    local = _changes_of(DistrictSuccession.objects.all(), start, end)
    investors = _changes_of(InvestorSuccession.objects.all(), start, end)
    changes = []
    for day in sorted(set(local) | set(investors)):
        units = local.get(day, {"merges": {}, "splits": {}, "transfers": []})
        bodies = investors.get(day, {"merges": {}, "splits": {}, "transfers": []})
        before = {p for group in units["merges"].values() for p in group} | set(units["splits"])
        before |= {p for p, _ in units["transfers"]}
        after = set(units["merges"]) | {s for group in units["splits"].values() for s in group}
        # The district level gave way to the commune level on this date.
        level_change = any(u.level == District.Level.DISTRICT for u in before) and any(
            u.level == District.Level.COMMUNE for u in after
        )
        merges = _merges(units["merges"]) + _merges(bodies["merges"])
        splits = _splits(units["splits"]) + _splits(bodies["splits"])
        transfers = [
            {"from": p.display_name, "to": s.display_name} for p, s in units["transfers"] + bodies["transfers"]
        ]
        events = [f"{', '.join(m['from'])} sáp nhập vào {m['to']}" for m in merges]
        events += [f"{s['from']} chia tách cho {', '.join(s['to'])}" for s in splits]
        events += [f"một phần {t['from']} chuyển cho {t['to']}" for t in transfers]
        changes.append(
            {
                # As the resolutions and reports write it: 'từ ngày 01/7/2025'.
                "date": f"{day.day:02d}/{day.month}/{day.year}",
                "district_level": level_change,
                "districts_count": len([u for u in before if u.level == District.Level.DISTRICT]),
                "districts_count_text": format_count(len([u for u in before if u.level == District.Level.DISTRICT])),
                "communes_count": len([u for u in after if u.level == District.Level.COMMUNE]),
                "communes_count_text": format_count(len([u for u in after if u.level == District.Level.COMMUNE])),
                "merges": merges,
                "splits": splits,
                "transfers": transfers,
                "events": events,
            }
        )
    not_comparable = [
        figure.unit.display_name
        for figure in Figure.objects.of(snapshot)
        .filter(scope__in=[Figure.Scope.INVESTOR, Figure.Scope.DISTRICT], source__isnull=True)
        .filter(previous_basis="not_comparable")
        .select_related("investor", "district")
        .order_by("stream__order", "investor__name", "district__order")
    ]
    return {
        "year": str(snapshot.year),
        "as_of": format_report_date(snapshot.as_of),
        "changes": changes,
        "not_comparable": list(dict.fromkeys(not_comparable)),
    }


def _merges(merges: dict) -> list[dict]:
    return [
        {"from": _names(sorted(before, key=lambda u: u.display_name)), "to": after.display_name}
        for after, before in sorted(merges.items(), key=lambda item: item[0].display_name)
    ]


def _splits(splits: dict) -> list[dict]:
    return [
        {"from": before.display_name, "to": _names(sorted(after, key=lambda u: u.display_name))}
        for before, after in sorted(splits.items(), key=lambda item: item[0].display_name)
    ]
