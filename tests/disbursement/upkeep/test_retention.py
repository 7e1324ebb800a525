"""Uploaded files are removed after their retention time: refused ones after a week, the others after a month;
never one whose content made a stored submission (its trace), never one still being read or written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from disbursement.models import ImportJob
from disbursement.upkeep.services import remove_old_uploads
from tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db
S = ImportJob.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.IMPORT_REFUSED_RETENTION_DAYS = 7
    settings.IMPORT_UPLOAD_RETENTION_DAYS = 30


def _job(status: str, days_old: int, content: bytes | None = None, **values) -> ImportJob:
    content = content or f"{status}-{days_old}-{sorted(values)}".encode()
    values.setdefault("content_hash", str(hash(content)))
    job = ImportJob(file_name="tep.xlsx", status=status, **values)
    job.file.save("tep.xlsx", ContentFile(content), save=False)
    job.save()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=days_old))
    return job


def _on_disk(job: ImportJob) -> bool:
    return Path(job.file.path).exists()


def test_refused_and_old_uploads_are_removed_and_files_a_submission_needs_are_kept():
    from disbursement.models import Submission

    snapshot = SnapshotFactory()
    submission = Submission.objects.create(
        snapshot=snapshot, as_of=snapshot.as_of, year=snapshot.year, content_hash="cung-noi-dung", file_name="a.xlsx"
    )
    refused_old = _job(S.FAILED, 8)
    refused_recent = _job(S.FAILED, 6)
    duplicate_old = _job(S.DUPLICATE, 31)
    waiting_old = _job(S.NEEDS_CONFIRMATION, 31)
    imported = _job(S.DONE, 90, submission=submission, snapshot=snapshot)
    same_content_as_a_submission = _job(S.FAILED, 90, content_hash="cung-noi-dung")
    being_read = _job(S.PARSING, 90)
    recent = _job(S.DONE, 3)

    assert remove_old_uploads() == 3

    for job in (refused_old, duplicate_old, waiting_old):
        assert not _on_disk(job)
        job.refresh_from_db()
        assert job.file.name == "" and job.file_removed_at is not None
    for job in (refused_recent, imported, same_content_as_a_submission, being_read, recent):
        assert _on_disk(job)
    waiting_old.refresh_from_db()
    assert waiting_old.status == S.FAILED, "a preview without its file can no longer be confirmed"
    assert remove_old_uploads() == 0
