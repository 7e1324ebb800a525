"""Writes of investors: a new investor, another spelling of one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core.names import normalize_name, strip_diacritics
from districts.models import District
from investors.models import Investor, InvestorAlias

CODE_LENGTH = 24


def _history_user(instance, user) -> None:
    # The change log names who added the unit, also outside a request (a job, a command).
    if user is not None and getattr(user, "pk", None):
        instance._history_user = user


def new_investor_code(name: str) -> str:
    """Initials of the name ('Ban Quản lý dự án ...' -> 'BQLDA...'), made unique with a number."""
    words = strip_diacritics(name).upper().split()
    base = "".join(w[0] for w in words if w[0].isalnum())[:CODE_LENGTH] or "CDT"
    code, number = base, 1
    while Investor.objects.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    return code


@transaction.atomic
def create_investor(*, name: str, kind: str, district: District | None = None, user=None) -> Investor:
    """A new investor under the name a file gives it."""
    name = " ".join(name.split())
    if kind not in Investor.Kind.values:
        raise ValidationError(f"Loại chủ đầu tư không hợp lệ: {kind}.")
    if kind == Investor.Kind.DISTRICT_COMMITTEE and district is None:
        raise ValidationError("UBND quận, huyện làm chủ đầu tư cần chọn quận, huyện.")
    investor = Investor(code=new_investor_code(name), name=name, kind=kind, district=district)
    _history_user(investor, user)
    investor.full_clean(exclude=["name_key"])
    investor.save()
    return investor


@transaction.atomic
def add_investor_alias(*, investor: Investor, name: str, user=None) -> InvestorAlias | None:
    """Record that files write `investor` as `name`; None when that spelling is already its own."""
    name = " ".join(name.split())
    key = normalize_name(name)
    if key == investor.name_key:
        return None
    existing = InvestorAlias.objects.filter(name_key=key).select_related("investor").first()
    if existing is not None:
        if existing.investor_id == investor.id:
            return existing
        raise ValidationError(f"Tên '{name}' đã là tên gọi khác của {existing.investor}.")
    alias = InvestorAlias(investor=investor, name=name)
    _history_user(alias, user)
    alias.save()
    return alias
