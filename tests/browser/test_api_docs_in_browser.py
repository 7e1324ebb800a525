"""The API documentation pages render in a real browser from the service's own assets, without a login
(they are public by default: a browser cannot send an API key)."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(
    ("path", "operation_selector", "name"),
    [("/api/v1/docs/", ".opblock-summary-path", "api-docs-swagger"), ("/api/v1/redoc/", "h2", "api-docs-redoc")],
)
def test_documentation_renders_without_leaving_the_service(
    page, live_server, screenshot, path, operation_selector, name
):
    fetched, failed = set(), []
    page.on("response", lambda response: fetched.add(urlsplit(response.url)[:2]))
    page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))

    page.goto(live_server.url + path)
    page.wait_for_selector(operation_selector)

    text = page.inner_text("body")
    assert "/api/v1/rankings/" in text or "Xếp hạng" in text
    # Each operation shows its Vietnamese summary.
    assert "Danh sách cảnh báo" in text
    service = urlsplit(live_server.url)[:2]
    assert {address for address in fetched if address[0] in ("http", "https")} == {service}, fetched
    # Only what the page's policy refused (Redoc's remote logo) may fail; nothing of the service's own.
    assert all(reason == "csp" and not url.startswith(live_server.url) for url, reason in failed), failed
    screenshot(page, name)
