"""Real processes for the fault tests: a redis-server of the test's own as the broker (it can be stopped and
started), Celery workers and beats on the test database that a test can kill, and a workbook long enough to
be caught mid-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app
from tests.api.conftest import RedisServer
from tests.conftest import ROOT, wait_for

# Short enough for a test to see a redelivery and a retake in seconds; the deployment's are minutes.
FAST_FAULTS = {
    "CELERY_BROKER_VISIBILITY_TIMEOUT": "2",
    "IMPORT_CLAIM_TIMEOUT_SECONDS": "1",
    "BEAT_LOCK_SECONDS": "2",
}


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def point_app_at(url: str | None) -> None:
    """This test process's Celery app sends to `url` from now on (None: back to the environment's broker)."""
    if url is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = url  # Celery reads the environment before its settings
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
    app._after_fork()  # forget the connection and producer pools of the previous broker


class Processes:
    """Workers and beats started on the test database and the test's broker; killed or stopped at the end."""

    def __init__(self, broker_url: str, log_dir):
        self.broker_url = broker_url
        self.log_dir = log_dir
        self.started: list[subprocess.Popen] = []
        self.logs: list = []

    def _env(self, extra: dict[str, str]) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            **FAST_FAULTS,
            **extra,
        }

    def _start(self, name: str, args: list[str], extra: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}-{len(self.started)}.log", "w")  # closed by stop_all
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=self._env(extra),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        self.logs.append(log)
        self.started.append(process)
        return process

    def worker(self, **extra: str) -> subprocess.Popen:
        """A worker on every queue; returns once it answers a ping."""
        process = self._start("worker", ["worker", "--pool=solo", "--loglevel=INFO", "--without-heartbeat"], extra)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log(process)[-2000:]}")
            if app.control.ping(timeout=0.5, destination=None):
                return process
        raise RuntimeError("worker did not answer within 60 s")

    def beat(self, **extra: str) -> subprocess.Popen:
        return self._start("beat", ["beat", "--loglevel=INFO", "--max-interval=1"], extra)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """As a machine losing power would: no shutdown, no acknowledgement, no lock released."""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    @staticmethod
    def log(process: subprocess.Popen) -> str:
        with open(process.log_path) as handle:
            return handle.read()

    def stop_all(self) -> None:
        # Killed, not stopped: a warm shutdown would wait for the task at hand, and the broker is thrown away.
        for process in self.started:
            if process.poll() is None:
                self.kill(process)
        for log in self.logs:
            log.close()


@pytest.fixture
def broker(tmp_path):
    """A redis-server of the test's own, as the broker of this process and of the processes it starts."""
    server = RedisServer(tmp_path)
    server.start()
    previous = os.environ.get("CELERY_BROKER_URL")
    point_app_at(server.url)
    try:
        yield server
    finally:
        point_app_at(previous)
        if previous is None:
            app.conf.broker_url = django_settings.CELERY_BROKER_URL
        server.stop()


@pytest.fixture
def processes(transactional_db, broker, tmp_path, settings):
    """Start workers and beats on demand; this process sends its tasks to the broker instead of running them."""
    eager = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    started = Processes(broker.url, tmp_path)
    try:
        yield started
    finally:
        app.conf.task_always_eager = eager
        started.stop_all()


def queued_messages(server: RedisServer, queue: str) -> list[dict]:
    """The messages waiting in a queue of the broker, oldest first."""
    return [json.loads(raw) for raw in reversed(server.client().lrange(queue, 0, -1))]


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.005):
    """Poll fast by default (a state that lasts a fraction of a second must be seen); the value, or fail."""
    return wait_for(predicate, timeout=timeout, interval=interval)
