"""Digest fixtures: two computed weeks of figures, recipients, and a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest

from core.money import TY
from disbursement.figures.services import compute_snapshot
from disbursement.models import CityPlan, DigestRecipient
from tests.factories import (
    AllocationFactory,
    AllocationRevisionFactory,
    CityDisbursementFactory,
    CityPlanRevisionFactory,
    DistrictFactory,
    InvestorFactory,
    SnapshotFactory,
    SnapshotLineFactory,
    source,
    stream,
)

WEEK = dt.date(2024, 7, 22)  # the Monday after the 20/07 snapshot
PREVIOUS_WEEK = dt.date(2024, 7, 15)


@dataclass
class DigestData:
    investors: dict
    districts: dict
    snapshots: dict
    staff: DigestRecipient
    week: dt.date = WEEK
    extra: dict = field(default_factory=dict)


def _allocate(unit: dict, amount: int, code: str):
    allocation = AllocationFactory(stream=stream(code), **unit)
    AllocationRevisionFactory(allocation=allocation, amount=amount)


@pytest.fixture
def digest_data(db) -> DigestData:
    """Snapshots of 20/07/2023 (same period), 13/07/2024 and 20/07/2024, computed, and one staff recipient.

    The flag engine raises real flags on these figures (Sở Y tế below 10% and below the stream's
    ratio, huyện An Lão below the stream's ratio). No unit has a head address here, so the staff
    row is the only recipient; tests about heads set `head_email` or add a recipient themselves.
    """
    investors = {
        "health": InvestorFactory(name="Sở Y tế", head_name="Nguyễn Văn An", head_email=""),
        "roads": InvestorFactory(name="Sở Giao thông vận tải"),
        "board": InvestorFactory(name="Ban Quản lý dự án đầu tư xây dựng công trình giao thông"),
    }
    districts = {
        "an_lao": DistrictFactory(name="An Lão"),
        "kien_thuy": DistrictFactory(name="Kiến Thụy"),
    }
    CityPlanRevisionFactory(amount=1000 * TY)
    CityPlanRevisionFactory(
        plan=CityPlan.objects.get_or_create(year=2023, level="city", source=source("nsdp"))[0],
        amount=900 * TY,
        effective_from=dt.date(2023, 1, 1),
    )
    _allocate({"investor": investors["health"]}, 200 * TY, "city_assigned")
    _allocate({"investor": investors["roads"]}, 300 * TY, "city_assigned")
    _allocate({"investor": investors["board"]}, 100 * TY, "city_assigned")
    for key in ("an_lao", "kien_thuy"):
        _allocate({"investor": None, "district": districts[key]}, 150 * TY, "district_transfer")

    figures = {
        # (health, roads, board, an_lao, kien_thuy) in tỷ đồng
        dt.date(2024, 7, 13): (10, 90, 40, 30, 60),
        dt.date(2024, 7, 20): (12, 100, 70, 30, 75),
    }
    snapshots = {}
    last_year = SnapshotFactory(year=2023, as_of=dt.date(2023, 7, 20))
    CityDisbursementFactory(snapshot=last_year, disbursed=270 * TY)
    compute_snapshot(last_year.id)
    snapshots["last_year"] = last_year
    for as_of, amounts in figures.items():
        snapshot = SnapshotFactory(as_of=as_of)
        for key, amount in zip(("health", "roads", "board"), amounts[:3], strict=True):
            SnapshotLineFactory(snapshot=snapshot, investor=investors[key], disbursed=amount * TY)
        for key, amount in zip(("an_lao", "kien_thuy"), amounts[3:], strict=True):
            SnapshotLineFactory(
                snapshot=snapshot,
                stream=stream("district_transfer"),
                investor=None,
                district=districts[key],
                disbursed=amount * TY,
            )
        CityDisbursementFactory(snapshot=snapshot, disbursed=sum(amounts) * TY)
        compute_snapshot(snapshot.id)
        snapshot.refresh_from_db()
        snapshots[as_of] = snapshot
    staff = DigestRecipient.objects.create(name="Phòng Kế hoạch", email="phongkh@example.vn")
    return DigestData(investors=investors, districts=districts, snapshots=snapshots, staff=staff)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class StoringHandler:
    """Keeps every message; `refuse` makes the next N DATA commands fail with a temporary error."""

    def __init__(self):
        self.messages: list[Received] = []
        self.refuse = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 Máy chủ tạm thời bận"
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: StoringHandler

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings, monkeypatch) -> SMTPServer:
    """A real SMTP server on 127.0.0.1; Django (and any worker started afterwards) sends to it."""
    from aiosmtpd.controller import Controller

    handler = StoringHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DIGEST_RETRY_BASE_SECONDS = 1
    for name, value in {
        "EMAIL_BACKEND": settings.EMAIL_BACKEND,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "DIGEST_RETRY_BASE_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        yield SMTPServer("127.0.0.1", port, handler)
    finally:
        controller.stop()
