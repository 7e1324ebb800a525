"""Follow-up fixtures: a lagging unit with a flag, a staff recipient, the SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.money import TY
from disbursement.followup import services
from disbursement.models import DigestRecipient, ExplanationRequest, Flag, Snapshot
from investors.models import Investor
from tests.builders import allocate, computed, investors, snapshot
from tests.disbursement.digest.conftest import SMTPServer, smtp_server  # noqa: F401  (a fixture)

FIRST = dt.date(2024, 7, 5)  # a Friday
ASKED = timezone.make_aware(dt.datetime(2024, 7, 8, 9, 0))  # the Monday after: deadline 15/07 (5 working days)
LINK = re.compile(r"http://testserver(/giai-trinh/[^/\s]+/)")


@dataclass
class Lagging:
    unit: Investor
    other: Investor
    first: Snapshot
    flag: Flag

    def ask(self, **kwargs) -> ExplanationRequest:
        kwargs.setdefault("now", ASKED)
        (request,) = services.create_requests([self.flag], **kwargs).created
        return request


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The public form's allowance is counted in the cache: each test starts with its own."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lagging(db, settings) -> Lagging:
    """Sở Xây dựng at 5% of a 100 tỷ plan on 05/07/2024 (below the 10% threshold); another unit well ahead."""
    settings.SITE_URL = "http://testserver"
    unit, other = investors(2)
    unit.name, unit.head_name, unit.head_email, unit.contact_email = (
        "Sở Xây dựng",
        "Trần Văn Bình",
        "giamdoc.sxd@example.vn",
        "kehoach.sxd@example.vn",
    )
    unit.save()
    other.name = "Sở Công Thương"
    other.save()
    allocate(unit, 100 * TY)
    allocate(other, 100 * TY)
    first = computed(snapshot(FIRST, {unit: 5 * TY, other: 60 * TY}))
    flag = Flag.objects.get(investor=unit, kind="below_threshold")
    DigestRecipient.objects.create(name="Phòng Kế hoạch", email="phongkh@example.vn")
    return Lagging(unit, other, first, flag)


def link_in(message) -> str:
    """The form's path in an email received by the SMTP server."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK.search(text)
    assert match, text
    return match.group(1)
