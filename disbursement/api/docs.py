"""The API's documentation pages, served with their assets from this service."""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

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


class _LocalAssetsOnly:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCUMENTATION_POLICY
        return response


class SwaggerDocumentationView(_LocalAssetsOnly, SpectacularSwaggerView):
    pass


class RedocDocumentationView(_LocalAssetsOnly, SpectacularRedocView):
    pass
