"""Run an import through the upload form in a real browser: upload, preview, confirm, rankings."""

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAMPLE = Path(settings.BASE_DIR) / "disbursement" / "sample" / "giai-ngan-2024-07-20.xlsx"
FINISHED = {"done", "failed", "duplicate", "needs_confirmation"}


def wait_for_status(page, wanted: set[str], timeout_ms: int = 60_000) -> str:
    # The job page refreshes itself while the job runs.
    page.wait_for_function(
        "wanted => wanted.includes(document.querySelector('#job-status')?.dataset.status)",
        arg=sorted(wanted),
        timeout=timeout_ms,
    )
    return page.get_attribute("#job-status", "data-status")


def test_upload_preview_and_confirm_the_sample_workbook(page, live_server, staff_login, screenshot):
    pytest.importorskip("disbursement.importing.services", reason="the importer is not in this build")
    loader = pytest.importorskip("disbursement.sample.loader")
    # Districts, investors and citywide plans of the sample city; the workbook itself comes through the form.
    loader.load_master_data()
    staff_login(page)
    page.click("#staff-tools a[href$='/snapshot/import/']")
    page.set_input_files("#id_file", str(SAMPLE))
    screenshot(page, "import-upload")
    page.click("#import-form input[type=submit]")

    status = wait_for_status(page, FINISHED)
    screenshot(page, "import-preview")
    assert status == "needs_confirmation", page.inner_text("#content-main")
    assert page.locator("table.issues-error").count() == 0

    page.click("#confirm-form input[type=submit]")
    assert wait_for_status(page, {"done", "failed"}) == "done"
    screenshot(page, "import-done")

    page.click("#snapshot-link")
    page.wait_for_selector("svg.chart-bar rect.bar")
    assert page.locator("#rankings tbody tr").count() > 1
    screenshot(page, "import-rankings")
