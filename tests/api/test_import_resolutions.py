"""An import job through the API: its preview, unknown names resolved, implausible figures accepted by key."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from disbursement.access import VIEWER, ensure_roles
from disbursement.models import ImportJob, Snapshot
from investors.models import Investor, InvestorAlias
from tests.builders import Row, build_workbook, load_master_data, small_spec
from tests.factories import UserFactory

GT_SHORT = "Ban QLDA các công trình GT"
NEW_BOARD = "Ban Quản lý dự án phát triển đô thị"


pytestmark = pytest.mark.usefixtures("uploads_in_tmp")


@pytest.fixture
def master(db):
    load_master_data()


def _upload(client, spec, name="giai-ngan.xlsx") -> dict:
    response = client.post(
        "/api/v1/imports/", {"file": SimpleUploadedFile(name, build_workbook(spec))}, format="multipart"
    )
    assert response.status_code == 202, response.content
    return response.json()


def _unknown_spec(date_line="(Số liệu tính đến hết ngày 20/7/2024)"):
    spec = small_spec(city=None, date_line=date_line)
    spec.sections[0].rows[3].name = GT_SHORT
    spec.sections[0].rows.append(Row(NEW_BOARD, 0, 5_000, 0, 1_000))
    return spec


def test_the_job_detail_carries_the_preview(master, staff_client, read_client):
    first = _upload(staff_client, small_spec())
    assert staff_client.post(f"/api/v1/imports/{first['id']}/confirm/").json()["status"] == "done"
    spec = small_spec(city=None)
    spec.sections[1].rows[0].disbursed_nsdp = 190_000
    job = _upload(staff_client, spec, name="sua.xlsx")

    detail = read_client.get(f"/api/v1/imports/{job['id']}/").json()

    summary = detail["summary"]
    assert summary["replaces"].startswith("Thay số liệu ngày 20/07/2024 của: 7 đơn vị")
    assert {"units_kept", "units_replaced", "units_new_on_date", "units_unchanged", "changes_total"} <= set(summary)
    assert summary["to_confirm"] == [] and summary["unknown_names"] == []
    kien_thuy = next(c for c in summary["changes"] if c["unit"] == "huyện Kiến Thụy")
    assert (kien_thuy["old_disbursed"], kien_thuy["old_ratio"]) == (183_384 * 10**6, "67.91")
    assert (kien_thuy["new_disbursed"], kien_thuy["new_ratio"]) == (190_000 * 10**6, "70.37")
    assert summary["changes_total"] == 1
    assert detail["accepted"] == [] and detail["resolutions"] == {}


def test_unknown_names_are_resolved_through_the_job_and_matched_next_time(master, staff_client, staff_user):
    job = _upload(staff_client, _unknown_spec())
    assert job["status"] == "failed" and job["unknown_name_count"] == 2
    detail = staff_client.get(f"/api/v1/imports/{job['id']}/").json()
    gt_choice = next(u for u in detail["summary"]["unknown_names"] if u["name"] == GT_SHORT)
    gt = Investor.objects.get(code="BQL-GT")
    assert gt_choice["candidates"][0] == {"id": gt.id, "name": gt.name}

    response = staff_client.post(
        f"/api/v1/imports/{job['id']}/resolve/",
        [
            {"name": GT_SHORT, "action": "map", "unit_id": gt.id},
            {"name": NEW_BOARD, "action": "create", "kind": "board"},
        ],
        format="json",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "needs_confirmation" and body["error_count"] == 0 and body["unknown_name_count"] == 0
    assert body["resolutions"][f"investor:{GT_SHORT}"]["unit_id"] == gt.id
    assert body["resolutions"][f"investor:{NEW_BOARD}"]["by"] == staff_user.username
    assert InvestorAlias.objects.get(name=GT_SHORT).investor == gt

    confirmed = staff_client.post(f"/api/v1/imports/{job['id']}/confirm/", {}, format="json")
    assert confirmed.json()["status"] == "done"
    # The next week's file, with the same spellings, checks clean at once.
    later = _upload(staff_client, _unknown_spec("(Số liệu tính đến hết ngày 27/7/2024)"), name="tuan-sau.xlsx")
    assert later["status"] == "needs_confirmation" and later["error_count"] == 0


def test_resolving_needs_the_permission_to_add_units(master, staff_client, write_client):
    job = _upload(staff_client, _unknown_spec())
    items = [{"name": NEW_BOARD, "action": "create", "kind": "board"}]
    counts = (Investor.objects.count(), InvestorAlias.objects.count())

    assert write_client.post(f"/api/v1/imports/{job['id']}/resolve/", items, format="json").status_code == 403
    ensure_roles()
    viewer = UserFactory(is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWER))
    viewer_client = APIClient()
    viewer_client.force_login(viewer)
    response = viewer_client.post(f"/api/v1/imports/{job['id']}/resolve/", items, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"

    assert (Investor.objects.count(), InvestorAlias.objects.count()) == counts
    assert ImportJob.objects.get(pk=job["id"]).resolutions == {}


@pytest.mark.parametrize(
    "items",
    [
        [{"name": NEW_BOARD, "action": "map"}],
        [{"name": "Sở Không Có", "action": "create", "kind": "board"}],
        [{"name": NEW_BOARD, "action": "create", "kind": "district_committee"}],
        {"name": NEW_BOARD},
    ],
)
def test_a_bad_resolution_is_a_400_and_writes_nothing(master, staff_client, items):
    job = _upload(staff_client, _unknown_spec())
    counts = (Investor.objects.count(), InvestorAlias.objects.count())
    response = staff_client.post(f"/api/v1/imports/{job['id']}/resolve/", items, format="json")
    assert response.status_code == 400, response.content
    assert (Investor.objects.count(), InvestorAlias.objects.count()) == counts


def test_implausible_figures_are_accepted_by_key_only(master, write_client, read_client):
    spec = small_spec(city=None)
    spec.sections[1].rows[1].ratio = 67.9  # its figures give 66,39%
    job = _upload(write_client, spec)
    assert job["to_confirm_count"] == 1
    (item,) = read_client.get(f"/api/v1/imports/{job['id']}/errors/", {"kind": "to_confirm"}).json()["results"]
    assert item["cell"] == "I15" and item["key"] == "ratio_mismatch:Giai ngan:I15"

    refused = write_client.post(f"/api/v1/imports/{job['id']}/confirm/", {}, format="json").json()
    assert refused["status"] == "needs_confirmation" and refused["to_confirm_count"] == 1
    assert not Snapshot.objects.exists()

    done = write_client.post(f"/api/v1/imports/{job['id']}/confirm/", {"accept": [item["key"]]}, format="json")
    assert done.json()["status"] == "done" and done.json()["accepted"] == [item["key"]]
    assert Snapshot.objects.count() == 1


def test_errors_are_bounded_with_their_total(master, write_client, read_client, settings):
    settings.IMPORT_MAX_STORED_ERRORS = 2
    spec = small_spec(city=None)
    for number in range(4):
        spec.sections[0].rows.append(Row(f"Sở Không Có Thật {number}", 0, 10, 0, 1))
    job = _upload(write_client, spec)

    assert job["error_count"] == 4
    messages = read_client.get(f"/api/v1/imports/{job['id']}/errors/", {"kind": "error"}).json()
    assert len(messages["results"]) == 2 and messages["errors_total"] == 4
    assert messages["errors_more"] == "và 2 lỗi khác"
