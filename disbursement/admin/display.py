"""Shared helpers of the staff pages: money and ratios in Vietnamese notation, amount form fields.

Money is stored in đồng; staff read and type it in tỷ đồng with three decimals,
as the reports write it ("6.086,143").
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.money import TY, AmountError, to_dong
from core.notation import format_amount, format_number, format_percent, format_unit_percent

DASH = "–"


def money(dong: int | None) -> str:
    """Đồng as tỷ đồng with three decimals, '–' when absent."""
    return DASH if dong is None else format_amount(dong, TY)


def percent(ratio: Decimal | None) -> str:
    return format_unit_percent(ratio)


def city_percent(ratio: Decimal | None) -> str:
    return format_percent(ratio)


def points(change: Decimal | None) -> str:
    """A change in percentage points with its sign: '+2,4', '-0,8'."""
    if change is None:
        return DASH
    text = format_number(change, 1)
    return text if text.startswith("-") or text == "0,0" else f"+{text}"


def rank_change(change: int | None) -> str:
    """Rank change since the last snapshot: '▲ 2' (climbed), '▼ 1', '='."""
    if change is None:
        return DASH
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def year(obj) -> str:
    """A plan year as written (2024), not as a localized number (2.024)."""
    return str(obj.year)


year.short_description = "Năm kế hoạch"
year.admin_order_field = "year"


class TyDongInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, int):
            return format_amount(value, TY)
        return super().format_value(value)


class TyDongField(forms.Field):
    """An amount typed in tỷ đồng in Vietnamese notation ('22.770,828'), stored as đồng."""

    widget = TyDongInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "Nhập theo tỷ đồng, dấu phẩy thập phân, ví dụ 22.770,828.")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            dong = to_dong(value, TY)
        except AmountError as exc:
            raise forms.ValidationError(f"Số tiền không hợp lệ: {exc}.", code="invalid") from exc
        if dong < 0:
            raise forms.ValidationError("Số tiền không được âm.", code="negative")
        return dong


class TyDongMixin:
    """Admin mixin: the 'amount' columns (đồng) are typed and shown in tỷ đồng."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "amount":
            label = str(db_field.verbose_name).replace("(đồng)", "").strip()
            return TyDongField(label=f"{label} (tỷ đồng)", required=not db_field.blank)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
