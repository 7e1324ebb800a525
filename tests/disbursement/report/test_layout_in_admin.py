"""Staff replace the official report's layout in the admin: download the one in force, upload their
own (checked first, refused with the file's name if its tags are broken), go back to the default."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from disbursement.report.docx import SHIPPED_LAYOUT, layout_path, layout_source

URL = "admin:disbursement_report_layout"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_DOCX_TEMPLATE = ""


def _layout(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str):
    return client.post(reverse(URL), {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_an_uploaded_layout_is_used_for_the_docx_until_the_default_is_restored(client, staff_user, sample_snapshot):
    client.force_login(staff_user)
    docx_url = reverse("admin:disbursement_report_draft_docx", args=[sample_snapshot.id])

    page = _upload(client, _layout("{{ co_quan_ban_hanh }} – MẪU CỦA PHÒNG", "{{ tieu_de }}"), "mau-phong.docx")

    assert "Đã dùng tệp mau-phong.docx làm mẫu văn bản báo cáo." in page.content.decode()
    assert layout_source() == "uploaded"
    paragraphs = [p.text for p in Document(BytesIO(client.get(docx_url).content)).paragraphs]
    assert paragraphs[0] == "SỞ KẾ HOẠCH VÀ ĐẦU TƯ – MẪU CỦA PHÒNG"
    downloaded = client.get(reverse(URL), {"tai": "1"})
    assert Document(BytesIO(downloaded.content)).paragraphs[0].text == "{{ co_quan_ban_hanh }} – MẪU CỦA PHÒNG"

    client.post(reverse(URL), {"restore": "1"})

    assert layout_path() == SHIPPED_LAYOUT
    restored = Document(BytesIO(client.get(docx_url).content))
    assert "BÁO CÁO" in [p.text for p in restored.paragraphs]


def test_a_broken_layout_is_refused_and_the_one_in_force_kept(client, staff_user, db):
    client.force_login(staff_user)

    broken = _upload(client, _layout("{% for x in %}"), "mau-hong.docx").content.decode()
    not_word = _upload(client, b"not a word file", "ghi-chu.docx").content.decode()

    assert "Tệp mẫu báo cáo mau-hong.docx không dùng được" in broken
    assert "Tệp mẫu báo cáo ghi-chu.docx không dùng được" in not_word
    assert layout_source() == "shipped"


def test_a_viewer_may_download_but_not_replace_the_layout(client, db):
    from django.contrib.auth.models import Group

    from disbursement.access import ensure_roles
    from tests.factories import UserFactory

    ensure_roles()
    viewer = UserFactory(is_staff=True)
    viewer.groups.add(Group.objects.get(name="Người xem"))
    client.force_login(viewer)

    page = client.get(reverse(URL))
    refused = client.post(reverse(URL), {"file": SimpleUploadedFile("x.docx", _layout("x"))})

    assert page.status_code == 200 and 'id="layout-form"' not in page.content.decode()
    assert client.get(reverse(URL), {"tai": "1"}).content[:2] == b"PK"
    assert refused.status_code == 403
    assert layout_source() == "shipped"
