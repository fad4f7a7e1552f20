"""The citation's copy button in a real headless Chromium against a real `sijill serve`."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_server import server  # noqa: F401  (the real uvicorn fixture)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")]


def test_the_copy_button_copies_the_citation(server, seed_ids):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server + f"/reports/{seed_ids['004']}")
        citation = page.locator("textarea#citation").input_value()
        assert f"/reports/{seed_ids['004']}" in citation and "sha256" in citation
        button = page.locator("button[data-copy=citation]")
        assert button.is_visible()  # hidden only without JavaScript
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == citation
        assert button.inner_text() == "نُسخ"
        assert not [e for e in errors if "Content Security Policy" in e]
        # without JavaScript the button stays hidden and the text stays selectable
        nojs = browser.new_page(java_script_enabled=False)
        nojs.goto(server + f"/reports/{seed_ids['004']}")
        assert not nojs.locator("button[data-copy=citation]").is_visible()
        assert nojs.locator("textarea#citation").input_value() == citation
        browser.close()
