"""The admin's import preview says what will change before anything is written, asks for each implausible
figure on its own, and resolves unknown names in place."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disbursement.access import EDITOR, VIEWER
from disbursement.models import ImportJob, Snapshot
from investors.models import Investor, InvestorAlias
from tests.builders import DISTRICT_ROWS, SECTION_B, Row, SectionSpec, build_workbook, load_master_data, small_spec
from tests.disbursement.importing.helpers import run, written
from tests.factories import UserFactory

UPLOAD = "admin:disbursement_snapshot_import"
JOB = "admin:disbursement_snapshot_import_job"
CONFIRM = "admin:disbursement_snapshot_import_confirm"


pytestmark = pytest.mark.usefixtures("uploads_in_tmp")


@pytest.fixture
def master(db):
    load_master_data()


def _upload(client, spec, name="giai-ngan.xlsx") -> ImportJob:
    response = client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, build_workbook(spec))})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _page(client, job) -> str:
    response = client.get(reverse(JOB, args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_preview_says_what_the_file_replaces_and_each_change_before_anything_is_written(master, admin_client_vi):
    assert run(build_workbook(small_spec()), name="tong-hop.xlsx").status == "imported"
    # The district list re-sent for the same date: Kiến Thụy corrected, Bạch Long Vĩ left out.
    rows = [Row(**vars(r)) for r in DISTRICT_ROWS[:2]]
    rows[0].disbursed_nsdp = 190_000
    spec = small_spec(city=None, sections=[SectionSpec("B", SECTION_B, rows)])
    before = written()

    job = _upload(admin_client_vi, spec)
    html = _page(admin_client_vi, job)
    text = _text(html)

    assert 'data-status="needs_confirmation"' in html
    assert "Thay số liệu ngày 20/07/2024 của: 2 đơn vị" in text
    assert "Giữ nguyên 5 đơn vị khác; số liệu toàn thành phố giữ nguyên." in text
    assert re.search(r'id="units-replaced"><strong>2</strong>', html)
    assert re.search(r'id="units-unchanged"><strong>1</strong>', html)
    assert re.search(r'id="units-kept"><strong>5</strong>', html)
    changes = text[text.index("Tỷ lệ theo tệp") :]
    assert "huyện Kiến Thụy 183,384 tỷ đồng (ngày 20/07/2024) 67,9% 190,000 tỷ đồng 70,4%" in changes
    assert "huyện Tiên Lãng" not in changes.split("Cảnh báo")[0]
    assert "huyện Bạch Long Vĩ" in html[html.index('id="missing-units"') :].split("</p>")[0]
    assert ">None<" not in html
    assert written() == before


def test_each_implausible_figure_has_its_own_checkbox_and_only_checked_items_pass(master, admin_client_vi):
    spec = small_spec(city=None)
    spec.sections[0].rows[2] = Row("Sở Y tế", 0, 40, 0, 43)  # 107,5% of its plan
    spec.sections[1].rows[1].ratio = 67.9  # its figures give 66,39%
    job = _upload(admin_client_vi, spec)
    html = _page(admin_client_vi, job)

    keys = re.findall(r'<input type="checkbox" name="accept" value="([^"]+)"', html)
    assert sorted(keys) == ["ratio_above_plan:Giai ngan:F11", "ratio_mismatch:Giai ngan:I15"]
    assert "107,50%" in html and "67,9%" in html

    response = admin_client_vi.post(reverse(CONFIRM, args=[job.pk]), {"accept": ["ratio_mismatch:Giai ngan:I15"]})
    html = admin_client_vi.get(response["Location"]).content.decode()
    assert "còn 01 mục bất thường chưa được xác nhận" in html
    assert re.search(r'value="ratio_mismatch:Giai ngan:I15"[^>]*checked', html)
    assert not re.search(r'value="ratio_above_plan:Giai ngan:F11"[^>]*checked', html)
    assert not Snapshot.objects.exists()

    admin_client_vi.post(reverse(CONFIRM, args=[job.pk]), {"accept": keys})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert sorted(job.accepted) == sorted(keys)
    assert Snapshot.objects.count() == 1


def test_unknown_names_are_mapped_or_created_in_the_preview_and_matched_next_time(master, client, role_user):
    editor = role_user(EDITOR)
    client.force_login(editor)
    spec = small_spec(city=None)
    spec.sections[0].rows[3].name = "Ban QLDA các công trình GT"
    spec.sections[0].rows.append(Row("Ban Quản lý dự án phát triển đô thị", 0, 5_000, 0, 1_000))
    job = _upload(client, spec)
    html = _page(client, job)

    assert 'id="resolve-form"' in html
    names = dict(re.findall(r'name="resolve-(\d+)-name" value="([^"]+)"', html))
    by_name = {name: index for index, name in names.items()}
    gt = Investor.objects.get(code="BQL-GT")
    select = html[html.index(f'name="resolve-{by_name["Ban QLDA các công trình GT"]}-unit"') :].split("</select>")[0]
    # The closest unit comes first (chosen unless another is searched for).
    assert select.index(f'<option value="{gt.id}">{gt.name}</option>') == select.index("<option")

    response = client.post(
        reverse(JOB, args=[job.pk]),
        {
            "resolve-count": "2",
            f"resolve-{by_name['Ban QLDA các công trình GT']}-name": "Ban QLDA các công trình GT",
            f"resolve-{by_name['Ban QLDA các công trình GT']}-level": "investor",
            f"resolve-{by_name['Ban QLDA các công trình GT']}-action": "map",
            f"resolve-{by_name['Ban QLDA các công trình GT']}-unit": str(gt.id),
            f"resolve-{by_name['Ban Quản lý dự án phát triển đô thị']}-name": "Ban Quản lý dự án phát triển đô thị",
            f"resolve-{by_name['Ban Quản lý dự án phát triển đô thị']}-level": "investor",
            f"resolve-{by_name['Ban Quản lý dự án phát triển đô thị']}-action": "create",
            f"resolve-{by_name['Ban Quản lý dự án phát triển đô thị']}-kind": "board",
        },
    )
    assert response.status_code == 302
    html = _page(client, job)
    assert 'data-status="needs_confirmation"' in html and "Lỗi (00)" in html
    assert 'id="resolve-form"' not in html
    assert InvestorAlias.objects.get(name="Ban QLDA các công trình GT").investor == gt
    assert Investor.objects.get(name="Ban Quản lý dự án phát triển đô thị").kind == "board"

    client.post(reverse(CONFIRM, args=[job.pk]))
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE
    later = run(build_workbook(small_spec(city=None, sections=spec.sections, date_line="(đến hết ngày 27/7/2024)")))
    assert later.status == "imported", [str(e) for e in later.errors + later.to_confirm]


def test_without_the_permission_to_add_units_names_cannot_be_resolved(master, client, role_user):
    # May import, may not add investors or aliases.
    importer = UserFactory(is_staff=True)
    importer.user_permissions.add(Permission.objects.get(codename="add_snapshot"))
    client.force_login(importer)
    spec = small_spec(city=None)
    spec.sections[0].rows.append(Row("Ban Quản lý dự án phát triển đô thị", 0, 5_000, 0, 1_000))
    job = _upload(client, spec)
    html = _page(client, job)
    assert 'id="resolve-form"' not in html and "Bạn không có quyền thêm tên gọi khác" in html
    investors, aliases = Investor.objects.count(), InvestorAlias.objects.count()

    post = {
        "resolve-count": "1",
        "resolve-0-name": "Ban Quản lý dự án phát triển đô thị",
        "resolve-0-level": "investor",
        "resolve-0-action": "create",
        "resolve-0-kind": "board",
    }
    assert client.post(reverse(JOB, args=[job.pk]), post).status_code == 403

    client.force_login(role_user(VIEWER))
    assert client.post(reverse(JOB, args=[job.pk]), post).status_code == 403
    assert (Investor.objects.count(), InvestorAlias.objects.count()) == (investors, aliases)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.resolutions == {}


def test_the_errors_kept_are_bounded_and_the_page_says_how_many_more(master, admin_client_vi, settings):
    settings.IMPORT_MAX_STORED_ERRORS = 3
    spec = small_spec(city=None)
    for number in range(5):
        spec.sections[0].rows.append(Row(f"Sở Không Có Thật {number}", 0, 10, 0, 1))
    job = _upload(admin_client_vi, spec)

    assert len(job.errors) == 3 and job.errors_total == 5
    # Every unknown name is still offered for resolution, not only the stored errors'.
    assert len(job.summary["unknown_names"]) == 5
    text = _text(_page(admin_client_vi, job))
    assert "Lỗi (05)" in text and "và 2 lỗi khác" in text
