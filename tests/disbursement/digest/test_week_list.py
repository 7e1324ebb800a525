"""The preview's week is chosen from a list of the weeks that have a digest, not typed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from disbursement.digest import selectors


@pytest.fixture
def logged_in(client, staff_user):
    client.force_login(staff_user)
    return client


def test_weeks_are_the_mondays_after_each_computed_date_newest_first(digest_data):
    weeks = selectors.digest_weeks(today=dt.date(2024, 7, 31))

    assert [c.label for c in weeks] == [
        "Tuần 29/07/2024 – số liệu đến hết ngày 20/07/2024",
        "Tuần 22/07/2024 – số liệu đến hết ngày 20/07/2024",
        "Tuần 15/07/2024 – số liệu đến hết ngày 13/07/2024",
        "Tuần 24/07/2023 – số liệu đến hết ngày 20/07/2023",
    ]
    # Each week listed reads the date it names.
    for choice in weeks:
        assert selectors.digest_snapshot(choice.week).as_of == choice.as_of


def test_the_preview_page_lists_the_weeks_with_the_chosen_one_selected(digest_data, logged_in):
    url = reverse("admin:disbursement_digestrecipient_preview", args=[digest_data.staff.pk])

    html = logged_in.get(url, {"tuan": "2024-07-16"}).content.decode()

    options = re.findall(r'<option value="([\d-]+)"( selected)?>([^<]+)</option>', html)
    values = [value for value, _, _ in options]
    assert "2024-07-22" in values and "2024-07-15" in values and "2023-07-24" in values
    assert [value for value, selected, _ in options if selected] == ["2024-07-15"]
    assert "Tuần 15/07/2024 – số liệu đến hết ngày 13/07/2024" in html
    assert f"{url}?tuan=2024-07-15&amp;dang=html" in html
