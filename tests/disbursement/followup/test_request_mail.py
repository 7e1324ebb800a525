"""A flag becomes a request mailed once to the unit's head and contact, with a link to the form."""

from __future__ import annotations

import datetime as dt

import pytest

from disbursement.followup import services
from disbursement.models import ExplanationReminder, ExplanationRequest
from tests.disbursement.followup.conftest import ASKED, link_in

pytestmark = [pytest.mark.smtp]


def test_the_request_arrives_once_with_a_link_and_the_deadline(
    lagging, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = lagging.ask()

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["giamdoc.sxd@example.vn", "kehoach.sxd@example.vn"]
    message = received.message
    assert message["Subject"] == "Yêu cầu giải trình tiến độ giải ngân – Sở Xây dựng (hạn 15/07/2024)"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Kính gửi Trần Văn Bình" in text
    assert "Giải ngân 5% (5,000 tỷ đồng / 100,000 tỷ đồng), dưới ngưỡng 10%." in text
    assert "trong thời hạn 5 ngày làm việc (đến hết ngày 15/07/2024)" in text
    assert link_in(message).startswith("/giai-trinh/")

    request.refresh_from_db()
    assert (request.mail_status, request.deadline, request.status) == ("sent", dt.date(2024, 7, 15), "pending")
    assert list(request.flags.all()) == [lagging.flag]
    # A duplicated or retried task finds the email claimed and sends nothing more.
    assert services.send_request_mail(request.pk) == "skipped"
    assert len(smtp_server.messages) == 1
    # A reminder the working day before the deadline, the escalation the day after it.
    assert sorted(request.reminders.values_list("kind", "due_on")) == [
        ("escalation", dt.date(2024, 7, 16)),
        ("reminder", dt.date(2024, 7, 12)),
    ]


def test_a_unit_already_asked_is_not_asked_again(lagging, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = lagging.ask()
        again = services.create_requests([lagging.flag], now=ASKED)

    assert again.created == [] and again.already_pending == [first]
    assert ExplanationRequest.objects.count() == 1
    assert len(smtp_server.messages) == 1


def test_extra_addresses_and_working_days_chosen_by_staff(lagging, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = lagging.ask(working_days=10, extra_emails=["truongphong@example.vn", "GIAMDOC.SXD@example.vn"])

    [received] = smtp_server.messages
    assert received.rcpt_tos == ["giamdoc.sxd@example.vn", "kehoach.sxd@example.vn", "truongphong@example.vn"]
    assert request.deadline == dt.date(2024, 7, 22)


def test_a_unit_without_any_address_is_refused_with_the_reason(lagging):
    lagging.unit.head_email = lagging.unit.contact_email = ""
    lagging.unit.save()

    with pytest.raises(services.FollowUpError, match="Sở Xây dựng chưa có email"):
        lagging.ask()
    assert ExplanationRequest.objects.count() == 0
    assert ExplanationReminder.objects.count() == 0


def test_a_failed_send_is_recorded_and_sent_on_retry(lagging, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.handler.refuse = 1
    request = lagging.ask()

    with pytest.raises(services.FollowUpSendError):
        services.send_request_mail(request.pk)
    request.refresh_from_db()
    assert request.mail_status == "failed" and "451" in request.mail_error

    assert services.send_request_mail(request.pk) == "sent"
    assert len(smtp_server.messages) == 1
