"""Places in a real browser (headless Chromium) against a real `sijill serve`."""
from __future__ import annotations

import pytest

from tests.web.test_server import server  # noqa: F401  (the real uvicorn fixture)

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(locale="ar")
    pg = ctx.new_page()
    pg.console_errors = []
    # Script errors and CSP violations; failed loads are checked by URL (the browser's own
    # /favicon.ico probe is not the app's concern).
    pg.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
          and pg.console_errors.append(m.text))
    pg.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
          and pg.console_errors.append(f"{r.status} {r.url}"))
    yield pg
    ctx.close()


def test_from_the_place_list_to_a_report_and_back_through_a_place_link(page, server, seed_ids):  # noqa: F811
    page.goto(server + "/neighbourhoods")
    page.get_by_role("link", name="قاضي عسكر", exact=True).first.click()
    page.wait_for_url("**/neighbourhoods/qadi-askar")
    assert "قاضي عسكر" in page.locator("h1").inner_text()
    links = page.locator("ol.results h3 a")
    assert links.count() == 1
    links.first.click()
    page.wait_for_url(f"**/reports/{seed_ids['004']}")
    place_link = page.locator('.report-body a.place[href="/neighbourhoods/qadi-askar"]').first
    assert place_link.inner_text() == "قاضي عسكر"
    place_link.click()
    page.wait_for_url("**/neighbourhoods/qadi-askar")
    assert page.locator("table.place-timeline meter").count() >= 1
    assert page.console_errors == []  # no CSP violation, no script error


def test_latin_query_in_the_search_box_and_facet_chips(page, server, seed_ids):  # noqa: F811
    page.goto(server + "/")
    page.fill("#q", "Sakhour")
    page.press("#q", "Enter")
    page.wait_for_url("**/reports?q=Sakhour")
    understood = page.locator(".understood-places").inner_text()
    assert "Sakhour" in understood and "الصاخور" in understood
    assert [a.get_attribute("href") for a in page.locator("ol.results h3 a").all()] == [
        f"/reports/{seed_ids['002']}?q=Sakhour"]
    page.locator(".facets a", has_text="الشعار").first.click()
    page.wait_for_url("**neighbourhood=shaar**")
    chip = page.locator('ul.chips[aria-label="المرشحات النشطة"] li')
    assert chip.count() == 1 and "الشعار" in chip.inner_text()
    chip.locator("a.remove").click()
    page.wait_for_url("**/reports?q=Sakhour")
    assert page.locator('ul.chips[aria-label="المرشحات النشطة"]').count() == 0
    assert page.console_errors == []
