"""Shared helpers of the staff pages: money and ratios in Vietnamese notation, amount form fields.

Money is stored in đồng; staff read and type it in tỷ đồng with three decimals,
as the reports write it ("6.086,143"). Names, changes, ranks and dates of figures
are written by core.presentation, as on every other page, mail and file.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from core.money import TY, AmountError, to_dong
from core.notation import format_amount, format_percent, format_unit_percent
from core.presentation import amount_web
from disbursement.models import BudgetSource


class ReadOnlyAdmin:
    """A record the service writes (a flag, a commitment, a delivery): staff read it, never add, edit or delete it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def money(dong: int | None) -> str:
    """Đồng as tỷ đồng with three decimals, '–' when absent."""
    return amount_web(dong)


def percent(ratio: Decimal | None) -> str:
    return format_unit_percent(ratio)


def city_percent(ratio: Decimal | None) -> str:
    return format_percent(ratio)


def source_names() -> dict[str, str]:
    """Budget sources by code as a coverage note names them ('NSTW')."""
    return {s.code: s.short_name or s.name for s in BudgetSource.objects.all()}


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
