"""How often a caller may call the API: N requests per window per key ('apikey') or per staff account ('staff').

The count is one atomic counter per caller and window in the shared cache (INCR on Redis): with any number of
web processes and threads, the (N+1)th request of a window is refused, never let through by a lost update.
Windows are fixed (a minute for '600/minute', starting on the minute), so a caller sees at most N per window.
With the cache down the throttle lets requests through (disbursement.api.sharedcache logs it) rather than
turn a cache outage into an API outage.
"""

from __future__ import annotations

import time

from rest_framework import throttling
from rest_framework.settings import api_settings

from disbursement.api import sharedcache
from disbursement.api.authentication import request_api_key

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' -> (600, 60)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


class ApiKeyRateThrottle(throttling.BaseThrottle):
    """Rates from REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] ('apikey', 'staff'), read on each request."""

    timer = staticmethod(time.time)

    def __init__(self):
        self.wait_seconds: float | None = None

    def allow_request(self, request, view) -> bool:
        api_key = request_api_key(request)
        if api_key is not None:
            scope, ident = "apikey", f"key-{api_key.pk}"
        elif request.user and request.user.is_authenticated:
            scope, ident = "staff", f"user-{request.user.pk}"
        else:
            return True
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        limit, duration = parse_rate(rate)
        now = self.timer()
        window = int(now // duration)
        # The counter outlives its window, so it never expires (and restarts at 1) while the window is open.
        count = sharedcache.count(f"throttle:{scope}:{ident}:{duration}:{window}", timeout=2 * duration)
        if count is None or count <= limit:
            return True
        self.wait_seconds = (window + 1) * duration - now
        return False

    def wait(self) -> float | None:
        return self.wait_seconds
