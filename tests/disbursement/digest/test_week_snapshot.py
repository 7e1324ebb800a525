"""Which figures a week's digest covers: the latest current snapshot on or before its Monday."""

import datetime as dt

from django.utils import timezone

from disbursement.digest import selectors, services
from disbursement.digest.tasks import send_weekly_digests_task
from disbursement.figures.services import compute_snapshot
from disbursement.models import DigestDelivery
from disbursement.snapshots.services import create_snapshot
from tests.disbursement.digest.conftest import WEEK
from tests.factories import SnapshotFactory


def test_the_digest_covers_the_latest_snapshot_on_or_before_the_monday(digest_data):
    later = SnapshotFactory(as_of=WEEK + dt.timedelta(days=1))
    compute_snapshot(later.id)

    assert selectors.digest_snapshot(WEEK) == digest_data.snapshots[dt.date(2024, 7, 20)]
    assert selectors.digest_snapshot(WEEK - dt.timedelta(days=7)) == digest_data.snapshots[dt.date(2024, 7, 13)]
    assert selectors.digest_snapshot(WEEK + dt.timedelta(days=7)) == later


def test_a_replaced_file_for_the_same_date_is_not_reported(digest_data):
    replacement = create_snapshot(year=2024, as_of=dt.date(2024, 7, 20), file_name="giai-ngan-sua.xlsx")
    compute_snapshot(replacement.id)

    assert selectors.digest_snapshot(WEEK) == replacement


def test_any_day_of_the_week_names_its_monday():
    assert selectors.week_start(dt.date(2024, 7, 28)) == WEEK
    assert selectors.week_start(WEEK) == WEEK


def test_without_a_new_snapshot_the_digest_is_still_sent_and_says_no_new_figures_arrived(digest_data, mailoutbox):
    next_week = WEEK + dt.timedelta(days=7)

    digest = selectors.full_digest(next_week)
    ids = services.plan_week(next_week)
    for delivery_id in ids:
        services.send_delivery(delivery_id)

    assert digest.unchanged
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Chưa có số liệu mới kể từ bản tin tuần trước: số liệu vẫn đến hết ngày 20/07/2024" in body
    # The changes its tables print are still those of 20/07 against 13/07, and it says so.
    assert "Các thay đổi ghi dưới đây là so với kỳ trước (đến hết ngày 13/07/2024)." in body
    assert "không thay đổi" not in body
    assert "Chưa có số liệu mới" not in services.render_digest(digest_data.staff, WEEK).text


def test_no_computed_snapshot_means_no_digest(db, mailoutbox):
    SnapshotFactory(as_of=dt.date(2024, 7, 20))  # imported but not computed yet

    assert services.plan_week(WEEK) == []
    assert mailoutbox == []


def test_beat_calls_without_a_week_and_gets_the_current_one(
    digest_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay()

    delivery = DigestDelivery.objects.get()
    today = timezone.localdate()
    assert delivery.week == today - dt.timedelta(days=today.weekday())
    assert delivery.week.weekday() == 0
    assert len(mailoutbox) == 1
