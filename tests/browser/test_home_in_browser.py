"""The home page in a real browser: light and dark mode, and a 390 px phone, without horizontal
overflow and with readable colours; the digest mail on a phone too. Screenshots kept as artifacts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.money import TY
from disbursement.models import CityPlan, DigestRecipient
from tests.builders import build_ranked_year
from tests.factories import CityPlanRevisionFactory, source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}

# WCAG contrast of an element's text against the first opaque background behind it.
CONTRAST = """
el => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
    node = node.parentElement;
  }
  bg = bg || [255, 255, 255];
  const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""

OVERFLOW = """
scope => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll(scope + ' *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(e).position !== 'fixed';
  }).map(e => {
    const where = (e.closest('[id]') || {}).id || '';
    return `${e.tagName} in #${where}, right edge ${Math.round(e.getBoundingClientRect().right)}`;
  });
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
}
"""


@pytest.fixture
def week_data(db):
    CityPlanRevisionFactory(amount=1000 * TY)
    CityPlanRevisionFactory(
        plan=CityPlan.objects.get_or_create(year=2023, level="city", source=source("nsdp"))[0],
        amount=900 * TY,
        effective_from=dt.date(2023, 1, 1),
    )
    data = build_ranked_year()
    data["staff"] = DigestRecipient.objects.create(name="Phòng Kế hoạch", email="phongkh@example.vn")
    return data


def _no_overflow(page, scope: str = "body"):
    """The page does not scroll sideways, and no element of `scope` reaches past the window's edge."""
    result = page.evaluate(OVERFLOW, scope)
    assert result["scroll"] <= result["width"], result
    assert result["wide"] == [], result


def _readable(page, selector: str) -> float:
    ratio = page.locator(selector).first.evaluate(CONTRAST)
    assert ratio >= 4.5, (selector, ratio)
    return ratio


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_home_page_reads_in_light_and_dark_mode(page, live_server, staff_login, screenshot, week_data, scheme):
    page.emulate_media(color_scheme=scheme)
    staff_login(page)
    page.wait_for_selector("#home")

    assert "Số liệu đến hết ngày 20/07/2024" in page.inner_text("#home-headline")
    for block in ("#home-arrivals", "#home-missing", "#home-flags", "#home-digest", "#home-report"):
        assert page.locator(block).is_visible(), block
    background = page.evaluate("getComputedStyle(document.querySelector('#home-headline')).backgroundColor")
    if scheme == "dark":
        assert background != "rgb(255, 255, 255)"
    for selector in ("#home-headline .home-value", ".home-up", ".home-down", ".home-note", "#home-flags a"):
        _readable(page, selector)
    _no_overflow(page, "#home")
    path = screenshot(page, f"home-{scheme}")
    assert path.stat().st_size > 10_000

    # One click to each page the week needs.
    page.click("#home-flags a[href*='status=open']")
    page.wait_for_selector("#result_list, #changelist")
    page.goto(f"{live_server.url}/admin/")
    page.click("#home-report a[href*='/draft/?snapshot=']")
    page.wait_for_selector(".report-draft")
    assert "20/7/2024" in page.inner_text(".report-draft")


def test_home_page_fits_a_phone(page, live_server, staff_login, screenshot, week_data):
    page.set_viewport_size(PHONE)
    staff_login(page)
    page.wait_for_selector("#home")
    screenshot(page, "home-390")

    _no_overflow(page, "#home")
    # The cards stack: each is as wide as the content, none beside another.
    boxes = [page.locator(f"#{b}").bounding_box() for b in ("home-headline", "home-arrivals", "home-flags")]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    assert all(box["x"] + box["width"] <= PHONE["width"] for box in boxes)


def test_digest_mail_fits_a_phone(page, live_server, staff_login, screenshot, week_data):
    staff_login(page)
    page.set_viewport_size(PHONE)
    url = reverse("admin:disbursement_digestrecipient_preview", args=[week_data["staff"].pk])
    page.goto(f"{live_server.url}{url}?tuan=2024-07-22&dang=html")
    page.wait_for_selector("table.ranking")
    screenshot(page, "digest-mail-390")

    _no_overflow(page)
    assert "Sở Thử nghiệm A" in page.inner_text("table.ranking")

    # The preview page lists the weeks; choosing one shows that week's mail.
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}{url}")
    page.select_option("#id_tuan", "2024-06-24")
    page.click("#digest-week input[type=submit]")
    page.wait_for_selector("#digest-mail")
    frame = page.frame_locator("#digest-mail")
    assert "số liệu đến hết ngày 20/06/2024" in frame.locator("body").inner_text()
    screenshot(page, "digest-preview")
