"""Imports through the API. Needs disbursement.importing (merged from its own branch)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import results

SAMPLE = Path(__file__).resolve().parents[2] / "disbursement" / "sample" / "giai-ngan-2024-07-20.xlsx"


def upload(client, name="giai-ngan-2024-07-20.xlsx", content=None):
    content = SAMPLE.read_bytes() if content is None else content
    return client.post("/api/v1/imports/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


@pytest.mark.django_db
def test_write_key_uploads_and_follows_progress(write_client, read_client):
    response = upload(write_client)
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["file_name"] == "giai-ngan-2024-07-20.xlsx"
    progress = read_client.get(f"/api/v1/imports/{job['id']}/").json()
    assert progress["status"] and progress["rows_read"] is not None
    messages = read_client.get(f"/api/v1/imports/{job['id']}/errors/").json()
    assert set(messages) == {"errors", "warnings"}
    assert progress["error_count"] == len(messages["errors"])
    assert [j["id"] for j in results(read_client.get("/api/v1/imports/"))] == [job["id"]]


@pytest.mark.django_db
def test_confirm_creates_the_snapshot(write_client, staff_user):
    from disbursement.models import ImportJob

    job_id = upload(write_client).json()["id"]
    job = ImportJob.objects.get(pk=job_id)
    response = write_client.post(f"/api/v1/imports/{job_id}/confirm/")
    assert response.status_code in (200, 409), response.content
    if response.status_code == 200:
        job.refresh_from_db()
        assert response.json()["snapshot"] == job.snapshot_id
    else:
        assert response.json()["error"]["code"] == "conflict"


@pytest.mark.django_db
def test_read_key_cannot_upload(read_client):
    response = upload(read_client)
    assert response.status_code == 403


@pytest.mark.django_db
def test_not_a_workbook_is_refused(write_client):
    response = upload(write_client, name="ghi-chu.txt", content=b"khong phai excel")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["details"]
