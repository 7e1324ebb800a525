"""Plan years and their dates.

A plan year's disbursement runs from 1 January until 31 January of the
next year (Law on Public Investment); some capital may be extended to
31 December of the next year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def disbursement_deadline(year: int) -> dt.date:
    return dt.date(year + 1, 1, 31)


def extended_deadline(year: int) -> dt.date:
    return dt.date(year + 1, 12, 31)


def in_disbursement_period(year: int, day: dt.date, *, extended: bool = False) -> bool:
    end = extended_deadline(year) if extended else disbursement_deadline(year)
    return year_start(year) <= day <= end


def same_date_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    next_first = dt.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - dt.timedelta(days=1)


def weeks_between(start: dt.date, end: dt.date) -> int:
    """Whole weeks left from `start` to `end`, at least 1 while time remains."""
    days = (end - start).days
    if days <= 0:
        return 0
    return max(1, -(-days // 7))


def add_working_days(start: dt.date, days: int, holidays: Collection[dt.date] = frozenset()) -> dt.date:
    """The date `days` working days after `start` (before it when negative): Monday to Friday, except the
    `holidays` (public holidays and the days off given for them)."""
    day = start
    step = dt.timedelta(days=1 if days >= 0 else -1)
    left = abs(days)
    while left > 0:
        day += step
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day
