"""Role groups of the staff: viewer, editor (imports, plans), administrator (rules, users, API keys).

Permissions are derived from the models present, so models added later
(flag rules, recipients) fall to the right role without change here. API keys
are the administrators' alone: viewers and editors do not even see them.

An API key acts with a role too: a read key only reads; a write key has the
permissions of the editors' group as the administrators keep it (KEY_WRITE_ROLE).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

VIEWER = "Người xem"
EDITOR = "Biên tập viên"
ADMINISTRATOR = "Quản trị viên"
ROLES = (VIEWER, EDITOR, ADMINISTRATOR)

DATA_APPS = ("districts", "investors", "disbursement")
# What an editor may add and change: imports, plans and the master data they need.
EDITOR_MODELS = {
    "districts": {"district", "districtalias", "districtsuccession"},
    "investors": {"investor", "investoralias", "investorsuccession"},
    "disbursement": {
        "snapshot",
        "submission",
        "importjob",
        "nameabbreviation",
        "project",
        "cityplan",
        "cityplanrevision",
        "allocation",
        "allocationrevision",
        "quarterlyschedule",
        "schedule",
        "explanationrequest",
        "explanationcause",
        "publicholiday",
    },
}
# Editors may delete aliases (a wrong spelling); plans and snapshots are revised or superseded, never deleted.
EDITOR_DELETABLE = {"districtalias", "investoralias"}
ADMIN_APPS = (*DATA_APPS, "auth", "django_celery_beat")
# Models only administrators see: the keys that open the API.
ADMIN_ONLY_MODELS = {"apikey"}
# The group whose permissions a write key has; a read key has none beyond reading.
KEY_WRITE_ROLE = EDITOR


def _is_history(perm: Permission) -> bool:
    return perm.content_type.model.startswith("historical")


def role_permissions() -> dict[str, set[Permission]]:
    data = [
        p
        for p in Permission.objects.filter(content_type__app_label__in=DATA_APPS).select_related("content_type")
        if p.content_type.model not in ADMIN_ONLY_MODELS
    ]
    viewer = {p for p in data if p.codename.startswith("view_")}
    editor = set(viewer)
    for perm in data:
        model = perm.content_type.model
        if _is_history(perm) or model not in EDITOR_MODELS.get(perm.content_type.app_label, set()):
            continue
        action = perm.codename.split("_", 1)[0]
        if action in {"add", "change"} or (action == "delete" and model in EDITOR_DELETABLE):
            editor.add(perm)
    administrator = set(
        Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).select_related("content_type")
    )
    # Extra apps that hold API keys or tokens, when installed.
    administrator |= set(Permission.objects.filter(content_type__model__icontains="apikey"))
    administrator |= set(Permission.objects.filter(content_type__app_label="authtoken"))
    return {VIEWER: viewer, EDITOR: editor, ADMINISTRATOR: administrator}


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update the three role groups; running it again gives the same groups."""
    groups = {}
    for name, permissions in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def group_permission_names(role: str) -> set[str]:
    """'app_label.codename' of every permission the role's group holds now; empty when the group does not exist."""
    rows = Permission.objects.filter(group__name=role).values_list("content_type__app_label", "codename")
    return {f"{app}.{codename}" for app, codename in rows}
