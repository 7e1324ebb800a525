"""API keys: create, revoke, check, and what a key may do. The plaintext key is returned once and never stored.

A read key only reads. A write key acts with the permissions of the editors' group
(access.KEY_WRITE_ROLE) as the administrators keep it, checked on every request, so
narrowing that group narrows every write key; only someone who holds all of those
permissions may create one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone

from disbursement.access import KEY_WRITE_ROLE, group_permission_names
from disbursement.models import ApiKey

PREFIX_LENGTH = 8
# last_used_at is written at most this often per key, so reads stay reads under load.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiKeyError(ValueError):
    def __init__(self, message: str, field: str = "name"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    plaintext: str


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def key_permissions(api_key: ApiKey) -> set[str]:
    """'app_label.codename' of the model permissions the key writes with: none for a read key."""
    if not api_key.can_write:
        return set()
    return group_permission_names(KEY_WRITE_ROLE)


def create_api_key(*, name: str, scope: str = ApiKey.Scope.READ, user=None) -> NewApiKey:
    """A new key; `plaintext` ('<prefix>.<secret>') is the only copy the caller will ever see.

    `user` is who asks for it (None from the command line): a write key is never given more than they hold.
    """
    name = (name or "").strip()
    if not name:
        raise ApiKeyError("Khóa API phải có tên.")
    if scope not in ApiKey.Scope.values:
        raise ApiKeyError("Quyền của khóa API chỉ là 'read' hoặc 'write'.", field="scope")
    if scope == ApiKey.Scope.WRITE and user is not None and not user.has_perms(group_permission_names(KEY_WRITE_ROLE)):
        raise ApiKeyError(
            f"Khóa ghi có các quyền của nhóm '{KEY_WRITE_ROLE}'; bạn chưa có đủ các quyền đó nên không tạo được.",
            field="scope",
        )
    while True:
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    plaintext = f"{prefix}.{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        name=name, prefix=prefix, hashed_key=hash_key(plaintext), scope=scope, created_by=user
    )
    return NewApiKey(api_key=api_key, plaintext=plaintext)


def revoke_api_key(api_key_id: int) -> ApiKey:
    """Revoke a key; revoking twice keeps the first revocation time."""
    ApiKey.objects.filter(pk=api_key_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return ApiKey.objects.get(pk=api_key_id)


def key_for(plaintext: str) -> ApiKey | None:
    """The active key matching `plaintext`, or None. Marks it used (at most once a minute)."""
    prefix, sep, _ = plaintext.partition(".")
    if not sep or len(prefix) != PREFIX_LENGTH:
        return None
    api_key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if api_key is None or not secrets.compare_digest(api_key.hashed_key, hash_key(plaintext)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
