"""/docs in real headless Chromium: Swagger UI renders every operation under the strict CSP,
with no request leaving the server and no CSP violation."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("SIJILL_CHROMIUM", "/usr/bin/chromium"))

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_under_the_csp(live_server, client):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (Debian's chromium package)")
    sync_api = pytest.importorskip("playwright.sync_api")
    operations = len(client.get("/openapi.json").json()["paths"])
    host = urlsplit(live_server).netloc
    foreign, problems = [], []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            def guard(route):
                if urlsplit(route.request.url).netloc != host and not route.request.url.startswith("data:"):
                    foreign.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", guard)
            page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                 "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
            page.goto(live_server + "/docs")
            page.wait_for_selector(".opblock", timeout=20000)
            rendered = page.locator(".opblock").count()
            assert rendered == operations
            # Expanding an operation and trying it out reaches the API from the page (connect-src 'self').
            page.locator(".opblock-summary").first.click()
            assert page.locator(".opblock-body").first.is_visible()
        finally:
            browser.close()
    assert not foreign, foreign
    assert not [p for p in problems if "CSP" in p or "Content Security Policy" in p], problems
    assert not problems, problems
