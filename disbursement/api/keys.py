"""Create, revoke and check API keys. The plaintext key is returned once and never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone

from disbursement.models import ApiKey

PREFIX_LENGTH = 8
# last_used_at is written at most this often per key, so reads stay reads under load.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiKeyError(ValueError):
    pass


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    plaintext: str


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_api_key(*, name: str, scope: str = ApiKey.Scope.READ, user=None) -> NewApiKey:
    """A new key; `plaintext` ('<prefix>.<secret>') is the only copy the caller will ever see."""
    name = (name or "").strip()
    if not name:
        raise ApiKeyError("Khóa API phải có tên.")
    if scope not in ApiKey.Scope.values:
        raise ApiKeyError("Quyền của khóa API chỉ là 'read' hoặc 'write'.")
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
