"""Log in, open the rankings page and see the charts drawn by a real browser."""

import pytest
from django.urls import reverse

from tests.builders import build_ranked_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_rankings_page_shows_table_and_charts(page, live_server, staff_login, screenshot):
    data = build_ranked_year()
    staff_login(page)
    assert "Theo dõi giải ngân vốn đầu tư công" in page.inner_text("#site-name")

    url = reverse("admin:disbursement_snapshot_rankings", args=[data["current"].pk, "city_assigned"])
    page.goto(live_server.url + url)
    page.wait_for_selector("svg.chart-bar")

    names = page.locator("#rankings tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Sở Thử nghiệm A", "Sở Thử nghiệm B", "Sở Thử nghiệm C"]

    bars = page.locator("svg.chart-bar rect.bar")
    assert bars.count() == 3
    widths = [bars.nth(i).bounding_box()["width"] for i in range(3)]
    # Drawn to scale: 60% is wider than 25%, which is wider than 0,5%.
    assert widths[0] > widths[1] > widths[2] > 0
    # The band colours come from the stylesheet: a unit above the stream ratio is not painted like one below.
    fills = [bars.nth(i).evaluate("e => getComputedStyle(e).fill") for i in (0, 2)]
    assert fills[0] != fills[1]

    lines = page.locator("svg.chart-line:not(.chart-small) polyline")
    assert lines.count() == 2
    assert lines.first.bounding_box()["width"] > 0
    # One small chart per unit, each with this year's and last year's curve.
    small = page.locator(".unit-charts svg.chart-small")
    assert small.count() == 3
    assert small.first.locator("polyline").count() == 2
    path = screenshot(page, "rankings")
    assert path.stat().st_size > 10_000

    page.click("#rankings tbody tr:first-child td:nth-child(2) a")
    page.wait_for_selector("#history")
    assert "Sở Thử nghiệm A" in page.inner_text("h1")
    assert page.locator("svg.chart-line polyline").count() == 3
    screenshot(page, "unit-history")


def test_change_log_and_upload_form_are_reachable_from_the_home_page(page, live_server, staff_login, screenshot):
    build_ranked_year()
    staff_login(page)
    page.click("#staff-tools a[href$='/audit/']")
    page.wait_for_selector("#audit")
    assert page.locator("#audit tbody tr").count() > 1
    assert "Tạo mới" in page.inner_text("#audit")
    screenshot(page, "audit-log")
    page.goto(f"{live_server.url}/admin/")
    page.click("#staff-tools a[href$='/snapshot/import/']")
    page.wait_for_selector("#import-form")
    assert "Tệp Excel số liệu giải ngân" in page.inner_text("#import-form")
    screenshot(page, "import-upload-form")
