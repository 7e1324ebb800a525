"""The draft in the admin, its .docx download, and the wording and band pages."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from docx import Document

from disbursement.models import BandConfig, ReportTemplate
from disbursement.report.services import draft_report, render_docx

ENTRY = "huyện Kiến Thụy (183,384 tỷ đồng / 270,020 tỷ đồng, đạt 67,9%)"


def test_draft_page_shows_the_draft_of_the_chosen_snapshot(client, staff_user, sample_snapshot):
    client.force_login(staff_user)
    response = client.get(reverse("admin:disbursement_report_draft"), {"snapshot": sample_snapshot.id})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<p>- Có 09/15 quận, huyện giải ngân trên 35%, gồm: {ENTRY};" in page
    assert reverse("admin:disbursement_report_draft_docx", args=[sample_snapshot.id]) in page


def test_docx_download_holds_the_draft_paragraphs(client, staff_user, sample_snapshot):
    client.force_login(staff_user)
    response = client.get(reverse("admin:disbursement_report_draft_docx", args=[sample_snapshot.id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('du-thao-bao-cao-2024-07-20.docx"')
    paragraphs = [p.text for p in Document(BytesIO(response.content)).paragraphs]
    draft = draft_report(sample_snapshot.id)
    # The report's title, then each section's title and paragraphs, in the draft's order.
    body = paragraphs[paragraphs.index("BÁO CÁO") + 1 :]
    expected = [draft.title]
    for title, text in draft.sections:
        expected += ([title] if title else []) + text.splitlines()
    assert body[: len(expected)] == expected
    assert any(ENTRY in p for p in paragraphs)


def test_render_docx_and_html_escape_nothing_away(sample_snapshot):
    draft = draft_report(sample_snapshot.id)
    assert render_docx(draft)[:2] == b"PK"
    assert f"{ENTRY};" in draft.text
    assert "<h3>Cùng kỳ năm 2023</h3>" in draft.html


def test_draft_page_needs_staff_login(client, sample_snapshot):
    response = client.get(reverse("admin:disbursement_report_draft"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_wording_and_band_pages_open(client, staff_user, db):
    client.force_login(staff_user)
    changelist = client.get(reverse("admin:disbursement_reporttemplate_changelist")).content.decode()
    assert reverse("admin:disbursement_report_draft") in changelist
    template = ReportTemplate.objects.get(section="city", stream=None)
    change = client.get(reverse("admin:disbursement_reporttemplate_change", args=[template.id]))
    assert change.status_code == 200
    assert "Các biến dùng được trong mẫu" in change.content.decode()
    config = BandConfig.objects.first()
    assert client.get(reverse("admin:disbursement_bandconfig_change", args=[config.id])).status_code == 200


def test_saving_broken_wording_in_the_admin_shows_an_error(client, staff_user, db):
    client.force_login(staff_user)
    template = ReportTemplate.objects.get(section="same_period", stream=None)
    url = reverse("admin:disbursement_reporttemplate_change", args=[template.id])
    response = client.post(url, {"section": "same_period", "title": "x", "body": "{% if plan %}chưa đóng", "note": ""})
    assert response.status_code == 200
    assert "Mẫu câu có lỗi cú pháp" in response.content.decode()
    template.refresh_from_db()
    assert template.body != "{% if plan %}chưa đóng"
