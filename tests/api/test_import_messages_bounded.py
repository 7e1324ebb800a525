"""A file of thousands of wrong rows: the job keeps a bounded part of what it found and the API answers in pages.

What the audit sent was 200,000 unknown names in one workbook; the answers here stay the same size
whatever the number, so a few thousand show it (IMPORT_MAX_STORED_ERRORS and _NAMES at their defaults).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disbursement.models import ImportJob
from tests.builders import Row, build_workbook, load_master_data, small_spec

UNKNOWN = 1_500


@pytest.fixture(autouse=True)
def _media(settings, uploads_in_tmp):
    # Checked in the request, as a smaller file would be.
    settings.IMPORT_BACKGROUND_ROWS = 100_000


@pytest.fixture
def wrong_file_job(db, write_client) -> dict:
    load_master_data()
    spec = small_spec(city=None)
    spec.sections[0].rows += [Row(f"Ban quản lý không có thật số {n}", 0, 10, 0, 1) for n in range(UNKNOWN)]
    response = write_client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("sai-ten.xlsx", build_workbook(spec))},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    return response.json()


def test_the_job_counts_every_error_and_keeps_a_bounded_part(wrong_file_job, read_client, settings):
    assert wrong_file_job["status"] == "failed"
    assert wrong_file_job["error_count"] == UNKNOWN and wrong_file_job["unknown_name_count"] == UNKNOWN
    job = ImportJob.objects.get(pk=wrong_file_job["id"])
    assert len(job.errors) == settings.IMPORT_MAX_STORED_ERRORS and job.errors_total == UNKNOWN
    names = job.summary["unknown_names"]
    assert len(names) == settings.IMPORT_MAX_STORED_NAMES and job.summary["unknown_names_total"] == UNKNOWN
    assert names[0]["name"] == "Ban quản lý không có thật số 0" and names[0]["cells"] == ["Giai ngan!B13"]
    detail = read_client.get(f"/api/v1/imports/{job.pk}/")
    assert detail.json()["unknown_name_count"] == UNKNOWN
    assert len(detail.content) < 300_000


def test_the_errors_come_in_pages_of_bounded_size(wrong_file_job, read_client, settings):
    url = f"/api/v1/imports/{wrong_file_job['id']}/errors/"
    first = read_client.get(url)
    body = first.json()
    assert body["count"] == settings.IMPORT_MAX_STORED_ERRORS
    assert len(body["results"]) == 50 and body["next"] and body["previous"] is None
    assert body["errors_total"] == UNKNOWN
    assert body["errors_more"] == f"và {UNKNOWN - settings.IMPORT_MAX_STORED_ERRORS} lỗi khác"
    item = body["results"][0]
    assert (item["kind"], item["sheet"], item["cell"]) == ("error", "Giai ngan", "B13")
    assert "Ban quản lý không có thật số 0" in item["message"]
    assert len(first.content) < 40_000

    # The largest page holds every stored error and is still small.
    everything = read_client.get(url, {"page_size": 1000})
    assert len(everything.json()["results"]) == settings.IMPORT_MAX_STORED_ERRORS
    assert len(everything.content) < 150_000
    last = read_client.get(url, {"page": 4}).json()
    assert [m["cell"] for m in last["results"]][-1] == f"B{12 + settings.IMPORT_MAX_STORED_ERRORS}"
    assert last["next"] is None


def test_one_kind_of_message_at_a_time(wrong_file_job, read_client):
    url = f"/api/v1/imports/{wrong_file_job['id']}/errors/"
    assert read_client.get(url, {"kind": "warning"}).json()["count"] == 0
    assert read_client.get(url, {"kind": "error", "page_size": 10}).json()["count"] == 200
    assert read_client.get(url, {"kind": "everything"}).status_code == 400
