"""Upload the sample workbook through the admin, read the preview, confirm, and find the snapshot."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disbursement.models import Snapshot

services = pytest.importorskip("disbursement.importing.services", reason="the importer is not in this build")
loader = pytest.importorskip("disbursement.sample.loader")

SAMPLE = Path(settings.BASE_DIR) / "disbursement" / "sample" / "giai-ngan-2024-07-20.xlsx"


def upload(client):
    data = SAMPLE.read_bytes()
    workbook = SimpleUploadedFile(SAMPLE.name, data, content_type="application/vnd.ms-excel")
    return client.post(reverse("admin:disbursement_snapshot_import"), {"file": workbook})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_upload_preview_confirm(admin_client_vi):
    loader.load_master_data()
    response = upload(admin_client_vi)
    assert response.status_code == 302
    job_page = admin_client_vi.get(response["Location"])
    html = job_page.content.decode()
    assert 'data-status="needs_confirmation"' in html, html
    assert "Lỗi (00)" in html
    assert 'id="confirm-form"' in html

    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    confirmed = admin_client_vi.post(reverse("admin:disbursement_snapshot_import_confirm", args=[job_id]))
    assert confirmed.status_code == 302
    html = admin_client_vi.get(confirmed["Location"]).content.decode()
    assert 'data-status="done"' in html
    snapshot = Snapshot.objects.current().get(file_name=SAMPLE.name)
    assert reverse("admin:disbursement_snapshot_rankings_default", args=[snapshot.pk]) in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_file_twice_is_reported_as_a_duplicate(admin_client_vi):
    loader.load_master_data()
    first = upload(admin_client_vi)
    job_id = int(first["Location"].rstrip("/").split("/")[-1])
    admin_client_vi.post(reverse("admin:disbursement_snapshot_import_confirm", args=[job_id]))
    second = upload(admin_client_vi)
    html = admin_client_vi.get(second["Location"]).content.decode()
    assert 'data-status="duplicate"' in html
    assert "Tệp đã được nhập trước đây" in html
