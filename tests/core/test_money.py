from decimal import Decimal

import pytest

from core.money import TRIEU, TY, AmountError, parse_vn_decimal, to_dong


def test_vietnamese_notation_text():
    assert parse_vn_decimal("1.234,5") == Decimal("1234.5")
    assert parse_vn_decimal("22.770,828") == Decimal("22770.828")
    assert parse_vn_decimal("35,76%") == Decimal("35.76")
    assert parse_vn_decimal("6.986") == Decimal("6986")


def test_amounts_scale_to_exact_dong():
    assert to_dong("22.770,828", TY) == 22_770_828_000_000
    assert to_dong(1513.544, TY) == 1_513_544_000_000
    assert to_dong(755463, TRIEU) == 755_463_000_000
    assert isinstance(to_dong(0.1, TY), int)


@pytest.mark.parametrize("bad", ["", "abc", "1,2,3", True, float("nan")])
def test_unreadable_values_are_refused(bad):
    with pytest.raises(AmountError):
        to_dong(bad)
