"""Who may call the API: dashboards with an API key, staff with a session; nobody else."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from disbursement.api.keys import key_for
from disbursement.models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyUser(AnonymousUser):
    """The request user of a call made with an API key: not a staff account, only the key's scope."""

    def __init__(self, api_key: ApiKey):
        super().__init__()
        self.api_key = api_key

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


class IsStaffOrApiKey(permissions.BasePermission):
    """Staff may do everything; a read key may only read; a write key may also push data."""

    message = "Bạn không có quyền thực hiện thao tác này."

    def has_permission(self, request, view) -> bool:
        api_key = request_api_key(request)
        if api_key is not None:
            return request.method in permissions.SAFE_METHODS or api_key.can_write
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


class IsStaff(permissions.BasePermission):
    """Managing API keys is for staff only, never for a key."""

    message = "Chỉ cán bộ đăng nhập mới quản lý được khóa API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return request_api_key(request) is None and bool(user and user.is_authenticated and user.is_staff)


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Per-key rate ('apikey' in DEFAULT_THROTTLE_RATES); staff are limited per account ('staff')."""

    def get_rate(self):
        # Rate depends on who calls; resolved in allow_request.
        return None

    def allow_request(self, request, view):
        api_key = request_api_key(request)
        if api_key is not None:
            self.scope, ident = "apikey", f"key-{api_key.pk}"
        elif request.user and request.user.is_authenticated:
            self.scope, ident = "staff", f"user-{request.user.pk}"
        else:
            return True
        self.rate = self.THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):  # pragma: no cover - allow_request builds the key
        return None


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
