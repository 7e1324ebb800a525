"""Claims on import jobs: a live claim is left alone, an expired one is retaken (a bounded number of times), a
released one is taken again at once, and a job whose write committed is never imported twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from disbursement.importing.jobs import run_import_job, take_import_job
from disbursement.importing.services import content_hash
from disbursement.models import ImportJob, Snapshot, Submission
from tests.builders import build_workbook, small_spec

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("master_data"),
]
MEDIA = override_settings(MEDIA_ROOT="/tmp/giaingan-test-media", IMPORT_CLAIM_TIMEOUT_SECONDS=60, IMPORT_MAX_RETAKES=2)


def _job(status=ImportJob.Status.PARSING, *, claimed_seconds_ago: int | None = 5, **values) -> ImportJob:
    data = build_workbook(small_spec())
    job = ImportJob(
        file_name="giai-ngan.xlsx",
        file_size=len(data),
        content_hash=content_hash(data),
        status=status,
        rows_total=50,
        attempts=1,
        claimed_at=None if claimed_seconds_ago is None else timezone.now() - dt.timedelta(seconds=claimed_seconds_ago),
        **values,
    )
    job.file.save("giai-ngan.xlsx", ContentFile(data), save=False)
    job.save()
    return job


@MEDIA
def test_a_job_held_by_a_live_claim_is_left_to_its_holder():
    job = _job(claimed_seconds_ago=5)
    assert take_import_job(job.id) is None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.retakes) == (ImportJob.Status.PARSING, 1, 0)


@MEDIA
@override_settings(IMPORT_BACKGROUND_ROWS=5)
def test_an_abandoned_background_job_is_retaken_and_imported_once():
    job = _job(claimed_seconds_ago=61)

    done = run_import_job(job.id)

    assert (done.status, done.attempts, done.retakes) == (ImportJob.Status.DONE, 2, 1)
    assert done.snapshot == Snapshot.objects.get() and done.submission == Submission.objects.get()
    # Delivered once more (the broker's copy of the message): nothing more is written.
    assert run_import_job(job.id).status == ImportJob.Status.DONE
    assert Submission.objects.count() == 1


@MEDIA
def test_an_abandoned_small_upload_is_previewed_again_not_imported():
    job = _job(claimed_seconds_ago=61)

    previewed = run_import_job(job.id)

    assert previewed.status == ImportJob.Status.NEEDS_CONFIRMATION
    assert Submission.objects.count() == 0


@MEDIA
def test_a_job_abandoned_too_often_fails_with_the_reason():
    job = _job(claimed_seconds_ago=61, retakes=2)

    assert take_import_job(job.id) is None

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["code"] == "job_abandoned"
    assert "3 lần" in job.errors[0]["message"] and "tải tệp lên lại" in job.errors[0]["message"]
    assert job.finished_at is not None


@MEDIA
def test_a_released_claim_is_taken_at_once_without_counting_a_retake():
    job = _job(ImportJob.Status.IMPORTING, claimed_seconds_ago=None)

    taken = take_import_job(job.id)

    assert (taken.status, taken.attempts, taken.retakes) == (ImportJob.Status.PARSING, 2, 0)
    assert taken.claimed_at is not None


@MEDIA
def test_a_confirmed_job_whose_importer_died_is_imported_as_confirmed(staff_user):
    job = _job(ImportJob.Status.IMPORTING, claimed_seconds_ago=61, confirmed_by=staff_user)

    done = run_import_job(job.id)

    assert (done.status, done.retakes) == (ImportJob.Status.DONE, 1)
    assert Submission.objects.get().imported_by == staff_user
