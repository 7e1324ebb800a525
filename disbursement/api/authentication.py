"""Who calls the API: dashboards with an API key, staff with a session; nobody else.

What each may do is disbursement.api.permissions; how often, disbursement.api.throttling.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from disbursement.apikeys import key_for, key_permissions
from disbursement.models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyUser(AnonymousUser):
    """The request user of a call made with an API key: not a staff account; it holds the model permissions of
    the key's role (disbursement.apikeys.key_permissions), read once per request."""

    def __init__(self, api_key: ApiKey):
        super().__init__()
        self.api_key = api_key
        self._permissions: set[str] | None = None

    def get_all_permissions(self, obj=None) -> set[str]:
        if self._permissions is None:
            self._permissions = key_permissions(self.api_key)
        return self._permissions

    def has_perm(self, perm: str, obj=None) -> bool:
        return perm in self.get_all_permissions()

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm) for perm in perm_list)

    def has_module_perms(self, module: str) -> bool:
        return any(perm.startswith(f"{module}.") for perm in self.get_all_permissions())

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"khóa API {self.api_key.name}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """'Authorization: Api-Key <key>'."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, value = header.partition(" ")
        if keyword != KEYWORD:
            return None
        value = value.strip()
        if not value:
            raise exceptions.AuthenticationFailed("Thiếu khóa API sau 'Api-Key'.")
        api_key = key_for(value)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Khóa API không đúng hoặc đã bị thu hồi.")
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


def request_api_key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Tiêu đề 'Authorization: Api-Key <khóa>'. Khóa chỉ hiện một lần khi tạo.",
        }
