"""Writes of investors: a new investor, another spelling of one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.records import add_alias, code_from_name, set_history_user
from districts.models import District
from investors.models import Investor, InvestorAlias

CODE_LENGTH = 24


def new_investor_code(name: str) -> str:
    """Initials of the name ('Ban Quản lý dự án ...' -> 'BQLDA...'), made unique with a number."""
    return code_from_name(name, Investor, length=CODE_LENGTH, fallback="CDT")


@transaction.atomic
def create_investor(*, name: str, kind: str, district: District | None = None, user=None) -> Investor:
    """A new investor under the name a file gives it."""
    name = " ".join(name.split())
    if kind not in Investor.Kind.values:
        raise ValidationError(f"Loại chủ đầu tư không hợp lệ: {kind}.")
    if kind == Investor.Kind.DISTRICT_COMMITTEE and district is None:
        raise ValidationError("UBND quận, huyện làm chủ đầu tư cần chọn quận, huyện.")
    investor = Investor(code=new_investor_code(name), name=name, kind=kind, district=district)
    set_history_user(investor, user)
    investor.full_clean(exclude=["name_key"])
    investor.save()
    return investor


def add_investor_alias(*, investor: Investor, name: str, user=None) -> InvestorAlias | None:
    """Record that files write `investor` as `name`; None when that spelling is already its own."""
    return add_alias(unit=investor, name=name, alias_model=InvestorAlias, unit_field="investor", user=user)
