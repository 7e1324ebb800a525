"""The admin's master-data page: a viewer cannot use it; an editor previews, then confirms."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from districts.models import District
from investors.models import InvestorSuccession
from tests.builders import SAMPLE_DIR, load_master_data

SAMPLE_UNITS = SAMPLE_DIR / "danh-muc-don-vi-2025.xlsx"


def test_the_page_previews_then_writes_on_confirmation(client, role_user):
    load_master_data()
    url = reverse("admin:disbursement_master_data")
    client.force_login(role_user("Người xem"))
    assert client.get(url).status_code == 403

    client.force_login(role_user("Biên tập viên"))
    upload = SimpleUploadedFile(SAMPLE_UNITS.name, SAMPLE_UNITS.read_bytes())
    html = client.post(url, {"file": upload}).content.decode()
    assert "Đơn vị hành chính: 9 thêm mới, 13 cập nhật, 2 không đổi" in html
    assert "thêm mới đặc khu Cát Hải (DK-CH)" in html
    assert not District.objects.filter(code="DK-CH").exists()
    sha256 = html.split('name="sha256" value="')[1].split('"')[0]

    confirmed = client.post(url, {"confirm": "1", "sha256": sha256})
    assert confirmed.status_code == 302
    assert District.objects.get(code="DK-CH").display_name == "đặc khu Cát Hải"
    assert InvestorSuccession.objects.filter(predecessor__code="SGTVT", successor__code="SXD").exists()
    # Confirming again without a new upload writes nothing more and says so.
    again = client.post(url, {"confirm": "1", "sha256": sha256}, follow=True)
    assert "hãy tải tệp lên lại" in again.content.decode()


def test_errors_are_listed_and_nothing_can_be_confirmed(client, role_user):
    load_master_data()
    client.force_login(role_user("Biên tập viên"))
    url = reverse("admin:disbursement_master_data")
    upload = SimpleUploadedFile("hong.xlsx", b"not a workbook")
    html = client.post(url, {"file": upload}).content.decode()
    assert "không mở được tệp Excel" in html
    assert 'name="confirm"' not in html
