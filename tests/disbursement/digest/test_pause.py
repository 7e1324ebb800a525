"""A paused recipient receives nothing until resumed."""

from disbursement.digest import services
from disbursement.digest.tasks import send_weekly_digests_task
from disbursement.models import DigestDelivery, DigestRecipient
from tests.disbursement.digest.conftest import WEEK


def test_paused_recipient_is_left_out_of_the_week_and_of_send_now(
    digest_data, mailoutbox, django_capture_on_commit_callbacks
):
    paused = DigestRecipient.objects.create(name="Tạm nghỉ", email="tamnghi@example.vn", paused=True)

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests_task.delay(WEEK.isoformat())
    ready, skipped = services.send_now([paused], WEEK)

    assert [m.to for m in mailoutbox] == [[digest_data.staff.email]]
    assert ready == [] and skipped == [paused]
    assert not DigestDelivery.objects.filter(recipient=paused).exists()


def test_a_recipient_paused_after_planning_is_not_sent_and_is_sent_once_resumed(digest_data, mailoutbox):
    [delivery_id] = services.plan_week(WEEK)
    DigestRecipient.objects.filter(pk=digest_data.staff.pk).update(paused=True)

    assert services.send_delivery(delivery_id) == "skipped"
    assert mailoutbox == []

    DigestRecipient.objects.filter(pk=digest_data.staff.pk).update(paused=False)
    assert services.send_delivery(delivery_id) == "sent"
    assert len(mailoutbox) == 1
