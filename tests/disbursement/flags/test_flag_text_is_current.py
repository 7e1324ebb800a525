"""What a flag says follows the current figure; the figure it was raised with stays in its history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.money import TY
from disbursement.exporting.services import ranking_csv
from disbursement.flags.selectors import flag_changes, flag_events, flags_by_unit
from disbursement.models import Flag
from tests.builders import allocate, computed, investors, snapshot
from tests.factories import stream

FIRST, SECOND = dt.date(2024, 7, 13), dt.date(2024, 7, 20)
RAISED = "Giải ngân 28,2%, thấp hơn tỷ lệ chung của dòng vốn (34,10%)."
NOW = "Giải ngân 29,8%, thấp hơn tỷ lệ chung của dòng vốn (37,40%)."


@pytest.fixture
def lagging(db):
    """A unit under its stream's ratio on two dates: 28,2% then 29,8%, the stream 34,10% then 37,40%."""
    slow, fast = investors(2)
    for unit in (slow, fast):
        allocate(unit, 100 * TY)
    first = computed(snapshot(FIRST, {slow: 282 * TY // 10, fast: 40 * TY}))
    second = computed(snapshot(SECOND, {slow: 298 * TY // 10, fast: 45 * TY}))
    flag = Flag.objects.get(investor=slow, kind="below_stream_average")
    return slow, first, second, flag


def test_the_text_follows_the_current_figure_after_a_new_snapshot(lagging):
    slow, _, second, flag = lagging
    assert (flag.reason, flag.value) == (NOW, Decimal("29.8"))
    # What the rankings, the digest and the exports read for the latest snapshot.
    (shown,) = [f for f in flags_by_unit(second)[(stream().id, slow.id, None)] if f.kind == "below_stream_average"]
    assert (shown.id, shown.reason) == (flag.id, NOW)
    csv = ranking_csv(second.id).decode("utf-8-sig")
    assert NOW in csv and RAISED not in csv
    # Still the flag raised on the first date, not a new one.
    new, _ = flag_changes(second)
    assert flag.id not in {f.id for f in new}


def test_the_figure_it_was_raised_with_is_kept_in_its_history(lagging):
    _, first, second, flag = lagging
    assert [(e.on, e.value, e.reason, e.snapshot_id) for e in flag_events(flag)] == [
        (FIRST, Decimal("28.2"), RAISED, first.id),
        (SECOND, Decimal("29.8"), NOW, second.id),
    ]


def test_an_earlier_snapshot_reads_the_text_of_its_own_date(lagging):
    slow, first, _, flag = lagging
    (shown,) = [f for f in flags_by_unit(first)[(stream().id, slow.id, None)] if f.kind == "below_stream_average"]
    assert (shown.id, shown.reason, shown.value) == (flag.id, RAISED, Decimal("28.2"))
    assert RAISED in ranking_csv(first.id).decode("utf-8-sig")


def test_the_rankings_page_shows_the_current_text(lagging, client, staff_user):
    _, _, second, _ = lagging
    client.force_login(staff_user)
    page = client.get(reverse("admin:disbursement_snapshot_rankings", args=[second.pk, stream().code]))
    html = page.content.decode()
    assert NOW in html and RAISED not in html
