"""An upload through the API records who sent the file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disbursement.models import ImportJob
from disbursement.sample.loader import SAMPLE_DIR, load_master_data, read_master

TREASURY = SAMPLE_DIR / "kbnn-tong-hop-2024-07-20.xlsx"


@pytest.fixture
def master(db):
    load_master_data(read_master(), city_snapshots=False)


def test_api_upload_records_the_sender(master, write_client):
    response = write_client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile(TREASURY.name, TREASURY.read_bytes()), "sender": "Phòng Ngân sách"},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    assert ImportJob.objects.get(pk=response.json()["id"]).sender == "Phòng Ngân sách"
