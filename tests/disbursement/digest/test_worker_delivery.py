"""Through a real broker and worker: duplicated tasks, one message per recipient at the SMTP server."""

import datetime as dt

import pytest
from django.db import connection

from config.celery import app
from disbursement.digest import services
from disbursement.digest.tasks import enqueue_deliveries, send_digest_task, send_weekly_digests_task
from disbursement.models import DigestDelivery, DigestRecipient
from tests.conftest import wait_for
from tests.disbursement.digest.conftest import WEEK

# Serialized rollback: the reference data of the migrations is back for each test after a flush.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back_after_flush(django_db_setup, django_db_blocker):
    """A worker test ends with a flush; put the migrations' rows (streams, sources, schedule) back for later tests."""
    yield
    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


def _idle() -> bool:
    inspect = app.control.inspect(timeout=1)
    active, reserved, scheduled = inspect.active() or {}, inspect.reserved() or {}, inspect.scheduled() or {}
    if not active:  # no answer from the worker yet
        return False
    return not any([*active.values(), *reserved.values(), *scheduled.values()])


def test_worker_sends_each_digest_once_with_both_parts_and_the_chart(
    transactional_db, smtp_server, digest_data, request
):
    # The SMTP server first: the worker reads its address from the environment when it starts.
    request.getfixturevalue("celery_worker")
    head = DigestRecipient.objects.create(
        name="Nguyễn Văn An", email="giamdoc.syt@example.vn", kind="unit_head", investor=digest_data.investors["health"]
    )

    send_weekly_digests_task.delay(WEEK.isoformat())
    send_weekly_digests_task.delay(WEEK.isoformat())
    ready, _ = services.send_now([head], WEEK)
    enqueue_deliveries(ready)
    wait_for(lambda: DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT).count() == 2)
    for delivery in DigestDelivery.objects.all():
        send_digest_task.delay(delivery.pk)  # a duplicated delivery of the task
    wait_for(_idle)

    assert sorted(m.rcpt_tos[0] for m in smtp_server.messages) == ["giamdoc.syt@example.vn", "phongkh@example.vn"]
    by_address = {m.rcpt_tos[0]: m.message for m in smtp_server.messages}
    staff = by_address["phongkh@example.vn"]
    assert staff["Subject"] == "Bản tin giải ngân tuần 22/07/2024 – số liệu đến hết ngày 20/07/2024"
    assert by_address["giamdoc.syt@example.vn"]["Subject"] == "Bản tin giải ngân tuần 22/07/2024 – Sở Y tế"
    for message in by_address.values():
        parts = {part.get_content_type(): part for part in message.walk()}
        assert {"text/plain", "text/html", "image/png"} <= set(parts)
        cid = parts["image/png"]["Content-ID"].strip("<>")
        assert f"cid:{cid}" in parts["text/html"].get_content()
        assert parts["image/png"].get_content().startswith(b"\x89PNG")
    assert "đạt 28,70% kế hoạch thành phố giao" in staff.get_body(("plain",)).get_content()
    assert list(DigestDelivery.objects.values_list("attempts", flat=True)) == [1, 1]


def test_worker_retries_a_refused_send_after_a_delay_and_delivers_once(
    transactional_db, smtp_server, digest_data, request
):
    request.getfixturevalue("celery_worker")  # started after the SMTP server: retry base of 1 s from its environment
    smtp_server.handler.refuse = 1

    send_weekly_digests_task.delay(WEEK.isoformat())

    delivery = wait_for(lambda: DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT).first(), timeout=90)
    assert delivery.attempts == 2
    assert "451" in delivery.last_error
    assert delivery.sent_at - delivery.created_at >= dt.timedelta(seconds=1)  # the retry waited its back-off
    assert [m.rcpt_tos for m in smtp_server.messages] == [["phongkh@example.vn"]]
