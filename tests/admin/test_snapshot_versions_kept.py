"""A snapshot version cannot be deleted from the admin: later versions of its date read its lines and figures."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from disbursement.importing.services import import_workbook
from disbursement.models import Snapshot, SnapshotLine
from disbursement.sample.loader import SAMPLE_DIR, load_master_data, read_master

SUMMARY = "giai-ngan-2024-07-20.xlsx"
CORRECTION = "sua-so-lieu-2024-07-20.xlsx"


@pytest.fixture
def two_versions(db):
    load_master_data(read_master(), city_snapshots=False)
    for name in (SUMMARY, CORRECTION):
        result = import_workbook(io.BytesIO((SAMPLE_DIR / name).read_bytes()), file_name=name, confirm_warnings=True)
        assert result.status == "imported"
    return Snapshot.objects.get(is_current=False), Snapshot.objects.get(is_current=True)


def test_a_superseded_version_has_no_delete_page(admin_client, two_versions):
    first, current = two_versions
    read_before = SnapshotLine.objects.of(current).count()

    page = admin_client.get(reverse("admin:disbursement_snapshot_change", args=[first.pk]))
    assert page.status_code == 200
    assert reverse("admin:disbursement_snapshot_delete", args=[first.pk]) not in page.content.decode()
    assert (
        admin_client.post(reverse("admin:disbursement_snapshot_delete", args=[first.pk]), {"post": "yes"}).status_code
        == 403
    )

    assert Snapshot.objects.filter(pk=first.pk).exists()
    assert SnapshotLine.objects.of(current).count() == read_before
