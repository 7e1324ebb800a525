"""Mapping an unknown name in a real browser: type part of a unit's name without marks, pick it, save."""

from __future__ import annotations

import pytest

from districts.models import District
from tests.builders import Row, build_workbook, small_spec
from tests.factories import DistrictFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UNKNOWN = "huyện Hải Thành Mới"


def wait_for_status(page, wanted: set[str]) -> str:
    # The job page refreshes itself while the job runs (selectors only: the page's CSP forbids evaluated scripts).
    page.wait_for_selector(", ".join(f"#job-status[data-status='{s}']" for s in sorted(wanted)), timeout=60_000)
    return page.get_attribute("#job-status", "data-status")


def test_type_pick_and_save_a_unit_for_an_unknown_name(page, live_server, staff_login, screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for i in range(60):
        DistrictFactory(name=f"Xã số {i}", kind="xa", order=100 + i)
    # Last in order: not among the first units offered before anything is typed.
    target = DistrictFactory(name="Đồ Sơn", kind="quan", order=500)
    spec = small_spec(city=None)
    spec.sections[0].rows = []
    spec.sections[1].rows = [Row(UNKNOWN, 0, 9_000, 0, 3_000)]
    workbook = tmp_path / "giai-ngan.xlsx"
    workbook.write_bytes(build_workbook(spec))

    staff_login(page)
    page.goto(f"{live_server.url}/admin/disbursement/snapshot/import/")
    page.set_input_files("#id_file", str(workbook))
    page.click("#import-form input[type=submit]")
    assert wait_for_status(page, {"failed", "needs_confirmation"}) == "failed"

    page.check("input[name='resolve-0-action'][value='map']")
    page.click("select[name='resolve-0-unit'] + .select2 .select2-selection")
    page.wait_for_selector(".select2-results__option:has-text('xã Xã số 0')")
    assert page.locator(".select2-results__option:has-text('quận Đồ Sơn')").count() == 0
    page.fill(".select2-search__field", "do son")
    page.wait_for_selector(".select2-results__option:has-text('quận Đồ Sơn')")
    assert page.locator(".select2-results__option").all_inner_texts() == ["quận Đồ Sơn"]
    screenshot(page, "import-unit-search")
    page.click(".select2-results__option:has-text('quận Đồ Sơn')")
    page.click("#resolve-form input[type=submit]")

    assert wait_for_status(page, {"failed", "needs_confirmation"}) == "needs_confirmation"
    assert District.objects.get(pk=target.pk).aliases.filter(name=UNKNOWN).exists()
