"""Every staff page of the walk (tests/browser/pages.py) in light and dark mode, on a desktop and a 390 px phone:
drawn, nothing sticking out sideways, band colours readable, chart text uncut; a screenshot of each view."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PASSWORD
from tests.browser.pages import (
    AA_NORMAL_TEXT,
    CHART_TEXT,
    CONTRAST,
    CONTRAST_SELECTORS,
    OVERFLOW,
    PAGES,
    VIEWS,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def logged_in_state(browser, live_server) -> dict:
    """A staff session, logged in through the form once and reused by every view's context."""
    user = UserFactory(is_staff=True, is_superuser=True)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("walked", PAGES, ids=[p.name for p in PAGES])
def test_page_reads_in_every_view(chromium, live_server, screenshot, walked):
    path = walked.setup()
    state = logged_in_state(chromium, live_server)
    problems = []
    for view in VIEWS:
        context = chromium.new_context(
            viewport={"width": view.width, "height": 900},
            color_scheme=view.color_scheme,
            locale="vi-VN",
            storage_state=state,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + path)
        page.wait_for_selector(walked.ready)
        where = f"{walked.name} ({view.name})"
        dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert dark == (view.color_scheme == "dark"), where

        overflow = page.evaluate(OVERFLOW)
        if overflow["scrollWidth"] > overflow["width"] or overflow["offenders"]:
            problems.append(f"{where}: wider than the screen: {overflow}")
        for item in page.evaluate(CONTRAST, CONTRAST_SELECTORS):
            if item["ratio"] < AA_NORMAL_TEXT:
                problems.append(f"{where}: contrast {item['ratio']:.2f} of {item['selector']} '{item['text']}'")
        charts = page.evaluate(CHART_TEXT)
        if charts["cut"] or charts["crossing"]:
            problems.append(
                f"{where}: chart text cut {charts['cut'][:5]} or crossing the line {charts['crossing'][:5]}"
            )
        screenshot(page, f"{walked.name}-{view.name}")
        context.close()
    assert not problems, "\n".join(problems)


def test_band_colours_are_checked_where_they_are_shown(chromium, live_server):
    """The contrast check of the walk reads the band cells and legend: they are there to be read."""
    from tests.browser.pages import _rankings

    path = _rankings()
    state = logged_in_state(chromium, live_server)
    for scheme in ("light", "dark"):
        context = chromium.new_context(color_scheme=scheme, locale="vi-VN", storage_state=state)
        page = context.new_page()
        page.goto(live_server.url + path)
        page.wait_for_selector("#rankings")
        checked = page.evaluate(CONTRAST, CONTRAST_SELECTORS)
        kinds = {item["selector"] for item in checked}
        assert {".legend-band", "td.ratio .band-text"} <= kinds, (scheme, kinds)
        assert len([i for i in checked if i["selector"] == "td.ratio .band-text"]) == 3
        # Light and dark mode paint the band cells differently: the dark set is not the light one.
        background = page.evaluate("getComputedStyle(document.querySelector('tr.band-above td.ratio')).backgroundColor")
        if scheme == "light":
            light_background = background
        else:
            assert background != light_background
        context.close()
