"""Log in, open the rankings page and see the charts drawn by a real browser."""

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import SCREENSHOTS
from tests.browser.pages import OVERFLOW
from tests.builders import build_ranked_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_rankings_page_shows_table_and_charts(page, live_server, staff_login, screenshot):
    data = build_ranked_year()
    staff_login(page)
    assert "Theo dõi giải ngân vốn đầu tư công" in page.inner_text("#site-name")

    url = reverse("admin:disbursement_snapshot_rankings", args=[data["current"].pk, "city_assigned"])
    page.goto(live_server.url + url)
    page.wait_for_selector("svg.chart-bar")

    names = page.locator("#rankings tbody tr th.unit").all_inner_texts()
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

    page.click("#rankings tbody tr:first-child th.unit a")
    page.wait_for_selector("#history")
    assert "Sở Thử nghiệm A" in page.inner_text("h1")
    assert page.locator("svg.chart-line polyline").count() == 3
    screenshot(page, "unit-history")


def test_rankings_table_sorts_and_searches(page, live_server, staff_login):
    data = build_ranked_year()
    staff_login(page)
    url = reverse("admin:disbursement_snapshot_rankings", args=[data["current"].pk, "city_assigned"])
    page.goto(live_server.url + url)
    page.wait_for_selector("#rankings .sort-button")

    def names():
        return page.locator("#rankings tbody tr:not([hidden]) th.unit").all_inner_texts()

    ratio = page.locator("#rankings thead th", has_text="Tỷ lệ").first
    ratio.locator("button").click()
    assert ratio.get_attribute("aria-sort") == "ascending"
    assert names() == ["Sở Thử nghiệm C", "Sở Thử nghiệm B", "Sở Thử nghiệm A"]
    ratio.locator("button").click()
    assert ratio.get_attribute("aria-sort") == "descending"
    assert names() == ["Sở Thử nghiệm A", "Sở Thử nghiệm B", "Sở Thử nghiệm C"]
    # Sorted by the exact plan, not its display: 100 < 200 < 1.000 tỷ.
    page.locator("#rankings thead th", has_text="Kế hoạch").locator("button").click()
    assert names() == ["Sở Thử nghiệm A", "Sở Thử nghiệm B", "Sở Thử nghiệm C"]

    # Typed without Vietnamese marks, the search still finds the unit.
    page.fill("#rankings-search", "thu nghiem b")
    assert names() == ["Sở Thử nghiệm B"]
    assert page.inner_text("#rankings-count") == "1/3 đơn vị"
    page.fill("#rankings-search", "")
    assert len(names()) == 3


def test_rankings_and_unit_page_print_on_a4_landscape_without_the_admin(page, live_server, staff_login, screenshot):
    data = build_ranked_year()
    staff_login(page)
    rankings = reverse("admin:disbursement_snapshot_rankings", args=[data["current"].pk, "city_assigned"])
    unit = reverse(
        "admin:disbursement_snapshot_unit_history", args=["city_assigned", "investor", data["investors"][0].pk]
    )
    for name, url, table in (("rankings", rankings, "#rankings"), ("unit-page", unit, "#history")):
        # The printable width of A4 landscape with 12 mm margins, in CSS pixels.
        page.set_viewport_size({"width": 1031, "height": 730})
        page.goto(live_server.url + url)
        page.wait_for_selector(table)
        page.emulate_media(media="print")
        overflow = page.evaluate(OVERFLOW)
        assert overflow["scrollWidth"] <= overflow["width"] and not overflow["offenders"], (name, overflow)
        for hidden in ("#header", ".breadcrumbs", "#exports"):
            assert not page.locator(hidden).is_visible(), (name, hidden)
        assert page.locator(table).is_visible() and page.locator("svg.chart").first.is_visible()
        if name == "rankings":
            assert not page.locator("#rankings-search").is_visible() and not page.locator("nav.tabs").first.is_visible()
        screenshot(page, f"{name}-print")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"{name}-print.pdf").write_bytes(pdf)
        # A4 landscape: 842 x 595 points.
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert box and (round(float(box.group(1))), round(float(box.group(2)))) == (842, 595), (name, box)
        page.emulate_media(media="screen")


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
