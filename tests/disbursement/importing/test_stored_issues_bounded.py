"""A job keeps at most IMPORT_MAX_STORED_ERRORS warnings, IMPORT_MAX_STORED_NAMES unknown names, and counts all."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from disbursement.importing.jobs import create_import_job, issue_counts
from disbursement.models import ImportJob
from tests.builders import Row, build_workbook, small_spec


def _upload(spec, name="giai-ngan.xlsx"):
    return SimpleUploadedFile(name, build_workbook(spec))


def test_warnings_are_stored_up_to_the_limit_and_counted(master_data, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMPORT_MAX_STORED_ERRORS = 2
    spec = small_spec(city=None)
    for row in spec.sections[0].rows + spec.sections[1].rows:
        row.ratio = "không rõ"
    job = create_import_job(_upload(spec))

    assert job.status == ImportJob.Status.NEEDS_CONFIRMATION
    assert [w["code"] for w in job.warnings] == ["not_a_number", "not_a_number"]
    assert job.summary["warnings_total"] == 7 and issue_counts(job)["warnings"] == 7


def test_unknown_names_are_stored_up_to_the_limit_with_their_cells(master_data, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMPORT_MAX_STORED_NAMES = 3
    spec = small_spec(city=None)
    spec.sections[0].rows += [Row(f"Ban không có thật {n}", 0, 10, 0, 1) for n in range(5)]
    # One name on 25 rows: its first 20 cells are kept, and the number of them all.
    spec.sections[0].rows += [Row("Ban không có thật 0", 0, 10, 0, 1) for _ in range(24)]
    job = create_import_job(_upload(spec))

    assert job.status == ImportJob.Status.FAILED
    names = job.summary["unknown_names"]
    assert [n["name"] for n in names] == [f"Ban không có thật {n}" for n in range(3)]
    assert job.summary["unknown_names_total"] == 5 and issue_counts(job)["unknown_names"] == 5
    assert len(names[0]["cells"]) == 20 and names[0]["cells_total"] == 25
    assert names[1]["cells"] == ["Giai ngan!B14"] and names[1]["cells_total"] == 1
