"""Heads of flagged units get their own digest; staff see the flags with their reasons.

The flags are the flag engine's own: computing the fixture's snapshots raises them with the
default rules of migration 0003 (Sở Y tế below 10% and below the stream's ratio, huyện An Lão
below the stream's ratio, all on 13/07 and still open on 20/07). A flag says what it says on the
date read: the digest of 20/07 quotes the figures of 20/07.
"""

import datetime as dt

from disbursement.digest import selectors
from disbursement.digest.tasks import send_weekly_digests_task
from disbursement.flags.selectors import open_flags
from disbursement.models import DigestRecipient, Flag, FlagRule
from tests.disbursement.digest.conftest import WEEK
from tests.factories import stream

SLOW = "Giải ngân 6%, thấp hơn tỷ lệ chung của dòng vốn (30,33%)."
BELOW_THRESHOLD = "Giải ngân 6% (12,000 tỷ đồng / 200,000 tỷ đồng), dưới ngưỡng 10%."
DISTRICT_SLOW = "Giải ngân 20%, thấp hơn tỷ lệ chung của dòng vốn (35,00%)."


def _default_rule(kind: str) -> FlagRule:
    return FlagRule.objects.get(kind=kind, stream__isnull=True, year__isnull=True)


def test_the_engine_raised_the_flags_the_digest_reads(digest_data):
    health, an_lao = digest_data.investors["health"], digest_data.districts["an_lao"]
    flags = {(f.investor_id, f.district_id, f.kind): f for f in open_flags(digest_data.snapshots[dt.date(2024, 7, 20)])}

    assert set(flags) == {
        (health.id, None, FlagRule.Kind.BELOW_THRESHOLD),
        (health.id, None, FlagRule.Kind.BELOW_STREAM_AVERAGE),
        (None, an_lao.id, FlagRule.Kind.BELOW_STREAM_AVERAGE),
    }
    below_average = flags[(health.id, None, FlagRule.Kind.BELOW_STREAM_AVERAGE)]
    assert below_average.rule == _default_rule(FlagRule.Kind.BELOW_STREAM_AVERAGE)
    assert below_average.stream == stream("city_assigned") and below_average.reason == SLOW
    assert flags[(health.id, None, FlagRule.Kind.BELOW_THRESHOLD)].rule == _default_rule(FlagRule.Kind.BELOW_THRESHOLD)
    district = flags[(None, an_lao.id, FlagRule.Kind.BELOW_STREAM_AVERAGE)]
    assert district.stream == stream("district_transfer") and district.reason == DISTRICT_SLOW
    assert Flag.objects.filter(cleared_on__isnull=False).count() == 0


def test_flagged_units_heads_receive_their_own_digest_and_others_do_not(
    digest_data, mailoutbox, django_capture_on_commit_callbacks
):
    health, roads = digest_data.investors["health"], digest_data.investors["roads"]
    health.head_email = "giamdoc.syt@example.vn"
    health.save()
    roads.head_email = "giamdoc.sgtvt@example.vn"  # not flagged: no digest of its own
    roads.save()
    an_lao = digest_data.districts["an_lao"]
    DigestRecipient.objects.create(
        name="Chủ tịch UBND huyện An Lão", email="anlao@example.vn", kind="unit_head", district=an_lao
    )

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay(WEEK.isoformat())

    by_address = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 3
    assert set(by_address) == {"phongkh@example.vn", "giamdoc.syt@example.vn", "anlao@example.vn"}
    head = by_address["giamdoc.syt@example.vn"]
    assert head.subject == "Bản tin giải ngân tuần 22/07/2024 – Sở Y tế"
    assert SLOW in head.body and BELOW_THRESHOLD in head.body and "Kính gửi Nguyễn Văn An" in head.body
    assert DISTRICT_SLOW not in head.body
    assert DISTRICT_SLOW in by_address["anlao@example.vn"].body and SLOW not in by_address["anlao@example.vn"].body
    staff_body = by_address["phongkh@example.vn"].body
    assert SLOW in staff_body and BELOW_THRESHOLD in staff_body and DISTRICT_SLOW in staff_body
    assert DigestRecipient.objects.get(investor=health, from_head_email=True).email == "giamdoc.syt@example.vn"
    assert not DigestRecipient.objects.filter(investor=roads).exists()

    digest = selectors.full_digest(WEEK)
    assert [u.name for s in digest.streams for u in s.flagged] == ["Sở Y tế", "huyện An Lão"]


def test_a_changed_head_email_is_followed_the_next_week(digest_data, mailoutbox, django_capture_on_commit_callbacks):
    health = digest_data.investors["health"]
    health.head_email = "giamdoc.syt@example.vn"
    health.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay(WEEK.isoformat())
    health.head_email = "giamdoc.moi@example.vn"
    health.save()

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay((WEEK + dt.timedelta(days=7)).isoformat())

    heads = [m.to[0] for m in mailoutbox if "Sở Y tế" in m.subject]
    assert heads == ["giamdoc.syt@example.vn", "giamdoc.moi@example.vn"]
    assert DigestRecipient.objects.filter(investor=health).count() == 1


def test_flagged_units_with_money_left_are_the_streams_reallocation_candidates(digest_data):
    digest = selectors.full_digest(WEEK)

    by_name = {s.name: s for s in digest.streams}
    city = by_name[stream("city_assigned").name]
    assert [u.name for u in city.slow] == ["Sở Y tế"]
    assert city.slow[0].summary == "Sở Y tế (12,000 tỷ đồng / 200,000 tỷ đồng, đạt 6%)"
    assert sorted(city.slow[0].flags) == sorted([SLOW, BELOW_THRESHOLD])
    assert [u.name for u in by_name[stream("district_transfer").name].slow] == ["huyện An Lão"]
    assert digest.has_candidates
