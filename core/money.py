"""Money is exact integer đồng. Amounts from files are scaled to đồng here."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DONG = 1
TRIEU = 10**6  # triệu đồng
TY = 10**9  # tỷ đồng

UNIT_NAMES = {DONG: "đồng", TRIEU: "triệu đồng", TY: "tỷ đồng"}

# Largest amount a BigIntegerField holds; a plan of 22.770,828 tỷ is far below.
MAX_DONG = 2**63 - 1

_VN_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*(,\d+)?$|^[+-]?\d+(,\d+)?$")


class AmountError(ValueError):
    """A value that cannot be read as an amount."""


def parse_vn_decimal(text: str) -> Decimal:
    """Read a number written in Vietnamese notation: '1.234,5' -> Decimal('1234.5').

    Plain machine notation ('1234.5') is accepted when it is unambiguous,
    i.e. it has a single '.' followed by other than exactly three digits.
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise AmountError("ô trống")
    if s.endswith("%"):
        s = s[:-1]
    if _VN_NUMBER.match(s):
        return Decimal(s.replace(".", "").replace(",", "."))
    if re.match(r"^[+-]?\d+\.\d+$", s) and not re.match(r"^[+-]?\d{1,3}\.\d{3}$", s):
        return Decimal(s)
    raise AmountError(f"không đọc được số '{text}'")


def to_decimal(value: object) -> Decimal:
    """A cell value (int, float, Decimal or Vietnamese-notation text) as Decimal.

    Floats come from spreadsheet cells; repr() gives the shortest text that
    round-trips, so 1513,544 stored as a float reads back as 1513.544 exactly.
    """
    if isinstance(value, bool):
        raise AmountError(f"không phải số: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        try:
            result = Decimal(repr(value))
        except InvalidOperation as exc:
            raise AmountError(f"không phải số: {value!r}") from exc
        if not result.is_finite():
            raise AmountError(f"không phải số: {value!r}")
        return result
    if isinstance(value, str):
        return parse_vn_decimal(value)
    raise AmountError(f"không phải số: {value!r}")


def to_dong(value: object, unit: int = DONG) -> int:
    """An amount in `unit` (DONG, TRIEU or TY) as exact integer đồng, half-up."""
    if value.__class__ is int and unit.__class__ is int:
        # A whole number (most cells) needs no rounding: the same integer, without Decimal arithmetic.
        dong = value * unit
        if abs(dong) > MAX_DONG:
            raise AmountError(f"số tiền quá lớn: {value!r}")
        return dong
    amount = to_decimal(value) * unit
    dong = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(dong) > MAX_DONG:
        raise AmountError(f"số tiền quá lớn: {value!r}")
    return dong


def dong_in(amount: int, unit: int) -> Decimal:
    """Exact value of `amount` đồng in `unit`, unrounded."""
    return Decimal(amount) / Decimal(unit)
