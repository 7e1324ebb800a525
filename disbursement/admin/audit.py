"""Nhật ký thay đổi: recent changes to plans, allocations, snapshots, master data and rules.

Every model registered with django-simple-history in the three apps is listed,
so models added later (flag rules, recipients) appear without change here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from heapq import merge

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from disbursement.admin.display import money

AUDITED_APPS = ("disbursement", "districts", "investors")
PAGE_SIZE = 100
ACTIONS = {"+": "Tạo mới", "~": "Sửa", "-": "Xóa"}
# Amount columns in đồng, shown in tỷ đồng.
MONEY_FIELDS = {"amount", "disbursed", "plan", "stated_plan"}


def audited_models() -> list[type[models.Model]]:
    """Models of the audited apps that keep a change history."""
    found = []
    for label in AUDITED_APPS:
        for model in apps.get_app_config(label).get_models():
            if getattr(model._meta, "simple_history_manager_attribute", None):
                found.append(model)
    return found


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: dt.datetime
    user: str
    action: str
    model_name: str
    object_label: str
    object_url: str
    history_url: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _show(model: type[models.Model], field_name: str, value) -> str:
    if value is None or value == "":
        return "–"
    try:
        model_field = model._meta.get_field(field_name)
    except Exception:
        return str(value)
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if field_name in MONEY_FIELDS and isinstance(value, int):
        return f"{money(value)} tỷ đồng"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    # Other integers are years, orders and row numbers: written plainly (2024, not 2.024).
    return str(value)


def _label(model, name: str) -> str:
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name
    # Money is shown in tỷ đồng with its unit, so the "(đồng)" of the column name would mislead.
    return label.replace(" (đồng)", "") if name in MONEY_FIELDS else label


def _tracked_fields(model) -> list[str]:
    return [
        f.attname if f.is_relation else f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key
    ]


def _changes(model, record) -> list[Change]:
    if record.history_type == "~":
        previous = record.prev_record
        if previous is None:
            return []
        delta = record.diff_against(previous)
        return [
            Change(_label(model, c.field), _show(model, c.field, c.old), _show(model, c.field, c.new))
            for c in delta.changes
        ]
    if record.history_type == "+":
        result = []
        for name in _tracked_fields(model):
            base = name[:-3] if name.endswith("_id") else name
            value = getattr(record, name, None)
            if value in (None, ""):
                continue
            result.append(Change(_label(model, base), "", _show(model, base, value)))
        return result
    return []


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def recent_records(model_label: str | None = None, limit: int = PAGE_SIZE) -> list[tuple[type[models.Model], object]]:
    """The latest history records across the audited models, newest first."""
    streams = []
    for model in audited_models():
        if model_label and model._meta.label_lower != model_label:
            continue
        history = getattr(model, model._meta.simple_history_manager_attribute)
        records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
        streams.append([(r.history_date, model, r) for r in records])
    ordered = merge(*streams, key=lambda item: item[0], reverse=True)
    return [(model, record) for _, model, record in list(ordered)[:limit]]


def audit_entries(model_label: str | None = None, limit: int = PAGE_SIZE) -> list[Entry]:
    entries = []
    for model, record in recent_records(model_label, limit):
        meta = model._meta
        obj_id = getattr(record, meta.pk.attname)
        user = record.history_user
        entries.append(
            Entry(
                when=record.history_date,
                user=(user.get_full_name() or user.get_username()) if user else "Hệ thống",
                action=ACTIONS.get(record.history_type, record.history_type),
                model_name=str(meta.verbose_name),
                object_label=str(record.instance) if record.history_type != "-" else f"{meta.verbose_name} #{obj_id}",
                object_url=_url(f"admin:{meta.app_label}_{meta.model_name}_change", obj_id)
                if record.history_type != "-"
                else "",
                history_url=_url(f"admin:{meta.app_label}_{meta.model_name}_history", obj_id),
                reason=record.history_change_reason or "",
                changes=_changes(model, record),
            )
        )
    return entries


def audit_view(model_admin, request):
    if not request.user.is_staff or not model_admin.has_view_permission(request):
        raise PermissionDenied
    model_label = request.GET.get("model") or None
    choices = [(m._meta.label_lower, str(m._meta.verbose_name)) for m in audited_models()]
    if model_label not in {c[0] for c in choices}:
        model_label = None
    context = {
        **model_admin.admin_site.each_context(request),
        # Wide tables and charts: no side menu on these pages.
        "is_nav_sidebar_enabled": False,
        "opts": model_admin.model._meta,
        "title": "Nhật ký thay đổi",
        "entries": audit_entries(model_label),
        "model_choices": sorted(choices, key=lambda c: c[1]),
        "selected_model": model_label or "",
        "page_size": PAGE_SIZE,
    }
    return TemplateResponse(request, "admin/disbursement/audit_log.html", context)
