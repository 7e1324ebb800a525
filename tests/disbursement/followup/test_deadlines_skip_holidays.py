"""A request's deadline counts working days: weekends and the public holidays staff keep (seeded for 2025-2027)
are skipped, and a holiday added in the admin moves the next deadlines."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from disbursement.models import ExplanationReminder, PublicHoliday

BEFORE_TET_2026 = timezone.make_aware(dt.datetime(2026, 2, 13, 9, 0))  # Friday before Tết Bính Ngọ


def test_the_seeded_holidays_hold_the_official_days_off(db):
    days = {h.date: h.name for h in PublicHoliday.objects.all()}
    assert sorted(d for d in days if dt.date(2026, 2, 14) <= d <= dt.date(2026, 2, 22)) == [
        dt.date(2026, 2, d) for d in (16, 17, 18, 19, 20)
    ]
    assert days[dt.date(2025, 1, 29)] == "Tết Nguyên đán Ất Tỵ"
    assert days[dt.date(2025, 9, 2)] == "Quốc khánh (2/9)"
    # A holiday on a Sunday gives the Monday off.
    assert days[dt.date(2026, 4, 27)] == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert days[dt.date(2027, 5, 3)] == "Nghỉ bù Ngày Quốc tế Lao động"


def test_a_deadline_over_tet_skips_the_holidays(lagging):
    request = lagging.ask(now=BEFORE_TET_2026, working_days=5)

    # Monday 16 to Friday 20 February are Tết: five working days run from 23 to 27 February.
    assert request.deadline == dt.date(2026, 2, 27)
    reminder = request.reminders.get(kind=ExplanationReminder.Kind.REMINDER)
    assert reminder.due_on == dt.date(2026, 2, 26)


def test_a_holiday_added_in_the_admin_moves_the_next_deadline(lagging, client, staff_user):
    client.force_login(staff_user)
    day = dt.date(2026, 3, 2)  # a Monday
    before = lagging.ask(now=timezone.make_aware(dt.datetime(2026, 2, 27, 9, 0)), working_days=1)
    assert before.deadline == day
    before.status = before.Status.CANCELLED
    before.save()

    response = client.post(
        reverse("admin:disbursement_publicholiday_add"),
        {"date": "02/03/2026", "name": "Nghỉ bù (ví dụ)", "note": "Quyết định của Thủ tướng"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    listed = client.get(reverse("admin:disbursement_publicholiday_changelist"), {"date__year": "2026"})
    assert "Nghỉ bù (ví dụ)" in listed.content.decode() and "Thứ Hai" in listed.content.decode()

    after = lagging.ask(now=timezone.make_aware(dt.datetime(2026, 2, 27, 9, 0)), working_days=1)
    assert after.deadline == dt.date(2026, 3, 3)
