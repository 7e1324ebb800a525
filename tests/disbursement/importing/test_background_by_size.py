"""Where an upload is read: inside the web request when it is small, on a worker when it has many rows, many
bytes on disk or many bytes once unpacked (a wide sheet under the row limit)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disbursement.importing.jobs import create_import_job
from disbursement.models import ImportJob, OutboxMessage
from tests.builders import build_workbook, small_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(settings, tmp_path, master_data):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMPORT_BACKGROUND_ROWS = 3000
    data = build_workbook(small_spec())
    return lambda: SimpleUploadedFile("giai-ngan.xlsx", data)


def _queued() -> list[list]:
    return [m.args for m in OutboxMessage.objects.filter(task="disbursement.importing.tasks.run_import_job_task")]


def test_a_small_file_is_previewed_in_the_request(upload, settings):
    settings.IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    settings.IMPORT_BACKGROUND_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
    job = create_import_job(upload())
    assert job.status == ImportJob.Status.NEEDS_CONFIRMATION
    assert _queued() == []


@pytest.mark.parametrize(
    "limit",
    [
        {"IMPORT_BACKGROUND_BYTES": 1000},
        {"IMPORT_BACKGROUND_UNCOMPRESSED_BYTES": 10_000},
    ],
    ids=["bytes on disk", "bytes unpacked"],
)
def test_a_file_over_a_size_limit_is_read_on_a_worker(upload, settings, limit, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    settings.IMPORT_BACKGROUND_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
    for name, value in limit.items():
        setattr(settings, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        job = create_import_job(upload())
    job.refresh_from_db()
    assert job.rows_total < 3000
    assert job.file_size > 1000 and job.uncompressed_size > 10_000
    assert _queued() == [[job.id]]
    # Read by the task (in this process here), which imports a clean file at once.
    assert job.status == ImportJob.Status.DONE
