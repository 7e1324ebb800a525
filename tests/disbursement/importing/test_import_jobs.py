"""Uploads through a job: preview and confirm for small files, a background job for large ones."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from disbursement.importing.jobs import confirm_import_job, create_import_job, run_import_job
from disbursement.models import ImportJob, Snapshot
from tests.builders import Row, build_workbook, small_spec
from tests.disbursement.importing.helpers import written


def _upload(data: bytes, name="giai-ngan.xlsx"):
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media")
def test_small_upload_is_previewed_then_imported_on_confirm(master_data, staff_user):
    job = create_import_job(_upload(build_workbook(small_spec())), user=staff_user)

    assert job.status == ImportJob.Status.NEEDS_CONFIRMATION
    assert job.file.name.startswith("imports/")
    assert len(job.content_hash) == 64
    assert job.summary["units"] == 7 and job.errors == []
    assert job.rows_total >= job.rows_read > 0
    assert written() == (0, 0, 0, 0, 0)

    job = confirm_import_job(job.id, staff_user)

    assert job.status == ImportJob.Status.DONE
    assert job.snapshot == Snapshot.objects.get()
    assert job.confirmed_by == staff_user
    # Confirming twice does not import twice.
    assert confirm_import_job(job.id, staff_user).status == ImportJob.Status.DONE
    assert Snapshot.objects.count() == 1


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media")
def test_upload_with_errors_fails_with_located_errors(master_data):
    spec = small_spec()
    spec.sections[0].rows[0].name = "Sở Không Có Thật"
    job = create_import_job(_upload(build_workbook(spec)))
    assert job.status == ImportJob.Status.FAILED
    error = job.errors[0]
    assert set(error) == {"file", "sheet", "row", "column", "cell", "code", "message", "key"}
    assert (error["code"], error["cell"]) == ("unknown_name", "B9")


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media")
def test_corrupt_upload_fails_at_once(master_data):
    job = create_import_job(_upload(b"PK\x03\x04 broken"))
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["code"] == "corrupt_file"


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media", IMPORT_BACKGROUND_ROWS=5)
def test_large_upload_runs_as_a_job_and_imports_when_clean(master_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = create_import_job(_upload(build_workbook(small_spec())))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.rows_read == job.rows_total > 5
    assert job.snapshot is not None
    # Running the task again is harmless.
    assert run_import_job(job.id).status == ImportJob.Status.DONE
    assert Snapshot.objects.count() == 1


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media", IMPORT_BACKGROUND_ROWS=5)
def test_large_upload_with_warnings_waits_for_confirmation(master_data, staff_user, django_capture_on_commit_callbacks):
    spec = small_spec()
    spec.sections[0].rows[2] = Row("Sở Y tế", 0, 40, 0, 41)
    spec.sections[0].subtotal_override = None
    with django_capture_on_commit_callbacks(execute=True):
        job = create_import_job(_upload(build_workbook(spec)))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_CONFIRMATION
    assert [w["code"] for w in job.warnings] == ["disbursed_above_plan"]
    assert confirm_import_job(job.id, staff_user).status == ImportJob.Status.DONE


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media")
def test_same_file_uploaded_again_is_a_duplicate(master_data, staff_user):
    data = build_workbook(small_spec())
    confirm_import_job(create_import_job(_upload(data)).id, staff_user)
    again = create_import_job(_upload(data, "ban-sao.xlsx"))
    assert again.status == ImportJob.Status.DUPLICATE
    assert Snapshot.objects.count() == 1


@override_settings(MEDIA_ROOT="/tmp/giaingan-test-media", IMPORT_BACKGROUND_ROWS=5)
def test_a_job_reads_as_importing_while_it_writes(master_data, django_capture_on_commit_callbacks):
    from django.db.models.signals import post_save

    seen = []

    def status_when_written(sender, instance, created, **kwargs):
        if created:
            seen.append(list(ImportJob.objects.values_list("status", flat=True)))

    post_save.connect(status_when_written, sender=Snapshot, dispatch_uid="test-status-when-written")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = create_import_job(_upload(build_workbook(small_spec())))
    finally:
        post_save.disconnect(dispatch_uid="test-status-when-written", sender=Snapshot)
    assert seen == [[ImportJob.Status.IMPORTING]]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
