"""Mapping an unknown name to an existing unit: a search box over the units valid on the file's date, usable with
50,000 units (the page never lists them; the search returns a page at a time)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.names import normalize_name
from disbursement.access import VIEWER
from disbursement.models import ImportJob
from districts.models import District
from tests.builders import Row, build_workbook, small_spec

UPLOAD = "admin:disbursement_snapshot_import"
JOB = "admin:disbursement_snapshot_import_job"
UNITS = "admin:disbursement_snapshot_import_units"
UNKNOWN = "huyện Kiến Thuỵ Mới"


pytestmark = pytest.mark.usefixtures("uploads_in_tmp")


def _units(count: int) -> None:
    """`count` units valid in 2024, one of them Kiến Thụy; one more that ended in 2019."""
    units = [District(code=f"X{i:05d}", name=f"Xã số {i}", kind="xa", order=100) for i in range(count - 1)]
    units.append(District(code="KT", name="Kiến Thụy", kind="huyen", order=11))
    units.append(District(code="OLD", name="Kiến Thụy Cũ", kind="huyen", valid_to=dt.date(2019, 12, 31)))
    for unit in units:
        unit.name_key = normalize_name(unit.name)
        unit.level = District.level_of(unit.kind)
    District.objects.bulk_create(units, batch_size=5_000)


@pytest.fixture
def many_units(db):
    _units(50_000)


@pytest.fixture
def few_units(db):
    _units(50)


def _job(client) -> ImportJob:
    spec = small_spec(city=None)
    spec.sections[0].rows = []
    spec.sections[1].rows = [Row(UNKNOWN, 0, 9_000, 0, 3_000)]
    response = client.post(reverse(UPLOAD), {"file": SimpleUploadedFile("giai-ngan.xlsx", build_workbook(spec))})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _search(client, job, **params) -> dict:
    response = client.get(reverse(UNITS, args=[job.pk]), {"level": "district", **params})
    assert response.status_code == 200
    return response.json()


def _names(found: dict) -> list[str]:
    return [r["text"] for r in found["results"] if "id" in r]


def test_the_job_page_offers_a_search_box_not_every_unit(many_units, admin_client_vi):
    job = _job(admin_client_vi)
    response = admin_client_vi.get(reverse(JOB, args=[job.pk]))
    html = response.content.decode()

    select = html[html.index('name="resolve-0-unit"') :].split("</select>")[0]
    assert "admin-autocomplete" in html[html.rindex("<select", 0, html.index('name="resolve-0-unit"')) :][:300]
    assert select.count("<option") <= 5 and "Kiến Thụy" in select
    assert "Xã số 4" not in html
    assert len(html) < 100_000
    assert "admin/js/vendor/select2/select2.full.min.js" in html


def test_the_search_finds_a_unit_typed_without_marks_and_pages_through_the_rest(many_units, admin_client_vi):
    job = _job(admin_client_vi)

    assert _names(_search(admin_client_vi, job, term="kien thuy")) == ["huyện Kiến Thụy"]
    first = _search(admin_client_vi, job, term="Xã số 4999")
    assert _names(first)[:2] == ["xã Xã số 4999", "xã Xã số 49990"] and len(_names(first)) == 10
    page_one = _search(admin_client_vi, job, term="so", page=1)
    page_two = _search(admin_client_vi, job, term="so", page=2)
    assert len(_names(page_one)) == len(_names(page_two)) == 20
    assert page_one["pagination"]["more"] and not set(_names(page_one)) & set(_names(page_two))


def test_before_typing_the_closest_units_come_first_and_ended_units_are_never_offered(few_units, admin_client_vi):
    job = _job(admin_client_vi)

    found = _search(admin_client_vi, job, name=0)
    assert found["results"][0]["text"] == "Gần giống nhất"
    assert found["results"][0]["children"][0]["text"] == "huyện Kiến Thụy"
    assert "huyện Kiến Thụy Cũ" not in _names(_search(admin_client_vi, job, term="Kiến Thụy"))


def test_the_chosen_unit_takes_the_name(few_units, admin_client_vi):
    job = _job(admin_client_vi)
    (unit_id,) = [r["id"] for r in _search(admin_client_vi, job, term="Kien Thuy")["results"]]
    admin_client_vi.post(
        reverse(JOB, args=[job.pk]),
        {
            "resolve-count": "1",
            "resolve-0-name": UNKNOWN,
            "resolve-0-level": "district",
            "resolve-0-action": "map",
            "resolve-0-unit": str(unit_id),
        },
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_CONFIRMATION
    assert District.objects.get(pk=unit_id).aliases.filter(name=UNKNOWN).exists()


def test_a_viewer_cannot_search(few_units, admin_client_vi, client, role_user):
    job = _job(admin_client_vi)
    client.force_login(role_user(VIEWER))
    assert client.get(reverse(UNITS, args=[job.pk]), {"level": "district", "term": "kien"}).status_code == 403
