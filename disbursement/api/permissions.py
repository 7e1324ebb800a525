"""What a caller may do through the API: the admin's model permissions, on every path.

- Reading needs a staff session (an active account with `is_staff`) or an active key.
- Writing needs the model permissions the admin asks for the same action: a view names them per action in
  `required_permissions` (imports: disbursement.add_snapshot, as the admin's import pages; API keys: the
  apikey permissions), else those of its model as DjangoModelPermissions maps them (POST add, PUT/PATCH change,
  DELETE delete). A custom write action that names none is refused to everyone, so a new one cannot slip through.
- Staff hold the permissions of their role groups (disbursement.access); a write key those of the editors'
  group (disbursement.apikeys). A read key is refused every write, whatever the method; a view with
  `allow_api_keys = False` refuses every key.
- A method the view does not answer passes, so that DRF says 405 rather than 403 to who may write.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import permissions

from disbursement.api.authentication import request_api_key

DENIED = "Bạn không có quyền thực hiện thao tác này."

# Standard write actions of a model viewset and the model permission the admin asks for each.
MODEL_ACTIONS = {
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


def _handles(request, view) -> bool:
    method = request.method.lower()
    action_map = getattr(view, "action_map", None)
    return method in action_map if action_map is not None else hasattr(view, method)


def required_permissions(request, view) -> tuple[str, ...] | None:
    """The model permissions the request needs; None when the action is a write nobody declared."""
    name = getattr(view, "action", None) or request.method.lower()
    declared = getattr(view, "required_permissions", {})
    if name in declared:
        return tuple(declared[name])
    if request.method in permissions.SAFE_METHODS:
        return ()
    verb = MODEL_ACTIONS.get(name)
    queryset = getattr(view, "queryset", None)
    if verb is None or queryset is None:
        return None
    opts = queryset.model._meta
    return (f"{opts.app_label}.{verb}_{opts.model_name}",)


class ModelPermissions(permissions.BasePermission):
    """Staff sessions and keys read; writes and key management need the model permissions (module docstring)."""

    message = DENIED

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        api_key = request_api_key(request)
        if api_key is not None:
            if not getattr(view, "allow_api_keys", True):
                return False
            if not api_key.can_write and request.method not in permissions.SAFE_METHODS:
                return False
        elif not (user.is_active and user.is_staff):
            return False
        if request.method not in permissions.SAFE_METHODS and not _handles(request, view):
            return True
        required = required_permissions(request, view)
        return required is not None and user.has_perms(required)


class DocumentationPermission(permissions.BasePermission):
    """The root listing, schema and documentation pages: anyone when API_DOCS_PUBLIC is on (the default),
    otherwise whoever may read the API."""

    message = DENIED

    def has_permission(self, request, view) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        return ModelPermissions().has_permission(request, view)
