"""The daily job: a reminder before the deadline and an escalation after it, each sent once."""

from __future__ import annotations

import datetime as dt

import pytest

from disbursement.followup import services
from disbursement.followup.tasks import run_follow_up_task
from disbursement.models import ExplanationReminder

pytestmark = [pytest.mark.smtp]


def subjects(smtp_server) -> list[str]:
    return [m.message["Subject"] for m in smtp_server.messages]


def test_the_reminder_goes_out_once_the_day_it_is_due(lagging, smtp_server):
    lagging.ask()

    run_follow_up_task("2024-07-11")
    assert smtp_server.messages == []

    run_follow_up_task("2024-07-12")
    run_follow_up_task("2024-07-12")
    run_follow_up_task("2024-07-13")

    assert subjects(smtp_server) == ["Nhắc giải trình tiến độ giải ngân – Sở Xây dựng (hạn 15/07/2024)"]
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["giamdoc.sxd@example.vn", "kehoach.sxd@example.vn"]
    assert "Hạn giải trình là hết ngày 15/07/2024" in received.message.get_body(("plain",)).get_content()


def test_the_escalation_after_the_deadline_goes_to_the_staff_too(lagging, smtp_server):
    lagging.ask()

    run_follow_up_task("2024-07-16")
    run_follow_up_task("2024-07-17")

    assert sorted(subjects(smtp_server)) == [
        "Nhắc giải trình tiến độ giải ngân – Sở Xây dựng (hạn 15/07/2024)",
        "Quá hạn giải trình tiến độ giải ngân – Sở Xây dựng (hạn 15/07/2024)",
    ]
    escalation = next(m for m in smtp_server.messages if m.message["Subject"].startswith("Quá hạn"))
    assert escalation.rcpt_tos == ["giamdoc.sxd@example.vn", "kehoach.sxd@example.vn", "phongkh@example.vn"]


def test_a_reminder_claimed_by_one_run_is_not_sent_by_another(lagging, smtp_server):
    request = lagging.ask()
    reminder = request.reminders.get(kind="reminder")

    assert services.claim_reminder(reminder.pk, dt.date(2024, 7, 12)) is not None
    assert services.send_reminder(reminder.pk, dt.date(2024, 7, 12)) == "skipped"
    assert smtp_server.messages == []


def test_no_reminder_for_a_cancelled_request(lagging, smtp_server):
    request = lagging.ask()
    services.cancel_request(request.pk)

    run_follow_up_task("2024-07-20")

    assert smtp_server.messages == []
    assert set(request.reminders.values_list("status", flat=True)) == {ExplanationReminder.Status.SKIPPED}
