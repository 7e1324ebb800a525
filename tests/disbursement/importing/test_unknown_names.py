"""Unknown names are resolved in the preview of the job: mapped to a unit (an alias for next time) or created."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disbursement.access import EDITOR, VIEWER, ensure_roles
from disbursement.importing.jobs import confirm_import_job, create_import_job, resolve_unknown_names
from disbursement.models import ImportJob, SnapshotLine
from districts.models import District, DistrictAlias
from investors.models import Investor, InvestorAlias
from tests.builders import Row, build_workbook, small_spec
from tests.disbursement.importing.helpers import run, written
from tests.factories import UserFactory

GT_SHORT = "Ban QLDA các công trình GT"
NEW_BOARD = "Ban Quản lý dự án phát triển đô thị mới"
NEW_DISTRICT = "huyện Hải Thành"


pytestmark = pytest.mark.usefixtures("uploads_in_tmp")


def _upload(spec, name="giai-ngan.xlsx"):
    data = build_workbook(spec)
    return create_import_job(SimpleUploadedFile(name, data), file_name=name)


def _spec_with_unknown_names(date_line="(Số liệu tính đến hết ngày 20/7/2024)"):
    spec = small_spec(city=None, date_line=date_line)
    spec.sections[0].rows[3].name = GT_SHORT
    spec.sections[0].rows.append(Row(NEW_BOARD, 0, 5_000, 0, 1_000))
    spec.sections[1].rows.append(Row(NEW_DISTRICT, 0, 9_000, 0, 3_000))
    return spec


def _user(role: str):
    ensure_roles()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_the_preview_lists_each_unknown_name_with_the_closest_units(master_data):
    job = _upload(_spec_with_unknown_names())

    assert job.status == ImportJob.Status.FAILED
    names = {u["name"]: u for u in job.summary["unknown_names"]}
    assert set(names) == {GT_SHORT, NEW_BOARD, NEW_DISTRICT}
    gt = names[GT_SHORT]
    assert gt["level"] == "investor" and gt["cells"] == ["Giai ngan!B12"]
    assert gt["candidates"][0]["name"] == "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông"
    assert names[NEW_DISTRICT]["level"] == "district"


def test_mapped_and_created_names_continue_the_preview_and_match_next_time(master_data):
    editor = _user(EDITOR)
    job = _upload(_spec_with_unknown_names())
    gt = Investor.objects.get(code="BQL-GT")

    job = resolve_unknown_names(
        job.id,
        [
            {"name": GT_SHORT, "action": "map", "unit_id": gt.id},
            {"name": NEW_BOARD, "action": "create", "kind": "board"},
            {"name": NEW_DISTRICT, "action": "create", "kind": "huyen"},
        ],
        editor,
    )

    # The same job was previewed again: no error left, waiting for confirmation.
    assert job.status == ImportJob.Status.NEEDS_CONFIRMATION, job.errors
    assert job.errors == [] and job.summary["unknown_names"] == []
    assert InvestorAlias.objects.get(name=GT_SHORT).investor == gt
    board = Investor.objects.get(name=NEW_BOARD)
    assert board.kind == Investor.Kind.BOARD
    district = District.objects.get(name="Hải Thành")
    assert (district.kind, district.valid_from) == (District.Kind.RURAL, dt.date(2024, 1, 1))
    assert job.resolutions[f"investor:{GT_SHORT}"]["unit_id"] == gt.id
    assert job.resolutions[f"investor:{NEW_BOARD}"]["action"] == "create"
    assert job.resolutions[f"district:{NEW_DISTRICT}"]["by"] == editor.username

    confirmed = confirm_import_job(job.id, editor)
    assert confirmed.status == ImportJob.Status.DONE
    assert SnapshotLine.objects.filter(snapshot=confirmed.snapshot, investor=board).exists()

    # Next week's file names them the same way and imports without a question.
    later = run(build_workbook(_spec_with_unknown_names("(Số liệu tính đến hết ngày 27/7/2024)")), name="tuan-sau.xlsx")
    assert later.status == "imported", [str(e) for e in later.errors + later.warnings + later.to_confirm]
    assert SnapshotLine.objects.filter(snapshot=later.snapshot, district=district).exists()


def test_a_viewer_cannot_resolve_names_and_nothing_is_written(master_data):
    viewer = _user(VIEWER)
    job = _upload(_spec_with_unknown_names())
    counts = (Investor.objects.count(), InvestorAlias.objects.count(), District.objects.count(), written())

    with pytest.raises(PermissionDenied):
        resolve_unknown_names(job.id, [{"name": NEW_BOARD, "action": "create", "kind": "board"}], viewer)
    with pytest.raises(PermissionDenied):
        resolve_unknown_names(
            job.id, [{"name": GT_SHORT, "action": "map", "unit_id": Investor.objects.first().id}], viewer
        )

    assert (Investor.objects.count(), InvestorAlias.objects.count(), District.objects.count(), written()) == counts
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.resolutions == {}


def test_one_invalid_item_writes_none_of_them(master_data, staff_user):
    job = _upload(_spec_with_unknown_names())
    aliases, investors = InvestorAlias.objects.count(), Investor.objects.count()

    with pytest.raises(ValidationError):
        resolve_unknown_names(
            job.id,
            [
                {"name": NEW_BOARD, "action": "create", "kind": "board"},
                {"name": NEW_DISTRICT, "action": "create", "kind": "not-a-kind"},
            ],
            staff_user,
        )
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        resolve_unknown_names(job.id, [{"name": "Sở Không Có", "action": "create", "kind": "board"}], staff_user)
    with pytest.raises(ValidationError, match="cần chọn quận, huyện"):
        resolve_unknown_names(
            job.id, [{"name": NEW_BOARD, "action": "create", "kind": "district_committee"}], staff_user
        )

    assert (InvestorAlias.objects.count(), Investor.objects.count()) == (aliases, investors)
    assert not DistrictAlias.objects.filter(name=NEW_DISTRICT).exists()


def test_a_district_no_longer_valid_on_the_date_cannot_take_the_name(master_data, staff_user):
    job = _upload(_spec_with_unknown_names())
    gone = District.objects.create(code="OLD", name="Cũ", kind="huyen", valid_to=dt.date(2019, 12, 31))
    with pytest.raises(ValidationError, match="không còn hiệu lực"):
        resolve_unknown_names(job.id, [{"name": NEW_DISTRICT, "action": "map", "unit_id": gone.id}], staff_user)
    assert not DistrictAlias.objects.filter(district=gone).exists()
