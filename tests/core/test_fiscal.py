import datetime as dt

from core.fiscal import (
    add_working_days,
    disbursement_deadline,
    in_disbursement_period,
    quarter_end,
    same_date_last_year,
    weeks_between,
)


def test_disbursement_period_runs_to_31_january_next_year():
    assert disbursement_deadline(2024) == dt.date(2025, 1, 31)
    assert in_disbursement_period(2024, dt.date(2025, 1, 31))
    assert not in_disbursement_period(2024, dt.date(2025, 2, 1))
    assert in_disbursement_period(2024, dt.date(2025, 12, 31), extended=True)
    assert not in_disbursement_period(2022, dt.date(2021, 3, 20))


def test_same_date_last_year_handles_leap_day():
    assert same_date_last_year(dt.date(2024, 7, 20)) == dt.date(2023, 7, 20)
    assert same_date_last_year(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_quarter_ends_and_weeks():
    assert quarter_end(2024, 2) == dt.date(2024, 6, 30)
    assert quarter_end(2024, 4) == dt.date(2024, 12, 31)
    assert weeks_between(dt.date(2024, 7, 20), dt.date(2025, 1, 31)) == 28
    assert weeks_between(dt.date(2025, 2, 1), dt.date(2025, 1, 31)) == 0


def test_working_days_skip_weekends_and_the_holidays_given():
    friday = dt.date(2026, 2, 13)
    tet = {dt.date(2026, 2, d) for d in range(16, 21)}
    assert add_working_days(friday, 1) == dt.date(2026, 2, 16)
    assert add_working_days(friday, 1, tet) == dt.date(2026, 2, 23)
    assert add_working_days(dt.date(2026, 2, 23), -1, tet) == friday
