"""Every path records who sent a file: given by the user, else the sender its title block names."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from disbursement.models import ImportJob, Submission
from disbursement.sample.loader import SAMPLE_DIR, load_master_data, read_master

TREASURY = SAMPLE_DIR / "kbnn-tong-hop-2024-07-20.xlsx"


@pytest.fixture
def master(db):
    load_master_data(read_master(), city_snapshots=False)


def test_command_takes_a_sender(master):
    call_command("import_workbook", str(TREASURY), "--sender", "Kho bạc (bản gửi qua thư)", "--no-progress")
    assert Submission.objects.get().sender == "Kho bạc (bản gửi qua thư)"


def test_command_reads_the_sender_from_the_title(master):
    call_command("import_workbook", str(TREASURY), "--no-progress")
    assert Submission.objects.get().sender == "KHO BẠC NHÀ NƯỚC HẢI PHÒNG"


def test_admin_upload_records_the_sender(master, client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:disbursement_snapshot_import"),
        {"file": SimpleUploadedFile(TREASURY.name, TREASURY.read_bytes()), "sender": "Phòng Ngân sách"},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.sender == "Phòng Ngân sách"
