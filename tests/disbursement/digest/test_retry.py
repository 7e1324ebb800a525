"""A failed send is recorded and retried with back-off; a retry never duplicates a sent message."""

import pytest

from disbursement.digest import services
from disbursement.digest.tasks import MAX_RETRIES, retry_delay, send_digest_task
from disbursement.models import DigestDelivery
from tests.disbursement.digest.conftest import WEEK

pytestmark = [pytest.mark.smtp]


def test_a_temporary_refusal_is_recorded_then_the_retry_delivers_once(digest_data, smtp_server):
    smtp_server.handler.refuse = 1
    [delivery_id] = services.plan_week(WEEK)

    send_digest_task.delay(delivery_id)

    delivery = DigestDelivery.objects.get(pk=delivery_id)
    assert delivery.status == DigestDelivery.Status.SENT
    assert delivery.attempts == 2
    assert "451" in delivery.last_error
    assert len(smtp_server.messages) == 1


def test_after_the_last_retry_the_delivery_stays_failed_with_its_error(digest_data, smtp_server):
    smtp_server.handler.refuse = MAX_RETRIES + 1
    [delivery_id] = services.plan_week(WEEK)

    assert send_digest_task.delay(delivery_id).get() == "failed"

    delivery = DigestDelivery.objects.get(pk=delivery_id)
    assert delivery.status == DigestDelivery.Status.FAILED
    assert delivery.attempts == MAX_RETRIES + 1
    assert "Máy chủ tạm thời bận" in delivery.last_error or "451" in delivery.last_error
    assert smtp_server.messages == []

    # Sent by hand once the server is back: one message, the same Message-ID.
    message_id = delivery.message_id
    assert services.release_for_retry(delivery_id)
    assert send_digest_task.delay(delivery_id).get() == "sent"
    [received] = smtp_server.messages
    assert received.message["Message-ID"] == message_id


def test_back_off_doubles_between_attempts(settings):
    settings.DIGEST_RETRY_BASE_SECONDS = 60
    assert [retry_delay(n) for n in range(MAX_RETRIES)] == [60, 120, 240, 480, 960]
