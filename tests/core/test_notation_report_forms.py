"""The forms of counts and dates the drafted report writes."""

import datetime as dt

from core.notation import format_count_of, format_report_date


def test_count_of_total_is_written_with_two_digits():
    assert format_count_of(9, 15) == "09/15"
    assert format_count_of(1, 22) == "01/22"
    assert format_count_of(112, 230) == "112/230"


def test_report_dates_pad_only_when_asked():
    assert format_report_date(dt.date(2024, 7, 20)) == "20/7/2024"
    assert format_report_date(dt.date(2024, 1, 1), padded=True) == "01/01/2024"
