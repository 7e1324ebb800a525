from decimal import Decimal

import pytest

from core.figures import disbursement_ratio
from core.money import TRIEU, TY
from core.notation import (
    format_amount,
    format_amount_with_unit,
    format_count,
    format_number,
    format_percent,
    format_unit_percent,
)


def test_amounts_in_ty_dong_with_three_decimals():
    assert format_amount(6_086_143 * TRIEU) == "6.086,143"
    assert format_amount_with_unit(22_770_828 * TRIEU) == "22.770,828 tỷ đồng"
    assert format_amount(40 * TRIEU, TRIEU) == "40"


def test_citywide_ratio_two_decimals_half_up():
    assert format_percent(disbursement_ratio(6_086_143, 17_019_198)) == "35,76%"
    assert format_percent(disbursement_ratio(6_086_143, 19_972_741)) == "30,47%"
    # 39,8489 rounds to 39,85 (the July 2024 report printed 39,84).
    assert format_percent(disbursement_ratio(9_073_923, 22_770_828)) == "39,85%"


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(Decimal("67.91"), "67,9%"), (Decimal("43.0"), "43%"), (Decimal("42.96"), "43%"), (Decimal("0.05"), "0,1%")],
)
def test_unit_ratio_one_decimal_trailing_zero_dropped(ratio, text):
    assert format_unit_percent(ratio) == text


def test_half_up_not_bankers_rounding():
    assert format_number(Decimal("0.125"), 2) == "0,13"
    assert format_number(Decimal("2.5"), 0) == "3"


def test_negative_and_missing_values():
    assert format_number(Decimal("-1234.5"), 1) == "-1.234,5"
    assert format_number(Decimal("-0.0001"), 2) == "0,00"
    assert format_percent(None) == "–"


def test_counts_have_two_digits():
    assert format_count(9) == "09"
    assert format_count(15) == "15"


def test_ratio_without_plan_is_none():
    assert disbursement_ratio(10 * TY, 0) is None
    assert disbursement_ratio(0, None) is None
