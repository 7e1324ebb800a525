"""Fixtures of the API tests: clients for each role and two computed snapshots."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from rest_framework.test import APIClient

from core.money import TY
from disbursement.access import ensure_roles
from disbursement.api import sharedcache
from disbursement.api.keys import create_api_key
from disbursement.figures.services import compute_snapshot
from disbursement.models import CityDisbursement, SnapshotLine
from disbursement.plans.services import revise_allocation, revise_city_plan
from disbursement.snapshots.services import create_snapshot
from investors.models import Investor
from tests.factories import DistrictFactory, InvestorFactory, UserFactory, source, stream


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def staff_client(staff_user):
    client = APIClient()
    client.force_login(staff_user)
    return client


@pytest.fixture
def plain_user_client(db):
    client = APIClient()
    client.force_login(UserFactory(is_staff=False))
    return client


def key_client(scope: str) -> tuple[APIClient, object]:
    if scope == "write":
        # A write key writes with the editors' group's permissions.
        ensure_roles()
    new = create_api_key(name=f"Bảng điều khiển ({scope})", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {new.plaintext}")
    return client, new


@pytest.fixture
def read_client(db):
    return key_client("read")[0]


@pytest.fixture
def write_client(db):
    return key_client("write")[0]


@pytest.fixture
def client(read_client):
    """Most tests read as a dashboard does."""
    return read_client


def _snapshot(year: int, as_of: dt.date, city: dict[str, int], lines: list[tuple]) -> object:
    snapshot = create_snapshot(year=year, as_of=as_of, file_name=f"giai-ngan-{as_of}.xlsx")
    for code, amount in city.items():
        CityDisbursement.objects.create(snapshot=snapshot, source=source(code), disbursed=amount)
    for stream_code, unit, disbursed in lines:
        kind = {"investor": unit} if isinstance(unit, Investor) else {"district": unit}
        SnapshotLine.objects.create(
            snapshot=snapshot, stream=stream(stream_code), source=source("nsdp"), disbursed=disbursed, **kind
        )
    compute_snapshot(snapshot.pk)
    snapshot.refresh_from_db()
    return snapshot


@pytest.fixture
def world(db):
    """Three investors and three districts, plans for 2023 and 2024, one snapshot each year (20 July)."""
    health = InvestorFactory(code="SYT", name="Sở Y tế")
    transport = InvestorFactory(code="SGTVT", name="Sở Giao thông vận tải")
    board = InvestorFactory(code="BQLDA", name="Ban Quản lý dự án đầu tư xây dựng công trình giao thông", kind="board")
    kien_thuy = DistrictFactory(code="KT", name="Kiến Thụy", kind="huyen", order=1)
    an_lao = DistrictFactory(code="AL", name="An Lão", kind="huyen", order=2)
    do_son = DistrictFactory(code="DS", name="Đồ Sơn", kind="quan", order=3)
    jan1 = {y: dt.date(y, 1, 1) for y in (2023, 2024)}
    for year in (2023, 2024):
        revise_city_plan(year=year, level="city", source=source("nsdp"), amount=9000 * TY, effective_from=jan1[year])
        revise_city_plan(year=year, level="city", source=source("nstw"), amount=3000 * TY, effective_from=jan1[year])
        revise_city_plan(year=year, level="pm", source=source("nsdp"), amount=7000 * TY, effective_from=jan1[year])
        revise_city_plan(year=year, level="pm", source=source("nstw"), amount=3000 * TY, effective_from=jan1[year])
        plans = [
            ("city_assigned", health, 40_000_000),
            ("city_assigned", transport, 300 * TY),
            ("city_assigned", board, 900 * TY),
            ("district_transfer", kien_thuy, 270_020_000_000),
            ("district_transfer", an_lao, 120 * TY),
            ("district_transfer", do_son, 80 * TY),
            ("new_rural", kien_thuy, 50 * TY),
            ("new_rural", an_lao, 40 * TY),
        ]
        for code, unit, amount in plans:
            kind = {"investor": unit} if isinstance(unit, Investor) else {"district": unit}
            revise_allocation(
                year=year, stream=stream(code), source=source("nsdp"), amount=amount, effective_from=jan1[year], **kind
            )
    last_year = _snapshot(
        2023,
        dt.date(2023, 7, 20),
        {"nsdp": 2000 * TY, "nstw": 1000 * TY},
        [
            ("city_assigned", transport, 60 * TY),
            ("city_assigned", board, 300 * TY),
            ("district_transfer", kien_thuy, 100 * TY),
            ("district_transfer", an_lao, 30 * TY),
        ],
    )
    current = _snapshot(
        2024,
        dt.date(2024, 7, 20),
        {"nsdp": 3500 * TY, "nstw": 791 * TY},
        [
            ("city_assigned", health, 0),
            ("city_assigned", transport, 120 * TY),
            ("city_assigned", board, 450 * TY),
            ("district_transfer", kien_thuy, 183_384_000_000),
            ("district_transfer", an_lao, 6_986_000_000),
            ("district_transfer", do_son, 40 * TY),
            ("new_rural", kien_thuy, 10 * TY),
            ("new_rural", an_lao, 20 * TY),
        ],
    )
    return {
        "current": current,
        "last_year": last_year,
        "investors": {"health": health, "transport": transport, "board": board},
        "districts": {"kien_thuy": kien_thuy, "an_lao": an_lao, "do_son": do_son},
    }


@pytest.fixture
def central_capital(world):
    """An Lão also has 100 tỷ of central budget (NSTW), 90 tỷ of it disbursed by 20/7/2024."""
    an_lao = world["districts"]["an_lao"]
    revise_allocation(
        year=2024,
        stream=stream("district_transfer"),
        source=source("nstw"),
        district=an_lao,
        amount=100 * TY,
        effective_from=dt.date(2024, 1, 1),
    )
    SnapshotLine.objects.create(
        snapshot=world["current"], stream=stream("district_transfer"), source=source("nstw"), district=an_lao,
        disbursed=90 * TY,
    )  # fmt: skip
    compute_snapshot(world["current"].pk)
    return world


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


class RedisServer:
    """A redis-server of its own on a free loopback port, started and stopped by the test."""

    def __init__(self, directory):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory), "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = self.client()
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_cache(redis_server, settings):
    """The API's shared cache on that redis-server, as CACHE_URL makes it in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "giaingan",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    sharedcache.reset()
    yield redis_server
    sharedcache.reset()
