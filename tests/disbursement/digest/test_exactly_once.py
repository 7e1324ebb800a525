"""A retried or duplicated task never sends a week's digest twice to the same recipient."""

from disbursement.digest import services
from disbursement.digest.tasks import send_digest_task, send_weekly_digests_task
from disbursement.models import DigestDelivery, DigestRecipient
from tests.disbursement.digest.conftest import WEEK


def test_running_the_weekly_task_twice_sends_each_recipient_one_message(
    digest_data, mailoutbox, django_capture_on_commit_callbacks
):
    second = DigestRecipient.objects.create(name="Lãnh đạo Sở", email="lanhdao@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay(WEEK.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay("2024-07-24")  # another day of the same week

    assert sorted(m.to[0] for m in mailoutbox) == sorted([digest_data.staff.email, second.email])
    assert DigestDelivery.objects.filter(week=WEEK).count() == 2
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {DigestDelivery.Status.SENT}


def test_a_duplicated_send_task_for_one_delivery_sends_once(digest_data, mailoutbox):
    [delivery_id] = services.plan_week(WEEK)

    results = [send_digest_task.delay(delivery_id).get() for _ in range(3)]

    assert results == ["sent", "skipped", "skipped"]
    assert len(mailoutbox) == 1
    delivery = DigestDelivery.objects.get(pk=delivery_id)
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.message_id == mailoutbox[0].message_id


def test_a_claimed_row_is_not_sent_by_a_second_worker(digest_data, mailoutbox):
    [delivery_id] = services.plan_week(WEEK)

    assert services.claim(delivery_id) is not None
    assert services.send_delivery(delivery_id) == "skipped"
    assert mailoutbox == []


def test_a_new_week_is_a_new_delivery(digest_data, mailoutbox):
    services.send_delivery(services.plan_week(WEEK)[0])
    later = services.plan_week(WEEK.replace(day=29))

    assert len(later) == 1
    assert services.send_delivery(later[0]) == "sent"
    assert len(mailoutbox) == 2
