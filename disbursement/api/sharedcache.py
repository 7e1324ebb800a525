"""The shared cache (CACHE_URL) as the API uses it: with the cache down, the API answers without it.

The throttle and the cached responses only spare the database; the data is in the database. A failed
call marks the cache down in this process for RETRY_SECONDS: calls meanwhile skip it (no connection
timeout paid per request) and the outage is logged once per period, not once per request. The first
call after the period tries the cache again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache
from redis.exceptions import RedisError

# Socket-level failures surface as OSError (ConnectionError, TimeoutError) from clients that do not wrap them.
CACHE_ERRORS = (RedisError, OSError)
RETRY_SECONDS = 30.0

logger = logging.getLogger(__name__)

clock = time.monotonic
_lock = threading.Lock()
_down_until: float | None = None


def is_down() -> bool:
    """The cache failed less than RETRY_SECONDS ago: leave it alone."""
    return _down_until is not None and clock() < _down_until


def _failed(operation: str, exc: Exception) -> None:
    global _down_until
    with _lock:
        if is_down():
            return  # another request of this period already reported it
        _down_until = clock() + RETRY_SECONDS
    logger.warning(
        "Bộ nhớ đệm dùng chung (CACHE_URL) không trả lời (%s: %s): API vẫn trả lời, không giới hạn tần suất "
        "và không dùng bản lưu sẵn; thử lại sau %d giây.",
        operation,
        exc,
        RETRY_SECONDS,
    )


def reset() -> None:
    """Forget an outage (the next call tries the cache at once)."""
    global _down_until
    with _lock:
        _down_until = None


def get(key: str, default=None):
    if is_down():
        return default
    try:
        return cache.get(key, default)
    except CACHE_ERRORS as exc:
        _failed("get", exc)
        return default


def put(key: str, value, timeout: float | None) -> None:
    if is_down():
        return
    try:
        cache.set(key, value, timeout)
    except CACHE_ERRORS as exc:
        _failed("put", exc)


def count(key: str, timeout: int) -> int | None:
    """Add one to the counter `key` and return its new value, atomically across processes (Redis INCR);
    a new counter lives `timeout` seconds. None when the cache is down."""
    if is_down():
        return None
    try:
        for _ in range(2):
            try:
                return cache.incr(key)
            except ValueError:
                # No counter yet: the first request creates it, a concurrent one increments it.
                if cache.add(key, 1, timeout):
                    return 1
        return None  # evicted twice in a row: count nothing rather than fail
    except CACHE_ERRORS as exc:
        _failed("count", exc)
        return None
