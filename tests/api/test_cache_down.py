"""With the shared Redis cache down, the API keeps answering from the database: no throttle, no cached bodies,
one warning per period, and the cache is used again once it is back."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from disbursement.api import sharedcache
from tests.api.conftest import TY, _snapshot, results

pytestmark = [pytest.mark.redis]

READS = [
    "/api/v1/rankings/?level=district",
    "/api/v1/summary/",
    "/api/v1/ratios/",
    "/api/v1/districts/",
    "/api/v1/snapshots/",
    "/api/v1/health/",
    "/api/v1/exports/ranking.csv?level=district",
]


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1000.0}
    monkeypatch.setattr(sharedcache, "clock", lambda: now["t"])
    return now


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == sharedcache.__name__ and r.levelno == logging.WARNING]


def test_reads_answer_200_with_redis_stopped(client, world, redis_cache, caplog, clock):
    before = {url: client.get(url) for url in READS}
    assert {r.status_code for r in before.values()} == {200}
    store = redis_cache.client()
    assert any(b"throttle" in key for key in store.keys()), "the throttle counted in Redis"
    assert any(b"api:v1:json" in key for key in store.keys()), "the bodies were cached in Redis"

    redis_cache.stop()
    caplog.set_level(logging.WARNING, logger=sharedcache.__name__)
    after = {url: client.get(url) for url in READS}

    assert {url: r.status_code for url, r in after.items()} == dict.fromkeys(READS, 200)
    assert after[READS[0]].json() == before[READS[0]].json()
    assert after[READS[1]].json() == before[READS[1]].json()
    # Said once for the period, not once per request.
    (warning,) = _warnings(caplog)
    assert "CACHE_URL" in warning
    clock["t"] += sharedcache.RETRY_SECONDS
    assert client.get(READS[0]).status_code == 200
    assert len(_warnings(caplog)) == 2


def test_a_new_snapshot_lands_and_is_read_with_redis_stopped(client, world, redis_cache, clock):
    assert client.get("/api/v1/rankings/", {"level": "district"}).status_code == 200
    redis_cache.stop()

    # Saving a snapshot tells the (absent) cache to forget which snapshot each query reads: it must not fail.
    _snapshot(
        2024, dt.date(2024, 8, 31), {"nsdp": 5000 * TY}, [("district_transfer", world["districts"]["an_lao"], 90 * TY)]
    )

    rows = results(client.get("/api/v1/rankings/", {"level": "district"}))
    assert rows[0]["as_of"] == "2024-08-31" and rows[0]["unit"]["code"] == "AL"


def test_the_cache_is_used_again_once_redis_is_back(client, world, redis_cache, clock):
    redis_cache.stop()
    assert client.get("/api/v1/summary/").status_code == 200
    redis_cache.start()

    clock["t"] += sharedcache.RETRY_SECONDS
    assert client.get("/api/v1/summary/").status_code == 200

    keys = redis_cache.client().keys()
    assert any(b"throttle" in key for key in keys) and any(b"api:v1:json" in key for key in keys)
