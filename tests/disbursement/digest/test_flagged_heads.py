"""Heads of flagged units get their own digest; staff see the flags with their reasons.

Needs the flag engine (disbursement.models.Flag, disbursement.flags.selectors).
"""

import datetime as dt
from decimal import Decimal

from disbursement.digest import selectors
from disbursement.digest.tasks import send_weekly_digests_task
from disbursement.models import DigestRecipient, Flag
from tests.disbursement.digest.conftest import WEEK
from tests.factories import stream

SLOW = "Tỷ lệ giải ngân 6% thấp hơn nhiều so với tỷ lệ chung của dòng vốn (30,33%)."
DISTRICT_SLOW = "Không tăng giải ngân so với kỳ trước."


def _flag(**unit):
    return Flag.objects.create(
        rule=unit.pop("rule"),
        raised_on=dt.date(2024, 7, 20),
        value=Decimal("6"),
        **unit,
    )


def test_flagged_units_heads_receive_their_own_digest_and_others_do_not(
    digest_data, mailoutbox, django_capture_on_commit_callbacks
):
    health, roads = digest_data.investors["health"], digest_data.investors["roads"]
    roads.head_email = "giamdoc.sgtvt@example.vn"
    roads.save()
    an_lao = digest_data.districts["an_lao"]
    DigestRecipient.objects.create(
        name="Chủ tịch UBND huyện An Lão", email="anlao@example.vn", kind="unit_head", district=an_lao
    )
    _flag(rule="below_average", stream=stream("city_assigned"), investor=health, reason=SLOW)
    _flag(rule="no_progress", stream=stream("district_transfer"), district=an_lao, reason=DISTRICT_SLOW)

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay(WEEK.isoformat())

    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"phongkh@example.vn", "giamdoc.syt@example.vn", "anlao@example.vn"}
    head = by_address["giamdoc.syt@example.vn"]
    assert head.subject == "Bản tin giải ngân tuần 22/07/2024 – Sở Y tế"
    assert SLOW in head.body and "Kính gửi Nguyễn Văn An" in head.body
    assert DISTRICT_SLOW in by_address["anlao@example.vn"].body
    assert SLOW in by_address["phongkh@example.vn"].body and DISTRICT_SLOW in by_address["phongkh@example.vn"].body
    assert DigestRecipient.objects.get(investor=health, from_head_email=True).email == "giamdoc.syt@example.vn"

    digest = selectors.full_digest(WEEK)
    assert [u.name for s in digest.streams for u in s.flagged] == ["Sở Y tế", "huyện An Lão"]


def test_a_changed_head_email_is_followed_the_next_week(digest_data, mailoutbox, django_capture_on_commit_callbacks):
    health = digest_data.investors["health"]
    _flag(rule="below_average", stream=stream("city_assigned"), investor=health, reason=SLOW)
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay(WEEK.isoformat())
    health.head_email = "giamdoc.moi@example.vn"
    health.save()

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay((WEEK + dt.timedelta(days=7)).isoformat())

    heads = [m.to[0] for m in mailoutbox if "Sở Y tế" in m.subject]
    assert heads == ["giamdoc.syt@example.vn", "giamdoc.moi@example.vn"]
    assert DigestRecipient.objects.filter(investor=health).count() == 1
