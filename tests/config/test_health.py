"""/health/live and /health/ready: what a load balancer or a monitor reads."""

import time

import pytest
from django.db import OperationalError

from config import health

pytestmark = pytest.mark.django_db

QUEUES = ["imports", "compute", "email"]


@pytest.fixture
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def with_broker(settings, monkeypatch):
    """A deployment with a broker that answers; the workers' heartbeats decide."""
    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    monkeypatch.setattr(health, "_check_broker", lambda: {"ok": True})


def test_live_answers_without_login_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_on_the_embedded_default_checks_the_database_only(client, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True}}}


def test_ready_fails_when_the_database_does_not_answer(client, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Down())

    response = client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": False, "detail": "Cơ sở dữ liệu không trả lời."}


def test_ready_fails_when_the_broker_refuses(client, settings, fresh_cache):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    health.record_heartbeat(QUEUES)

    response = client.get("/health/ready")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["broker"] == {"ok": False, "detail": "Không kết nối được hàng đợi tác vụ (broker)."}
    assert "127.0.0.1" not in response.content.decode()  # no address leaks to an anonymous caller


def test_ready_when_every_queue_has_a_recent_heartbeat(client, with_broker, fresh_cache):
    health.record_heartbeat(QUEUES, at=time.time() - 20)

    response = client.get("/health/ready")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert {name for name in checks} == {"database", "broker", "worker:imports", "worker:compute", "worker:email"}
    assert 20 <= checks["worker:compute"]["age_seconds"] < 60


def test_not_ready_when_a_queue_has_no_worker(client, with_broker, fresh_cache):
    health.record_heartbeat(["imports", "compute"])

    response = client.get("/health/ready")

    assert response.status_code == 503
    email = response.json()["checks"]["worker:email"]
    assert email["ok"] is False
    assert "hàng đợi email" in email["detail"]


def test_not_ready_when_a_heartbeat_is_stale(client, with_broker, fresh_cache, settings):
    health.record_heartbeat(["imports", "email"])
    health.record_heartbeat(["compute"], at=time.time() - settings.HEALTH_HEARTBEAT_MAX_AGE - 30)

    response = client.get("/health/ready")

    assert response.status_code == 503
    compute = response.json()["checks"]["worker:compute"]
    assert compute["ok"] is False
    assert "im lặng" in compute["detail"]


def test_the_queues_checked_follow_the_deployment(client, with_broker, fresh_cache, settings):
    settings.HEALTH_WORKER_QUEUES = ["imports"]
    health.record_heartbeat(["imports"])

    assert client.get("/health/ready").status_code == 200


def test_health_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/live").status_code == 200
    assert client.get("/admin/login/").status_code == 301
