"""A real worker on the real broker makes /health/ready answer 200, and its heartbeat names its queues."""

import time

import pytest
from django.core.cache import cache

from config.health import HEARTBEAT_KEY
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_running_worker_makes_the_service_ready(celery_worker, client, settings):
    started = time.time()
    for queue in settings.HEALTH_WORKER_QUEUES:
        cache.delete(HEARTBEAT_KEY.format(queue=queue))

    # The worker writes its first heartbeat within one interval of being ready.
    response = wait_for(lambda: (r := client.get("/health/ready")).status_code == 200 and r, timeout=90)

    checks = response.json()["checks"]
    assert checks["broker"] == {"ok": True}
    for queue in ("imports", "compute", "email"):
        assert checks[f"worker:{queue}"]["ok"] is True
        assert cache.get(HEARTBEAT_KEY.format(queue=queue)) >= started - 1
