"""Health endpoints for load balancers and monitoring, and the workers' heartbeat they read.

- /health/live answers 200 while the web process serves requests; it touches nothing else.
- /health/ready answers 200 when the service can do its work: the database answers, and, when a broker is
  configured (CELERY_BROKER_URL), the broker accepts a connection and every queue in HEALTH_WORKER_QUEUES has a
  worker heartbeat younger than HEALTH_HEARTBEAT_MAX_AGE seconds. Otherwise 503, naming what failed.

Heartbeat: when a worker is ready it starts a thread that, every HEALTH_HEARTBEAT_SECONDS, writes the time into
the shared cache (CACHE_URL) under one key per queue it consumes. The thread runs beside the tasks, so a long
import or compute does not silence it; a worker that dies or hangs stops writing. Without a shared cache the web
process cannot see the workers' heartbeats, and readiness says so.
"""

from __future__ import annotations

import logging
import threading
import time

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "health:heartbeat:{queue}"
BROKER_TIMEOUT_SECONDS = 3
_stop = threading.Event()


def record_heartbeat(queues: list[str], at: float | None = None) -> None:
    at = time.time() if at is None else at
    # Kept a day, so a queue no worker serves any more ends up with no heartbeat at all.
    cache.set_many({HEARTBEAT_KEY.format(queue=queue): at for queue in queues}, timeout=24 * 3600)


def _beat(queues: list[str]) -> None:
    while True:
        try:
            record_heartbeat(queues)
        except Exception:
            logger.warning("Không ghi được tín hiệu hoạt động của worker", exc_info=True)
        if _stop.wait(settings.HEALTH_HEARTBEAT_SECONDS):
            return


@worker_ready.connect
def start_heartbeat(sender, **kwargs) -> None:
    """`sender` is the worker's consumer; it knows the queues this worker was started on (-Q)."""
    queues = sorted(queue.name for queue in sender.task_consumer.queues)
    _stop.clear()
    threading.Thread(target=_beat, args=(queues,), name="giaingan-heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_heartbeat(**kwargs) -> None:
    _stop.set()


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Kiểm tra sẵn sàng: cơ sở dữ liệu không trả lời", exc_info=True)
        return {"ok": False, "detail": "Cơ sở dữ liệu không trả lời."}
    return {"ok": True}


def broker_configured() -> bool:
    return not settings.CELERY_BROKER_URL.startswith("memory://")


def _check_broker() -> dict:
    options = {"socket_connect_timeout": BROKER_TIMEOUT_SECONDS, "socket_timeout": BROKER_TIMEOUT_SECONDS}
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=options
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("Kiểm tra sẵn sàng: không kết nối được hàng đợi tác vụ", exc_info=True)
        return {"ok": False, "detail": "Không kết nối được hàng đợi tác vụ (broker)."}
    return {"ok": True}


def _check_heartbeat(queue: str, now: float) -> dict:
    max_age = settings.HEALTH_HEARTBEAT_MAX_AGE
    try:
        at = cache.get(HEARTBEAT_KEY.format(queue=queue))
    except Exception:
        logger.warning("Kiểm tra sẵn sàng: không đọc được bộ nhớ đệm", exc_info=True)
        return {"ok": False, "detail": "Không đọc được bộ nhớ đệm dùng chung (CACHE_URL)."}
    if at is None:
        detail = f"Chưa có worker nào phục vụ hàng đợi {queue} báo hoạt động."
        if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
            detail += " Cần bộ nhớ đệm dùng chung (CACHE_URL) để thấy tín hiệu của worker."
        return {"ok": False, "detail": detail}
    age = max(0, round(now - at))
    if age > max_age:
        return {"ok": False, "age_seconds": age, "detail": f"Worker của hàng đợi {queue} im lặng đã {age} giây."}
    return {"ok": True, "age_seconds": age}


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database()}
    if broker_configured():
        checks["broker"] = _check_broker()
        now = time.time()
        for queue in settings.HEALTH_WORKER_QUEUES:
            checks[f"worker:{queue}"] = _check_heartbeat(queue, now)
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
