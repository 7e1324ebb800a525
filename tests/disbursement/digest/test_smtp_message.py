"""The message as a mail server receives it: one message, both parts, the chart inline by cid."""

import pytest

from disbursement.digest import services
from disbursement.models import DigestRecipient
from tests.disbursement.digest.conftest import WEEK

pytestmark = [pytest.mark.smtp]


def _parts(message):
    return {part.get_content_type(): part for part in message.walk()}


def test_staff_digest_arrives_once_with_text_html_and_inline_chart(digest_data, smtp_server):
    [delivery_id] = services.plan_week(WEEK)

    assert services.send_delivery(delivery_id) == "sent"

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["phongkh@example.vn"]
    message = received.message
    assert message["Subject"] == "Bản tin giải ngân tuần 22/07/2024 – số liệu đến hết ngày 20/07/2024"
    assert message["To"] == "phongkh@example.vn"
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) >= {"text/plain", "multipart/related", "text/html", "image/png"}
    assert "đạt 28,70% kế hoạch thành phố giao" in parts["text/plain"].get_content()
    html = parts["text/html"].get_content()
    cid = parts["image/png"]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html
    assert "28,70%" in html
    assert parts["image/png"].get_content().startswith(b"\x89PNG\r\n\x1a\n")
    assert parts["image/png"].get_content_disposition() == "inline"


def test_unit_head_digest_goes_to_the_head_only(digest_data, smtp_server):
    head = DigestRecipient.objects.create(
        name="Nguyễn Văn An", email="giamdoc.syt@example.vn", kind="unit_head", investor=digest_data.investors["health"]
    )
    digest_data.staff.paused = True
    digest_data.staff.save()

    ready, _ = services.send_now([head], WEEK)
    for delivery_id in ready:
        services.send_delivery(delivery_id)

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["giamdoc.syt@example.vn"]
    assert received.message["Subject"] == "Bản tin giải ngân tuần 22/07/2024 – Sở Y tế"
    text = _parts(received.message)["text/plain"].get_content()
    assert "Kính gửi Nguyễn Văn An" in text
    assert "Tỷ lệ giải ngân: 6%" in text
