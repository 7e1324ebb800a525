"""The upload page of the admin import: who may use it and what it refuses before the importer runs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disbursement.access import EDITOR

UPLOAD = "admin:disbursement_snapshot_import"


@pytest.mark.django_db
def test_upload_form_is_in_vietnamese(admin_client_vi):
    html = admin_client_vi.get(reverse(UPLOAD)).content.decode()
    assert "Tệp Excel số liệu giải ngân" in html
    assert "Số liệu đến hết ngày" in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.django_db
def test_a_file_that_is_not_a_workbook_is_refused(client, role_user):
    client.force_login(role_user(EDITOR))
    upload = SimpleUploadedFile("bao-cao.docx", b"not a workbook")
    response = client.post(reverse(UPLOAD), {"file": upload})
    assert response.status_code == 200
    assert "Chỉ nhận tệp Excel .xlsx." in response.content.decode()


@pytest.mark.django_db
def test_a_date_is_read_day_first(client, role_user):
    from disbursement.admin.imports import ImportUploadForm

    form = ImportUploadForm({"as_of": "03/04/2024"}, {"file": SimpleUploadedFile("giai-ngan.xlsx", b"PK")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["as_of"].isoformat() == "2024-04-03"


@pytest.mark.django_db
def test_confirm_accepts_only_post(admin_client_vi):
    response = admin_client_vi.get(reverse("admin:disbursement_snapshot_import_confirm", args=[1]))
    assert response.status_code == 405
