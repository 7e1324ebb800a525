"""The per-key throttle counts atomically in the shared Redis cache: parallel requests never pass its limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from disbursement.api.keys import create_api_key
from disbursement.api.throttling import ApiKeyRateThrottle

pytestmark = [pytest.mark.redis]

LIMIT = 60
# The middle of a minute: every request of the test falls in the same window, however long it takes.
NOON = 1_720_000_000 // 60 * 60 + 30


@pytest.fixture
def limited(settings, redis_cache, monkeypatch):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"apikey": f"{LIMIT}/minute"}}
    clock = {"now": float(NOON)}
    monkeypatch.setattr(ApiKeyRateThrottle, "timer", staticmethod(lambda: clock["now"]))
    return clock


def _key() -> str:
    new = create_api_key(name="Bảng điều khiển song song")
    # Used just now: the parallel requests only read the key, none of them writes last_used_at.
    type(new.api_key).objects.filter(pk=new.api_key.pk).update(last_used_at=timezone.now())
    return new.plaintext


def _get(plaintext: str) -> int:
    try:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
        return client.get("/api/v1/health/").status_code
    finally:
        connections.close_all()


# Committed rows: the requests run in threads, each with its own database connection; the reference rows are
# restored after the flush, as for every transactional test here.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_requests_never_pass_the_limit(limited):
    plaintext = _key()

    with ThreadPoolExecutor(max_workers=35) as pool:
        statuses = list(pool.map(_get, [plaintext] * (LIMIT + 10)))

    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == 10


@pytest.mark.django_db
def test_the_next_window_opens_again_and_retry_after_says_when(limited):
    plaintext = _key()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    assert all(client.get("/api/v1/health/").status_code == 200 for _ in range(LIMIT))

    refused = client.get("/api/v1/health/")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert refused["Retry-After"] == "30"  # the rest of the minute

    limited["now"] += 30
    assert client.get("/api/v1/health/").status_code == 200
