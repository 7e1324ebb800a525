"""Imports through the API: upload, progress, errors, confirm."""

from pathlib import Path

import openpyxl
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
    messages = read_client.get(f"/api/v1/imports/{job['id']}/errors/", {"kind": "error", "page_size": 1000}).json()
    assert set(messages) == {
        *("count", "next", "previous", "results"),
        *("errors_total", "errors_more", "warnings_total", "warnings_more", "to_confirm_total"),
    }
    assert progress["error_count"] == messages["errors_total"] == messages["count"] == len(messages["results"])
    assert [j["id"] for j in results(read_client.get("/api/v1/imports/"))] == [job["id"]]


@pytest.mark.django_db
def test_confirm_creates_the_snapshot_with_the_files_figures(write_client, read_client):
    from disbursement.models import CityDisbursement, ImportJob, Snapshot, SnapshotLine
    from disbursement.sample.loader import load_master_data
    from tests.sample_rows import (
        AS_OF,
        CITY_DISBURSED_ROW,
        CITY_SHEET,
        CITY_SOURCE_COLUMNS,
        SECTIONS,
        UNITS_SHEET,
        WORKBOOK,
        _amount,
    )

    # The units and districts the file names, so that it checks without errors.
    load_master_data(city_snapshots=False)
    job_id = upload(write_client).json()["id"]
    assert read_client.get(f"/api/v1/imports/{job_id}/").json()["error_count"] == 0

    response = write_client.post(f"/api/v1/imports/{job_id}/confirm/")
    assert response.status_code == 200, response.content
    job = ImportJob.objects.get(pk=job_id)
    snapshot = Snapshot.objects.get(pk=response.json()["snapshot"])
    assert job.snapshot_id == snapshot.pk
    assert (snapshot.year, snapshot.as_of, snapshot.is_current) == (AS_OF.year, AS_OF, True)

    workbook = openpyxl.load_workbook(WORKBOOK, data_only=True)
    units, city = workbook[UNITS_SHEET], workbook[CITY_SHEET]
    stored_city = dict(CityDisbursement.objects.filter(snapshot=snapshot).values_list("source__code", "disbursed"))
    assert stored_city == {
        code: _amount(city, column, CITY_DISBURSED_ROW) for code, column in CITY_SOURCE_COLUMNS.items()
    }
    for stream_code, _heading, rows in SECTIONS:
        lines = SnapshotLine.objects.filter(snapshot=snapshot, stream__code=stream_code)
        by_row = {row: sum(lines.filter(row=row).values_list("disbursed", flat=True)) for row in rows}
        assert by_row == {row: _amount(units, "F", row) for row in rows}, stream_code


@pytest.mark.django_db
def test_read_key_cannot_upload(read_client):
    response = upload(read_client)
    assert response.status_code == 403


@pytest.mark.django_db
def test_not_a_workbook_is_refused(write_client):
    response = upload(write_client, name="ghi-chu.txt", content=b"khong phai excel")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["details"]
