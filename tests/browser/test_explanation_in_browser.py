"""The loop end to end: a flag, the request mailed to an SMTP server on loopback, the link opened in headless
Chromium, the form filled and sent, a later snapshot judging the commitments, the digest and the draft naming them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from core.money import TY
from disbursement.digest.selectors import week_start
from disbursement.digest.services import render_digest
from disbursement.models import Commitment, DigestRecipient, Explanation
from disbursement.report.services import draft_report
from tests.builders import computed, snapshot
from tests.disbursement.followup.conftest import lagging, smtp_server  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_from_flag_to_judged_commitment(page, live_server, settings, lagging, smtp_server, screenshot):  # noqa: F811
    settings.SITE_URL = live_server.url
    request = lagging.ask()

    # The request arrives at the SMTP server with the unit's link.
    [received] = smtp_server.messages
    text = received.message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(live_server.url) + r"/giai-trinh/[^/\s]+/", text).group(0)

    page.goto(link)
    assert page.inner_text("h1") == "Giải trình tiến độ giải ngân – Sở Xây dựng"
    assert "Sở Công Thương" not in page.content()
    # Sent empty first: the messages are Vietnamese and nothing is recorded.
    page.click("#gui-giai-trinh")
    assert "Hãy chọn nguyên nhân chính." in page.inner_text("body")
    assert not Explanation.objects.exists()

    # The same form open in a second tab, as a unit's staff might leave it.
    second = page.context.new_page()
    second.goto(link)
    for tab in (page, second):
        tab.get_by_label("Hồ sơ thanh toán").check()
        tab.fill("#id_actions", "Hoàn thiện hồ sơ thanh toán khối lượng đã nghiệm thu, gửi Kho bạc trước 15/8.")
        tab.fill("#id_responsible_name", "Trần Văn Bình")
        tab.fill("#id_responsible_title", "Giám đốc")
        tab.fill("#id_due_1", "30/09/2024")
        tab.fill("#id_amount_1", "30")
        tab.fill("#id_due_2", "31/12/2024")
        tab.fill("#id_amount_2", "62,5")
    page.click("#gui-giai-trinh")
    page.wait_for_selector("#da-giai-trinh")
    assert "Đã nhận giải trình của đơn vị" in page.inner_text("#da-giai-trinh")
    screenshot(page, "giai-trinh")

    # Sent again from the other tab: recorded once.
    second.click("#gui-giai-trinh")
    second.wait_for_selector("#da-giai-trinh")
    assert "mỗi yêu cầu chỉ nhận một lần giải trình" in second.inner_text("#da-giai-trinh")
    assert Explanation.objects.count() == 1
    assert list(Commitment.objects.order_by("due").values_list("amount", "status")) == [
        (30 * TY, "pending"),
        (62_500_000_000, "pending"),
    ]

    # The snapshot of 04/10 judges the September commitment missed; the one of 31/12 the December one met.
    october = computed(snapshot(dt.date(2024, 10, 4), {lagging.unit: 25 * TY, lagging.other: 75 * TY}))
    assert list(Commitment.objects.order_by("due").values_list("status", "shortfall")) == [
        ("missed", 5 * TY),
        ("pending", None),
    ]
    staff = DigestRecipient.objects.get(email="phongkh@example.vn")
    digest = render_digest(staff, week_start(dt.date(2024, 10, 7))).text
    assert digest.index("Cam kết không đạt (1):") < digest.index("1. TOÀN THÀNH PHỐ")
    _, follow_up = draft_report(october.pk).sections[-1]
    assert "Có 01 cam kết giải ngân không đạt: Sở Xây dựng" in follow_up

    december = computed(snapshot(dt.date(2024, 12, 31), {lagging.unit: 63 * TY, lagging.other: 95 * TY}))
    assert list(Commitment.objects.order_by("due").values_list("status", flat=True)) == ["missed", "met"]
    _, follow_up = draft_report(december.pk).sections[-1]
    assert "Có 01 cam kết giải ngân không đạt" in follow_up  # September's stays missed

    # The request's page in the admin shows the answer and the results.
    request_url = reverse("admin:disbursement_explanationrequest_change", args=[request.pk])
    assert request_url.startswith("/admin/")
