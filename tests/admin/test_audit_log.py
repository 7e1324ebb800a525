"""Nhật ký thay đổi: who changed which plan, allocation or snapshot, when, and from what to what."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AllocationFactory, AllocationRevisionFactory, SnapshotFactory, UserFactory

AUDIT_URL = "admin:disbursement_audit_log"


@pytest.mark.django_db
def test_a_change_made_in_the_admin_shows_author_and_before_after(admin_client_vi, staff_user):
    allocation = AllocationFactory(deadline=dt.date(2025, 1, 31))
    url = reverse("admin:disbursement_allocation_change", args=[allocation.pk])
    data = {
        "year": allocation.year,
        "stream": allocation.stream_id,
        "source": allocation.source_id,
        "investor": allocation.investor_id,
        "deadline": "31/12/2025",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    response = admin_client_vi.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    html = admin_client_vi.get(reverse(AUDIT_URL)).content.decode()
    row = next(r for r in html.split("<tr>") if "Hạn giải ngân" in r and "Sửa" in r)
    assert staff_user.username in row
    assert "31/01/2025" in row and "31/12/2025" in row
    assert row.index("31/01/2025") < row.index("31/12/2025")


@pytest.mark.django_db
def test_new_revisions_are_listed_with_amount_in_ty_dong(admin_client_vi):
    AllocationRevisionFactory(amount=270_020 * 10**6)
    html = admin_client_vi.get(reverse(AUDIT_URL)).content.decode()
    assert "Tạo mới" in html
    assert 'Số vốn: <span class="change-new">270,020 tỷ đồng</span>' in html
    assert "2.024" not in html


@pytest.mark.django_db
def test_list_can_be_narrowed_to_one_kind_of_record(admin_client_vi):
    SnapshotFactory(file_name="tep-ky-so-lieu.xlsx")
    AllocationRevisionFactory(note="ghi-chu-dieu-chinh")
    html = admin_client_vi.get(reverse(AUDIT_URL), {"model": "disbursement.snapshot"}).content.decode()
    assert "tep-ky-so-lieu.xlsx" in html
    assert "ghi-chu-dieu-chinh" not in html


@pytest.mark.django_db
def test_staff_without_view_rights_cannot_read_the_log(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(reverse(AUDIT_URL)).status_code == 403
