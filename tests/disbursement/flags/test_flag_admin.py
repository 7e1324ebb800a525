"""The flag pages of the admin: read-only, open or cleared, with their history, in Vietnamese notation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.money import TY
from disbursement.models import Flag
from tests.builders import allocate, computed, investors, snapshot

DAYS = [dt.date(2024, 3, 1), dt.date(2024, 3, 8), dt.date(2024, 3, 15), dt.date(2024, 3, 22)]


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def episodes(db):
    """Below 10% on 1/3 and 8/3 (5% then 6%), 15% on 15/3, 8% again on 22/3: one cleared episode, one open."""
    (unit,) = investors(1)
    allocate(unit, 100 * TY)
    for day, amount in zip(DAYS, [5 * TY, 6 * TY, 15 * TY, 8 * TY], strict=True):
        computed(snapshot(day, {unit: amount}))
    return list(Flag.objects.filter(investor=unit, kind="below_threshold").order_by("raised_on"))


def test_the_flag_page_is_read_only_and_shows_its_history(admin_client, episodes):
    cleared, _ = episodes
    html = admin_client.get(reverse("admin:disbursement_flag_change", args=[cleared.pk])).content.decode()
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert reverse("admin:disbursement_flag_delete", args=[cleared.pk]) not in html
    assert ">2024<" in html and "2.024" not in html
    # The history: raised with 5% on 1/3, 6% on 8/3, cleared on 15/3.
    for text in ("01/03/2024", "Phát sinh", "5%", "08/03/2024", "Thay đổi", "6%", "15/03/2024", "Hết cảnh báo"):
        assert text in html, text
    assert "Giải ngân 5% (5,000 tỷ đồng / 100,000 tỷ đồng), dưới ngưỡng 10%." in html


def test_a_flag_cannot_be_changed_or_deleted_through_the_admin(admin_client, episodes):
    flag = episodes[0]
    admin_client.post(reverse("admin:disbursement_flag_change", args=[flag.pk]), {"reason": "Đã sửa"})
    admin_client.post(reverse("admin:disbursement_flag_delete", args=[flag.pk]), {"post": "yes"})
    flag.refresh_from_db()
    assert flag.reason.startswith("Giải ngân 6% ")


def test_the_list_filters_open_and_cleared_flags(admin_client, episodes):
    cleared, open_flag = episodes
    url = reverse("admin:disbursement_flag_changelist")
    assert admin_client.get(url, {"status": "open"}).context["cl"].result_list[0] == open_flag
    opened = {f.pk for f in admin_client.get(url, {"status": "open"}).context["cl"].result_list}
    closed = {f.pk for f in admin_client.get(url, {"status": "cleared"}).context["cl"].result_list}
    assert open_flag.pk in opened and cleared.pk not in opened
    assert cleared.pk in closed and open_flag.pk not in closed
    html = admin_client.get(url).content.decode()
    assert "Đang mở" in html and "Đã hết" in html and "2.024" not in html
