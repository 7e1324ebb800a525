"""The job's claim is shown where the job is followed: how many times it ran, how many of those retook it after
a worker died, and when it was last taken."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from disbursement.models import ImportJob


def _retaken_job() -> ImportJob:
    return ImportJob.objects.create(
        file_name="giai-ngan.xlsx",
        status=ImportJob.Status.PARSING,
        attempts=2,
        retakes=1,
        claimed_at=timezone.now() - dt.timedelta(seconds=5),
    )


def test_the_api_shows_a_jobs_attempts_retakes_and_claim(staff_client):
    job = _retaken_job()

    listed = staff_client.get("/api/v1/imports/").json()["results"][0]
    detail = staff_client.get(f"/api/v1/imports/{job.pk}/").json()

    for body in (listed, detail):
        assert (body["attempts"], body["retakes"]) == (2, 1)
        assert dt.datetime.fromisoformat(body["claimed_at"]) == job.claimed_at


def test_the_admin_job_page_shows_the_retake(client, staff_user):
    job = _retaken_job()
    client.force_login(staff_user)

    page = client.get(reverse("admin:disbursement_snapshot_import_job", args=[job.pk])).content.decode()

    assert "Số lần chạy: 2, trong đó 1 lần chạy lại vì lần trước bị bỏ dở" in page
