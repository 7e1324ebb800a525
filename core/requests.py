"""Facts about an incoming request that several parts of the service rely on."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, for the login limits and the public form's rate limit.

    Behind nginx every request comes from the proxy; nginx overwrites X-Real-IP with the client's address, so it is
    trusted only when the deployment says a proxy is in front (DJANGO_BEHIND_PROXY), never from a direct client.
    """
    if settings.BEHIND_PROXY and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"].strip()
    return request.META.get("REMOTE_ADDR")
