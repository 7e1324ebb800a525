"""Shared fixtures: users, a real Celery worker for integration tests.

Tests marked `integration` need a broker (CELERY_BROKER_URL) and a server
database; `browser` tests need Chromium; `redis` tests need redis-server. Without them those tests are skipped
with the reason, except when GIAINGAN_REQUIRE_SERVICES=1 (CI), where a missing
service is an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("GIAINGAN_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MISSING_SERVICE = pytest.StashKey[str]()


def _missing(marker: str) -> str | None:
    from django.conf import settings

    if marker == "integration":
        if not os.environ.get("CELERY_BROKER_URL"):
            return "needs CELERY_BROKER_URL (a real broker)"
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            return "needs a server database (DATABASE_URL) shared with the worker"
    if marker == "browser" and not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        return "needs Chromium (apt-get install chromium)"
    if marker == "redis" and not shutil.which("redis-server"):
        return "needs redis-server (apt-get install redis-server)"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in ("integration", "browser", "redis"):
            if item.get_closest_marker(marker) is None:
                continue
            reason = _missing(marker)
            if reason is None:
                continue
            if REQUIRE_SERVICES:
                item.stash[MISSING_SERVICE] = reason
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item):
    # A service CI must have is a failure, not an expected failure that passes the run.
    reason = item.stash.get(MISSING_SERVICE, None)
    if reason is not None:
        pytest.fail(f"missing service (GIAINGAN_REQUIRE_SERVICES=1): {reason}", pytrace=False)


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def celery_worker(transactional_db, settings):
    """A real Celery worker process, on the test database, consuming from the real broker."""
    from django.db import connection

    from config.celery import app

    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_TASK_ALWAYS_EAGER": "0", "DATABASE_CONN_MAX_AGE": "0"}
    log = open(ROOT / "var-worker.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1)
            if replies:
                break
            if process.poll() is not None:
                raise RuntimeError(f"worker exited: {(ROOT / 'var-worker.log').read_text()[-2000:]}")
        else:
            raise RuntimeError("worker did not answer within 60 s")
        app.control.purge()
        yield process
    finally:
        app.conf.task_always_eager = True
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    """Poll until `predicate()` is truthy; return its value or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
