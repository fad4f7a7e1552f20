"""The timeline and the report page's date marks in a real headless Chromium against a real
`sijill serve`: bars are drawn, reachable by keyboard, and narrow the results; the CSP lets it all
through (no inline styles or scripts)."""
from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from app.dates.hijri import arabic_digits

from tests.web.test_server import server  # noqa: F401  (the real uvicorn fixture)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")]


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        pg = browser.new_page(java_script_enabled=False)  # the timeline must work without JS
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.errors = errors
        yield pg
        browser.close()


def test_timeline_bars_are_drawn_and_keyboard_links_narrow_the_results(server, page):  # noqa: F811
    page.goto(server + "/reports?from=2016-11-01")
    api = httpx.get(server + "/api/reports", params={"from": "2016-11-01"}).json()
    nonempty = [b for b in api["histogram"] if b["count"]]
    bars = page.locator("figure.timeline svg a.bar")
    assert bars.count() == len(nonempty) == 5
    heights = [page.locator("figure.timeline svg a.bar rect").nth(i).bounding_box()["height"]
               for i in range(bars.count())]
    assert all(h > 10 for h in heights)
    # chronological order runs right to left, as the page reads
    xs = [page.locator("figure.timeline svg a.bar rect").nth(i).bounding_box()["x"] for i in range(bars.count())]
    assert xs == sorted(xs, reverse=True)
    # Tab through the page until a bar has focus, then follow it with Enter
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.getAttribute('class')") == "bar":
            break
    else:
        pytest.fail("no timeline bar is reachable with the keyboard")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = nonempty[0]
    assert f"from={first['start']}" in page.url and f"to={first['end']}" in page.url
    assert label.endswith(f"عدد التقارير {arabic_digits(first['count'])}")  # the interface's digits
    assert page.locator("ol.results li.result").count() == first["count"]
    assert not [e for e in page.errors if "Content Security Policy" in e]


def test_date_marks_link_to_their_resolved_values(server, page, seed_ids):  # noqa: F811
    page.goto(server + f"/reports/{seed_ids['001']}")
    marks = page.locator("a.date-mention")
    assert marks.count() == 7
    assert marks.first.inner_text() == "اليوم الخميس"
    marks.nth(2).click()
    assert page.url.endswith("#date-3")
    row = page.locator("tr#date-3")
    assert "15 نونبر الماضي" in row.inner_text() and "2016-11-15" in row.inner_text()
    assert re.search(r"[٠-٩]+ صفر ١٤٣٨ هـ", row.inner_text())
    assert "(تاريخ تقديري)" in page.locator("table.meta-table").inner_text()
    assert not [e for e in page.errors if "Content Security Policy" in e]
