"""Browser-test harness: the real server, the real index, real headless Chromium.

A session fixture ingests the seed reports (plus a few generated ones, so that paging has pages)
into a temporary data directory, starts `python -m app serve` as a subprocess on a free port and
waits for /healthz. Pages are driven with Playwright against Debian's /usr/bin/chromium (never a
downloaded browser). Every request a page makes is recorded; any request to a host other than the
test server is aborted and fails the test. Console CSP violations fail the test too: the pages must
work under `default-src 'self'` with no inline script or style.

Screenshots go to test-artifacts/ (gitignored), for a person to look at.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("SIJILL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"phone": 375, "desktop": 1280}
SERVER_START_TIMEOUT = 60.0

#: Number of generated extra reports ingested beside the seeds, so that paging with a small
#: per_page has several pages for a common word.
EXTRA_REPORTS = 7


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test, even if a test forgets the marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: A source URL and a glued run of words longer than any phone screen: the pages must wrap them.
LONG_URL = "https://example.org/archive/aleppo/2016/11/" + "eastern-neighbourhoods-shelling-report-" * 4 + "full-text.html"
GLUED = "الولاياتالمتحدةوروسياوتركياوإيرانوالأممالمتحدةومجلسالأمنالدوليوالاتحادالأوروبي"


def _extra_reports(directory: Path) -> None:
    """Write a few short Arabic reports (with a manifest) that all mention حلب.

    They are built from distinct sentences so each has its own content ID; dates are spread over
    November 2016 so the timeline and the date filter have something to show. The first carries a
    very long source URL and a long glued word, as scraped reports do.
    """
    places = ["الشعار", "بستان القصر", "الصاخور", "الكلاسة", "السكري", "الفردوس", "صلاح الدين",
              "المشهد", "الأنصاري", "طريق الباب"]
    directory.mkdir(parents=True, exist_ok=True)
    rows = ["file,published,date_basis,language,source,url"]
    for i in range(EXTRA_REPORTS):
        place = places[i % len(places)]
        day = 10 + i * 3
        text = (
            f"تقرير ميداني رقم {i + 1} من حلب: قصف مدفعي استهدف حي {place} في القسم الشرقي من المدينة "
            f"صباح اليوم، وأفاد مسعفون بسقوط جرحى بين المدنيين ونزوح عشرات العائلات نحو الأحياء المجاورة.\n\n"
            f"وقال شاهد عيان إن الطرق المؤدية إلى حي {place} باتت مقطوعة، وإن المستشفى الميداني "
            f"يعمل بطاقة محدودة بسبب نقص الوقود والأدوية.\n"
        )
        url = f"https://example.org/aleppo/report-{i + 1}"
        if i == 0:
            text += f"\nنص ملتصق كما ورد من المصدر: {GLUED} ورابطه {LONG_URL}\n"
            url = LONG_URL
        name = f"extra_{i:02d}.txt"
        (directory / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},2016-11-{day:02d},stated,ar,مراسل ميداني,{url}")
    (directory / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@dataclass
class Server:
    base_url: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def get_json(self, path: str):
        with urllib.request.urlopen(self.url(path), timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does) to run browser tests")
    tmp = tmp_path_factory.mktemp("sijill-browser")
    data_dir = tmp / "data"
    extra = tmp / "extra"
    _extra_reports(extra)
    env = dict(os.environ)
    env["SIJILL_DATA_DIR"] = str(data_dir)
    env.pop("SIJILL_DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    _run([sys.executable, "-m", "app", "ingest", str(SEEDS), str(extra)], env, "ingest")

    port = _free_port()
    log_path = tmp / "server.log"
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    srv = Server(f"http://127.0.0.1:{port}", data_dir, proc, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"server exited with {proc.returncode} before it was ready:\n{srv.log()}")
        try:
            health = srv.get_json("/healthz")
            break
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            if time.monotonic() > deadline:
                proc.terminate()
                log.close()
                raise RuntimeError(f"server not ready after {SERVER_START_TIMEOUT}s:\n{srv.log()}")
            time.sleep(0.2)
    assert health, "healthz returned nothing"
    try:
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser(server):
    """One Chromium per test module. Module scope, not session: Playwright's sync API allows one
    running instance per thread, and other test modules start their own."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright==1.65.2)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Traffic:
    """What a browser context asked for, and what went wrong on its pages."""

    allowed_origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.foreign, f"requests left the server: {self.foreign}"
        csp = [m for m in self.console_errors if "Content Security Policy" in m or "Refused to" in m]
        assert not csp, f"CSP violations: {csp}"
        assert not self.page_errors, f"JavaScript errors: {self.page_errors}"


def _is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin and parts.hostname == "127.0.0.1"


@pytest.fixture
def make_page(browser, server):
    """Factory: a fresh context+page at a given width (and colour scheme), with traffic recorded.

    Every page is checked when the test ends: no request left the server, no CSP violation, no
    JavaScript error.
    """
    made: list[tuple[object, Traffic]] = []

    def make(width: int = WIDTHS["desktop"], height: int = 900, color_scheme: str = "light",
             java_script_enabled: bool = True):
        traffic = Traffic(server.base_url)
        ctx = browser.new_context(
            viewport={"width": width, "height": height},
            locale="ar",
            color_scheme=color_scheme,
            java_script_enabled=java_script_enabled,
            service_workers="block",
        )

        def route(r):
            url = r.request.url
            traffic.requests.append(url)
            if _is_local(url, server.base_url):
                r.continue_()
            else:
                traffic.foreign.append(url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("console", lambda m: traffic.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: traffic.page_errors.append(str(e)))
        page.set_default_timeout(15_000)
        made.append((ctx, traffic))
        page.traffic = traffic  # type: ignore[attr-defined]
        return page

    yield make
    try:
        for _, traffic in made:
            traffic.assert_clean()
    finally:
        for ctx, _ in made:
            ctx.close()


@pytest.fixture
def page(make_page):
    """A desktop-width page."""
    return make_page()


# --------------------------------------------------------------------------- checks used by tests


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core on the current page; return the violations of the given impacts.

    axe is evaluated through the DevTools protocol (page.evaluate), which the page's CSP does not
    govern, so the check does not need 'unsafe-inline' and the app's CSP stays strict.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, html: n.html.slice(0, 200),
                                                       summary: n.failureSummary}))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def horizontal_overflow(page) -> dict | None:
    """None if the page does not scroll sideways; else the widths and the widest offenders."""
    info = page.evaluate(
        """() => {
            const de = document.documentElement;
            const out = {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, offenders: []};
            if (de.scrollWidth <= de.clientWidth) return out;
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.right > de.clientWidth + 1 || r.left < -1) {
                    out.offenders.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
                                       ' [' + Math.round(r.left) + ',' + Math.round(r.right) + ']');
                    if (out.offenders.length >= 8) break;
                }
            }
            return out;
        }"""
    )
    return None if info["scrollWidth"] <= info["clientWidth"] else info


def arabic_font_loaded(page) -> bool:
    """True when the subset Naskh face is loaded and used for Arabic text."""
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Sijill Naskh');
            return faces.some(f => f.status === 'loaded') && document.fonts.check('16px "Sijill Naskh"', 'حلب');
        }"""
    )


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def checks():
    """The page checks above, as a fixture (so test modules need not import conftest)."""
    return SimpleNamespace(axe_violations=axe_violations, horizontal_overflow=horizontal_overflow,
                           arabic_font_loaded=arabic_font_loaded, screenshot=screenshot, widths=WIDTHS)
