"""Writes of districts: a new district, another spelling of one."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from core.records import add_alias, code_from_name, set_history_user
from districts.models import District, DistrictAlias

CODE_LENGTH = 16
# Words that say the kind of unit, not its name: 'huyện Kiến Thụy' is named 'Kiến Thụy'.
_KIND_WORDS = re.compile(
    r"^(?:(?:ủy ban nhân dân|ubnd)\s+)?(?:quận|huyện|thành phố|thị xã|tp\.?|xã|phường|đặc khu)\s+", re.IGNORECASE
)


def bare_name(name: str) -> str:
    """The district's own name, without 'quận' / 'huyện' / 'UBND' in front."""
    name = " ".join(name.split())
    return _KIND_WORDS.sub("", name).strip() or name


def new_district_code(name: str) -> str:
    return code_from_name(name, District, length=CODE_LENGTH, fallback="DV")


@transaction.atomic
def create_district(*, name: str, kind: str, valid_from: dt.date, user=None) -> District:
    """A new district under the name a file gives it, valid from `valid_from` (the plan year's start)."""
    if kind not in District.Kind.values:
        raise ValidationError(f"Loại quận, huyện không hợp lệ: {kind}.")
    own = bare_name(name)
    district = District(code=new_district_code(own), name=own, kind=kind, valid_from=valid_from)
    set_history_user(district, user)
    district.full_clean(exclude=["name_key"])
    district.save()
    return district


def add_district_alias(*, district: District, name: str, user=None) -> DistrictAlias | None:
    """Record that files write `district` as `name`; None when that spelling is already its own."""
    return add_alias(unit=district, name=name, alias_model=DistrictAlias, unit_field="district", user=user)
