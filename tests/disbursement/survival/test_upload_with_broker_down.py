"""An upload while the broker is down answers 202 with its job; the job is imported once the broker is back."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from bench.workbooks import add_investors, long_workbook
from disbursement.models import ImportJob, OutboxMessage, Snapshot, Submission
from disbursement.upkeep.services import sweep
from tests.disbursement.survival.conftest import wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_upload_while_the_broker_is_down_is_accepted_and_imported_when_it_returns(
    broker, processes, settings, staff_user
):
    settings.IMPORT_BACKGROUND_ROWS = 100
    settings.OUTBOX_RESEND_SECONDS = 0
    add_investors(ROWS)
    client = APIClient()
    client.force_authenticate(staff_user)
    broker.stop()

    response = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("giai-ngan.xlsx", long_workbook(ROWS), content_type=XLSX)},
        format="multipart",
    )

    assert response.status_code == 202, response.content
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert job.status == ImportJob.Status.PENDING
    (message,) = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert message.args == [job.id] and message.last_error
    assert sweep()["outbox_sent"] == 0, "still down: kept for the next sweep"

    broker.start()
    processes.worker(IMPORT_BACKGROUND_ROWS="100")
    assert sweep()["outbox_sent"] == 1
    wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE, timeout=30, interval=0.2)
    assert Submission.objects.count() == 1 and Snapshot.objects.count() == 1
    assert not OutboxMessage.objects.filter(sent_at__isnull=True, task__contains="import").exists()
