"""Writes of districts: a new district, another spelling of one."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from core.names import normalize_name, strip_diacritics
from districts.models import District, DistrictAlias

CODE_LENGTH = 16
# Words that say the kind of unit, not its name: 'huyện Kiến Thụy' is named 'Kiến Thụy'.
_KIND_WORDS = re.compile(r"^(?:(?:ủy ban nhân dân|ubnd)\s+)?(?:quận|huyện|thành phố|thị xã|tp\.?)\s+", re.IGNORECASE)


def _history_user(instance, user) -> None:
    if user is not None and getattr(user, "pk", None):
        instance._history_user = user


def bare_name(name: str) -> str:
    """The district's own name, without 'quận' / 'huyện' / 'UBND' in front."""
    name = " ".join(name.split())
    return _KIND_WORDS.sub("", name).strip() or name


def new_district_code(name: str) -> str:
    words = strip_diacritics(name).upper().split()
    base = "".join(w[0] for w in words if w[0].isalnum())[:CODE_LENGTH] or "DV"
    code, number = base, 1
    while District.objects.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    return code


@transaction.atomic
def create_district(*, name: str, kind: str, valid_from: dt.date, user=None) -> District:
    """A new district under the name a file gives it, valid from `valid_from` (the plan year's start)."""
    if kind not in District.Kind.values:
        raise ValidationError(f"Loại quận, huyện không hợp lệ: {kind}.")
    own = bare_name(name)
    district = District(code=new_district_code(own), name=own, kind=kind, valid_from=valid_from)
    _history_user(district, user)
    district.full_clean(exclude=["name_key"])
    district.save()
    return district


@transaction.atomic
def add_district_alias(*, district: District, name: str, user=None) -> DistrictAlias | None:
    """Record that files write `district` as `name`; None when that spelling is already its own."""
    name = " ".join(name.split())
    key = normalize_name(name)
    if key == district.name_key:
        return None
    existing = DistrictAlias.objects.filter(name_key=key).select_related("district").first()
    if existing is not None:
        if existing.district_id == district.id:
            return existing
        raise ValidationError(f"Tên '{name}' đã là tên gọi khác của {existing.district}.")
    alias = DistrictAlias(district=district, name=name)
    _history_user(alias, user)
    alias.save()
    return alias
