"""The API's documentation: the root listing of the endpoints, the OpenAPI schema and its two pages.

Everything here describes the interface, never data. It is public unless API_DOCS_PUBLIC is off, in
which case it asks what a read of the API asks (a key or a staff session). The root is read from the
same schema the documentation shows, so the listing cannot drift from the endpoints.
"""

from __future__ import annotations

import copy
import threading

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from disbursement.api.permissions import DocumentationPermission

# The pages load nothing from outside the service: a networkless office still reads them, and the
# Redoc bundle's remote logo is refused by the browser instead of being fetched.
DOCUMENTATION_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
    ]
)
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


_schemas: dict[tuple, dict] = {}
_schemas_lock = threading.Lock()


def api_schema(version: str = "v1") -> dict:
    """The API's OpenAPI schema, generated once per process and language (the code does not change while it runs).

    A copy: callers may not change the one kept.
    """
    key = (version, translation.get_language())
    with _schemas_lock:
        if key not in _schemas:
            _schemas[key] = SchemaGenerator(api_version=version).get_schema(request=None, public=True)
        return copy.deepcopy(_schemas[key])


def endpoints(schema: dict) -> list[dict]:
    """Each path of the schema with its operations: method, operation id, summary, group (tag)."""
    listed = []
    for path, operations in schema.get("paths", {}).items():
        listed.append(
            {
                "path": path,
                "operations": [
                    {
                        "method": method.upper(),
                        "operation_id": operation["operationId"],
                        "summary": operation.get("summary", ""),
                        "group": (operation.get("tags") or [""])[0],
                    }
                    for method, operation in operations.items()
                    if method in HTTP_METHODS
                ],
            }
        )
    return listed


class _Documentation:
    permission_classes = [DocumentationPermission]


class _LocalAssetsOnly(_Documentation):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCUMENTATION_POLICY
        return response


class SchemaView(_Documentation, SpectacularAPIView):
    """Lược đồ OpenAPI của API: YAML, hoặc JSON với Accept: application/vnd.oai.openapi+json."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        return Response(
            data=api_schema(version),
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )


class SwaggerDocumentationView(_LocalAssetsOnly, SpectacularSwaggerView):
    pass


class RedocDocumentationView(_LocalAssetsOnly, SpectacularRedocView):
    pass


@extend_schema(exclude=True)
class ApiRootView(_Documentation, APIView):
    """Các địa chỉ của API: lược đồ OpenAPI, tài liệu, cách xác thực và mọi thao tác (từ lược đồ)."""

    api_version = "v1"

    def get(self, request):
        schema = api_schema(self.api_version)
        info = schema.get("info", {})
        base = request.build_absolute_uri("/")[:-1]
        listed = endpoints(schema)
        for item in listed:
            item["url"] = base + item["path"]
        return Response(
            {
                "title": info.get("title", ""),
                "version": info.get("version", ""),
                "schema": reverse("api-v1:schema", request=request),
                "docs": reverse("api-v1:docs", request=request),
                "redoc": reverse("api-v1:redoc", request=request),
                "authentication": "Gửi khóa API trong tiêu đề 'Authorization: Api-Key <khóa>', "
                "hoặc đăng nhập trang quản trị (cán bộ).",
                "endpoints": listed,
            }
        )
