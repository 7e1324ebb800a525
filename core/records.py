"""Writes every app's master data shares: a unit's code from its name, another spelling of a unit.

Generic over the model passed in, so core still imports no app.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.names import normalize_name, strip_diacritics


def set_history_user(instance: models.Model, user) -> None:
    # The change log names who wrote the row, also outside a request (a job, a command).
    if user is not None and getattr(user, "pk", None):
        instance._history_user = user


def code_from_name(name: str, model: type[models.Model], *, length: int, fallback: str) -> str:
    """Initials of the name ('Ban Quản lý dự án ...' -> 'BQLDA...'), made unique among `model`'s codes."""
    words = strip_diacritics(name).upper().split()
    base = "".join(w[0] for w in words if w[0].isalnum())[:length] or fallback
    code, number = base, 1
    while model.objects.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    return code


@transaction.atomic
def add_alias(*, unit: models.Model, name: str, alias_model: type[models.Model], unit_field: str, user=None):
    """Record that files write `unit` as `name`; None when that spelling is already its own."""
    name = " ".join(name.split())
    key = normalize_name(name)
    if key == unit.name_key:
        return None
    existing = alias_model.objects.filter(name_key=key).select_related(unit_field).first()
    if existing is not None:
        if getattr(existing, f"{unit_field}_id") == unit.pk:
            return existing
        raise ValidationError(f"Tên '{name}' đã là tên gọi khác của {getattr(existing, unit_field)}.")
    alias = alias_model(name=name, **{unit_field: unit})
    set_history_user(alias, user)
    alias.save()
    return alias
