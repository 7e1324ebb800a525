"""The preview of an import as people read it: per-unit changes in Vietnamese notation, unknown names grouped.

Shared by the admin page, the command and the API job, so the three say the
same thing before anything is written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.notation import format_amount, format_unit_percent
from disbursement.importing.issues import Issue
from disbursement.importing.matching import LEVEL_WORDS


def _amount(value: int | None) -> str:
    return "–" if value is None else f"{format_amount(value)} tỷ đồng"


def _ratio(value: str | None) -> str:
    return "–" if value is None else format_unit_percent(Decimal(value))


def change_rows(summary: dict) -> list[dict]:
    """The summary's per-unit changes, formatted: old -> new disbursed and ratio."""
    rows = []
    for change in summary.get("changes") or []:
        reported = change.get("old_reported_on")
        rows.append(
            {
                "unit": change.get("unit", ""),
                "stream_name": change.get("stream_name", ""),
                "old_disbursed": _amount(change.get("old_disbursed")),
                "old_reported_on": dt.date.fromisoformat(reported).strftime("%d/%m/%Y") if reported else "",
                "old_ratio": _ratio(change.get("old_ratio")),
                "new_disbursed": _amount(change.get("new_disbursed")),
                "new_ratio": _ratio(change.get("new_ratio")),
                "is_new": change.get("old_disbursed") is None,
            }
        )
    return rows


def preview_change_lines(summary: dict) -> list[str]:
    """One line per changed unit, for the command."""
    lines = []
    for row in change_rows(summary):
        if row["is_new"]:
            lines.append(f"{row['unit']} ({row['stream_name']}): mới {row['new_disbursed']}, {row['new_ratio']}")
            continue
        since = f" (số liệu ngày {row['old_reported_on']})" if row["old_reported_on"] else ""
        lines.append(
            f"{row['unit']} ({row['stream_name']}): {row['old_disbursed']}{since} -> {row['new_disbursed']}; "
            f"{row['old_ratio']} -> {row['new_ratio']}"
        )
    more = (summary.get("changes_total") or 0) - len(lines)
    if more > 0:
        lines.append(f"và {more} đơn vị khác thay đổi")
    return lines


# The cells listed for one unknown name; `cells_total` counts them all.
UNKNOWN_NAME_CELLS = 20


def unknown_names(errors: list[Issue]) -> list[dict]:
    """Unmatched names of a preview, each once per level, with where they are (the first UNKNOWN_NAME_CELLS
    cells, and their number) and the closest units."""
    found: dict[tuple[str, str], dict] = {}
    for issue in errors:
        if issue.code != "unknown_name" or not issue.detail:
            continue
        detail = issue.detail
        entry = found.setdefault(
            (detail["level"], detail["name"]),
            {
                "name": detail["name"],
                "level": detail["level"],
                "level_label": LEVEL_WORDS[detail["level"]],
                "streams": [],
                "cells": [],
                "cells_total": 0,
                "candidates": detail.get("candidates", []),
            },
        )
        if detail.get("stream_name") and detail["stream_name"] not in entry["streams"]:
            entry["streams"].append(detail["stream_name"])
        entry["cells_total"] += 1
        if len(entry["cells"]) < UNKNOWN_NAME_CELLS:
            entry["cells"].append(f"{issue.sheet}!{issue.cell}" if issue.cell else f"{issue.sheet}, dòng {issue.row}")
    return list(found.values())
