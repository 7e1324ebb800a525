"""Per date, staff see which files arrived, who reported, whose figure is carried and who has not reported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from disbursement.figures.services import recompute_year
from disbursement.models import Snapshot, Submission
from disbursement.sample.loader import load_master_data, read_master
from tests.builders import import_sample_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_dates(db):
    load_master_data(read_master(), city_snapshots=False)
    import_sample_file("giai-ngan-2024-07-20.xlsx", as_of=dt.date(2024, 7, 13), sender="Sở Tài chính")
    import_sample_file("quan-huyen-2024-07-20.xlsx", sender="Phòng Ngân sách")
    recompute_year(2024)
    return Snapshot.objects.current().get(as_of=dt.date(2024, 7, 20))


def test_coverage_page_names_files_carried_units_and_partial_city(client, staff_user, two_dates):
    client.force_login(staff_user)
    page = client.get(reverse("admin:disbursement_submission_coverage", args=[two_dates.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "quan-huyen-2024-07-20.xlsx" in text
    assert "Phòng Ngân sách" in text
    assert "Chưa có báo cáo tổng hợp toàn thành phố" in text
    # The 22 investors read their 13/7 figures, each marked as carried from that file.
    assert "0/22 đơn vị đã báo cáo" in text
    assert "22 đơn vị dùng số liệu báo cáo trước" in text
    assert "13/07/2024" in text
    assert "15/15 đơn vị đã báo cáo" in text


def test_submissions_are_listed_read_only(client, staff_user, two_dates):
    client.force_login(staff_user)
    listing = client.get(reverse("admin:disbursement_submission_changelist"))
    assert listing.status_code == 200
    assert "Phòng Ngân sách" in listing.content.decode()
    submission = Submission.objects.get(sender="Phòng Ngân sách")
    detail = client.get(reverse("admin:disbursement_submission_change", args=[submission.pk]))
    assert "Xem ai đã báo cáo, ai chưa" in detail.content.decode()
    assert client.get(reverse("admin:disbursement_submission_add")).status_code == 403


def test_a_user_without_view_permission_cannot_open_coverage(client, two_dates):
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    client.force_login(user)
    page = client.get(reverse("admin:disbursement_submission_coverage", args=[two_dates.pk]))
    assert page.status_code == 403
