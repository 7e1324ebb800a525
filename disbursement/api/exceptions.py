"""One error format for every failure of the API:

{"error": {"code": "<machine code>", "message": "<Vietnamese>", "details": ...}}
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

MESSAGES = {
    "invalid": "Dữ liệu gửi lên không hợp lệ.",
    "parse_error": "Không đọc được nội dung yêu cầu.",
    "not_authenticated": "Chưa xác thực: cần khóa API hoặc đăng nhập.",
    "authentication_failed": "Xác thực không thành công.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy.",
    "method_not_allowed": "Phương thức không được hỗ trợ.",
    "not_acceptable": "Không trả được dữ liệu theo định dạng yêu cầu.",
    "unsupported_media_type": "Định dạng dữ liệu gửi lên không được hỗ trợ.",
    "throttled": "Quá nhiều yêu cầu, vui lòng thử lại sau.",
    "server_error": "Lỗi máy chủ, vui lòng thử lại sau.",
    "conflict": "Dữ liệu đã thay đổi hoặc không ở trạng thái cho phép.",
}
CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = MESSAGES["conflict"]
    default_code = "conflict"


def error_body(code: str, message: str | None = None, details=None) -> dict:
    return {
        "error": {"code": code, "message": message or MESSAGES.get(code, MESSAGES["server_error"]), "details": details}
    }


def _code_of(exc: exceptions.APIException) -> str:
    if getattr(exc, "api_code", None):
        return exc.api_code
    for cls in type(exc).__mro__:
        if cls in CODES:
            return CODES[cls]
    return getattr(exc, "default_code", "error")


def _is_drf_default(exc: exceptions.APIException) -> bool:
    for cls in type(exc).__mro__:
        if cls in CODES:
            return str(exc.detail) == str(cls.default_detail) or cls in (
                exceptions.MethodNotAllowed,
                exceptions.Throttled,
                exceptions.UnsupportedMediaType,
                exceptions.NotAcceptable,
            )
    return False


def api_exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: every failure, including unexpected ones, in the one format."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.messages)
    elif isinstance(exc, DataError):
        # A parameter the database cannot store or compare (e.g. a NUL byte on PostgreSQL).
        exc = exceptions.ValidationError("Tham số không hợp lệ.")

    if not isinstance(exc, exceptions.APIException):
        logger.exception("Lỗi không lường trước trong API", exc_info=exc)
        set_rollback()
        return Response(error_body("server_error"), status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    code = _code_of(exc)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        message, details = MESSAGES["invalid"], exc.detail
    else:
        detail = exc.detail
        message = str(detail) if isinstance(detail, str) else MESSAGES.get(code, str(detail))
        # DRF's own default messages are replaced by ours; a parser's (the JSON decoder's, in English) too.
        if code in MESSAGES and (_is_drf_default(exc) or isinstance(exc, exceptions.ParseError)):
            message = MESSAGES[code]
        details = None
    set_rollback()
    return Response(error_body(code, message, details), status=exc.status_code, headers=headers)


def api_not_found(request, exception=None):
    return JsonResponse(error_body("not_found"), status=404)


def api_server_error(request):
    return JsonResponse(error_body("server_error"), status=500)
