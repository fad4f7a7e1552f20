"""The reading room in real Chromium, used as a person would use it.

Against the real server (seeds + generated reports in a temporary data directory, see conftest):
search by typing, open a result, see highlights and jump to them, filter by date (and by
neighbourhood when the gazetteer knows places), page through results, do it all with the keyboard,
and load every page type at phone and desktop widths without sideways scrolling, with the Arabic
font loaded, nothing fetched from elsewhere and no serious accessibility violation.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app.dates.hijri import arabic_digits

pytestmark = pytest.mark.browser

QUERY = "حلب"  # in every seed and every generated report


def _api(server, path: str) -> dict:
    return server.get_json(path)


def _first_id(server, q: str) -> str:
    return _api(server, f"/api/reports?q={quote(q)}&per_page=1")["results"][0]["id"]


def _result_ids(page) -> list[str]:
    hrefs = page.locator("ol.results li.result .result-title a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [re.search(r"/reports/([0-9a-f]{12})", h).group(1) for h in hrefs]


def _count_text(page) -> str:
    return page.locator("#result-count").inner_text()


def _busiest_place(server) -> str:
    facets = _api(server, f"/api/reports?q={quote(QUERY)}")["facets"]["neighbourhood"]
    return facets[0]["value"]


def _page_types(server) -> dict[str, str]:
    """One URL for every kind of page the reading room has."""
    rid = _first_id(server, QUERY)
    long_id = _first_id(server, "ملتصق")
    return {
        "home": "/",
        "results": f"/reports?q={quote(QUERY)}&per_page=4",
        "browse": "/reports",
        "results-empty": f"/reports?q={quote('زمبركلاتيه')}",
        "report": f"/reports/{rid}?q={quote(QUERY)}",
        "report-plain": f"/reports/{rid}",
        "report-long-tokens": f"/reports/{long_id}",
        "help": "/help",
        "places": "/neighbourhoods",
        "place": f"/neighbourhoods/{_busiest_place(server)}",
        "not-found": "/reports/000000000000",
        "bad-request": "/reports?from=2016-13-45",
    }


# --------------------------------------------------------------------------- searching and reading


def test_type_a_query_open_a_result_and_jump_to_the_first_match(page, server, checks):
    page.goto(server.url("/"))
    box = page.get_by_role("searchbox", name="ابحث في التقارير")
    box.fill("المدنيين")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/reports\?q="))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["المدنيين"]}, "the URL carries only the query"
    assert page.get_by_role("heading", level=1).inner_text() == "نتائج البحث عن «المدنيين»"
    expected = _api(server, f"/api/reports?q={quote('المدنيين')}")["total"]
    assert expected >= 3
    assert arabic_digits(expected) in _count_text(page)
    # snippets highlight whole words of the query family (المدنيين / للمدنيين / مدنيين)
    marks = page.locator("ol.results .snippet mark").all_inner_texts()
    assert marks and all("مدني" in m for m in marks), marks

    first = page.locator("ol.results li.result .result-title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{12}\?q="))
    assert page.get_by_role("heading", level=1).inner_text() == title
    body_marks = page.locator(".report-body mark")
    assert body_marks.count() >= 1
    assert page.locator(".report-body mark").first.get_attribute("id") == "match-1"
    checks.screenshot(page, "flow-report-before-jump")

    page.get_by_role("link", name="انتقل إلى أول تطابق").click()
    page.wait_for_function("location.hash === '#match-1'")
    page.wait_for_function(
        """() => { const r = document.getElementById('match-1').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""")
    # the :target match is set apart from the other highlights
    colours = page.evaluate(
        """() => [...document.querySelectorAll('.report-body mark')].slice(0, 2)
                 .map(m => getComputedStyle(m).backgroundColor)""")
    if len(colours) == 2:
        assert colours[0] != colours[1], "the jumped-to match looks like every other match"
    back = page.get_by_role("link", name=re.compile("العودة إلى نتائج"))
    assert "q=" in back.get_attribute("href")


def test_next_match_moves_focus_through_the_highlights(page, server):
    rid = _first_id(server, QUERY)
    page.goto(server.url(f"/reports/{rid}?q={quote(QUERY)}"))
    total = page.locator(".report-body mark").count()
    assert total >= 2
    nxt = page.get_by_role("button", name="التطابق التالي")
    assert nxt.is_visible(), "JS should reveal the next-match button"
    nxt.click()
    assert page.evaluate("document.activeElement.id") == "match-1"
    nxt.click()
    assert page.evaluate("document.activeElement.id") == "match-2"
    assert page.locator("[data-match-status]").inner_text() == f"التطابق ٢ من {arabic_digits(total)}"
    page.keyboard.press("n")
    expected = "match-3" if total >= 3 else "match-1"  # wraps around after the last
    assert page.evaluate("document.activeElement.id") == expected
    page.keyboard.press("Shift+N")
    assert page.evaluate("document.activeElement.id") == "match-2"
    # the current match is scrolled into view (smoothly, unless reduced motion is asked for)
    page.wait_for_function(
        """() => { const r = document.activeElement.getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""", timeout=5000)


def test_everything_works_without_javascript(make_page, server):
    page = make_page(java_script_enabled=False)
    page.goto(server.url("/"))
    box = page.get_by_role("searchbox", name="ابحث في التقارير")
    box.fill(QUERY)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/reports\?q="))
    assert page.locator("ol.results li.result").count() > 0
    assert page.locator(".snippet mark").count() > 0
    page.locator("ol.results .result-title a").first.click()
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{12}"))
    # the enhancement-only controls stay hidden; the plain link does the job
    assert not page.get_by_role("button", name="التطابق التالي").is_visible()
    page.get_by_role("link", name="انتقل إلى أول تطابق").click()
    page.wait_for_function("location.hash === '#match-1'")
    page.wait_for_function(
        """() => { const r = document.getElementById('match-1').getBoundingClientRect();
                   return r.top >= 0 && r.bottom <= window.innerHeight; }""")


def test_query_as_understood_is_shown(page, server):
    page.goto(server.url(f"/reports?q={quote('في لِلمدنيين')}"))
    understood = page.locator("section.understood")
    assert understood.is_visible()
    terms = understood.locator(".term").all_inner_texts()
    assert len(terms) == 1, terms  # the stopword في is not searched
    # tashkeel stripped in the matching form; the stems are shown too
    assert understood.locator(".term .normalised").inner_text() == "للمدنيين"
    assert understood.locator(".term .stems").inner_text() == "مدن"
    assert "في" in understood.locator(".note").inner_text()


# --------------------------------------------------------------------------- filters and paging


def _result_dates(page) -> list[str]:
    return page.locator("ol.results .result-meta time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")


def test_add_and_remove_a_date_range(page, server):
    all_total = _api(server, "/api/reports")["total"]
    page.goto(server.url("/reports"))
    assert arabic_digits(all_total) in _count_text(page)
    page.get_by_text("التاريخ والترتيب").click()
    page.get_by_label("من تاريخ").fill("2016-11-15")
    page.get_by_label("إلى تاريخ").fill("2016-11-30")
    page.get_by_role("button", name="تطبيق").click()
    page.wait_for_url(re.compile(r"from=2016-11-15"))
    qs = parse_qs(urlsplit(page.url).query)
    assert qs["from"] == ["2016-11-15"] and qs["to"] == ["2016-11-30"]
    assert set(qs) == {"from", "to", "date_field"}, f"unset fields leaked into the URL: {page.url}"
    expected = _api(server, "/api/reports?from=2016-11-15&to=2016-11-30&per_page=100")
    assert 0 < expected["total"] < all_total
    assert arabic_digits(expected["total"]) in _count_text(page)
    dates = _result_dates(page)
    assert dates and all("2016-11-15" <= d <= "2016-11-30" for d in dates), dates
    chip = page.locator(".chips .chip", has_text="تاريخ النشر")
    assert chip.is_visible()
    assert "١٥ تشرين الثاني/نوفمبر ٢٠١٦" in chip.inner_text() and "٣٠ تشرين الثاني/نوفمبر ٢٠١٦" in chip.inner_text()

    chip.get_by_role("link", name="إزالة مرشح التاريخ").click()
    page.wait_for_load_state()
    qs = parse_qs(urlsplit(page.url).query)
    assert "from" not in qs and "to" not in qs
    assert page.locator(".chips").count() == 0
    assert arabic_digits(all_total) in _count_text(page)


def test_timeline_in_the_sidebar_filters_by_period_and_shows_a_chip(page, server):
    api = _api(server, f"/api/reports?q={quote(QUERY)}")
    page.goto(server.url(f"/reports?q={quote(QUERY)}"))
    panel = page.locator("aside.sidebar .timeline-panel")
    assert panel.is_visible()
    bars = panel.locator("svg a.bar")
    nonempty = [b for b in api["histogram"] if b["count"]]
    assert bars.count() == len(nonempty)
    # bar colours come from the stylesheet (dark mode must reach them): not the SVG default black
    fill = bars.first.locator("rect").evaluate("r => getComputedStyle(r).fill")
    assert fill not in ("rgb(0, 0, 0)", "none"), fill
    busiest = max(nonempty, key=lambda b: b["count"])
    bars.nth(nonempty.index(busiest)).click()
    page.wait_for_url(re.compile(r"from="))
    qs = parse_qs(urlsplit(page.url).query)
    assert qs["from"] == [busiest["start"]] and qs["to"] == [busiest["end"]]
    assert page.locator(".chips .chip", has_text="تاريخ النشر").is_visible()
    assert page.locator("ol.results li.result").count() == busiest["count"]


def test_add_and_remove_a_neighbourhood_filter(page, server):
    facets = _api(server, f"/api/reports?q={quote(QUERY)}")["facets"].get("neighbourhood", [])
    if not facets:
        pytest.skip("the gazetteer knows no places yet (skeleton stub): no neighbourhood facet to click")
    page.goto(server.url(f"/reports?q={quote(QUERY)}"))
    before = _result_ids(page)
    facet = page.locator(".facet-list a").first
    name = facet.inner_text().strip()
    facet.click()
    page.wait_for_url(re.compile(r"neighbourhood="))
    slug = parse_qs(urlsplit(page.url).query)["neighbourhood"][0]
    chip = page.locator(".chips .chip", has_text="المكان")
    assert name in chip.inner_text()
    expected = _api(server, f"/api/reports?q={quote(QUERY)}&neighbourhood={slug}")
    assert arabic_digits(expected["total"]) in _count_text(page) or expected["total"] in (1, 2)
    assert all(slug in r["places"] for r in expected["results"])
    chip.get_by_role("link", name=re.compile("إزالة مرشح")).click()
    page.wait_for_load_state()
    assert "neighbourhood" not in parse_qs(urlsplit(page.url).query)
    assert _result_ids(page) == before


def test_page_through_results(page, server):
    per_page = 4
    total = _api(server, f"/api/reports?q={quote(QUERY)}&per_page=100")["total"]
    pages = -(-total // per_page)
    assert pages >= 3, "the fixture ingests enough reports for three pages"
    page.goto(server.url(f"/reports?q={quote(QUERY)}&per_page={per_page}"))
    nav = page.get_by_role("navigation", name="صفحات النتائج")
    assert nav.locator("[aria-current=page]").inner_text().strip().endswith("١")
    seen = _result_ids(page)
    assert len(seen) == per_page
    for n in range(2, pages + 1):
        nav.get_by_role("link", name="التالية").click()
        page.wait_for_url(re.compile(rf"page={n}"))
        nav = page.get_by_role("navigation", name="صفحات النتائج")
        assert nav.locator("[aria-current=page]").inner_text().strip().endswith(arabic_digits(n))
        assert page.locator("ol.results").get_attribute("start") == str((n - 1) * per_page + 1)
        ids = _result_ids(page)
        assert ids and not set(ids) & set(seen), "a report appeared on two pages"
        seen += ids
    assert len(seen) == total
    assert nav.get_by_role("link", name="التالية").count() == 0, "no next link on the last page"
    nav.get_by_role("link", name="الصفحة ١").click()
    page.wait_for_load_state()
    assert _result_ids(page) == seen[:per_page]
    # every page of results is a shareable URL, the API agrees with it
    api_ids = [r["id"] for r in _api(server, f"/api/reports?q={quote(QUERY)}&per_page={per_page}&page=2")["results"]]
    assert api_ids == seen[per_page:2 * per_page]


# --------------------------------------------------------------------------- keyboard only


def _tab_until(page, predicate_js: str, limit: int = 60) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"):
            return True
    return False


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }""")


def test_keyboard_only(page, server):
    page.goto(server.url("/"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="تخطَّ إلى المحتوى")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link is shown when focused"
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    assert page.evaluate("document.activeElement.id") == "main"

    # "/" jumps to the search box from anywhere except a field
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type(QUERY)
    assert page.evaluate("document.activeElement.value") == QUERY, "'/' inside the box is typed, not captured"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reports\?q="))

    # Tab to the first result and open it
    assert _tab_until(page, "el.matches('ol.results .result-title a')"), "no result link reachable by Tab"
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reports/[0-9a-f]{12}\?q="))

    assert _tab_until(page, "el.matches('a.jump-first')"), "jump link not reachable by Tab"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#match-1'")
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "match-2"

    # the results page's filters are reachable and usable from the keyboard
    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile(r"/reports\?q="))
    page.evaluate("document.activeElement && document.activeElement.blur()")
    assert _tab_until(page, "el.tagName === 'SUMMARY'"), "filters disclosure not reachable"
    page.keyboard.press("Enter")
    assert _tab_until(page, "el.name === 'from'", limit=5)


# --------------------------------------------------------------------------- every page type, both widths


@pytest.mark.parametrize("width_name", ["phone", "desktop"])
def test_every_page_type_fits_loads_the_font_and_passes_axe(make_page, server, checks, width_name):
    width = checks.widths[width_name]
    page = make_page(width=width, height=800)
    problems = []
    for name, path in _page_types(server).items():
        response = page.goto(server.url(path))
        assert response is not None
        expected_status = {"not-found": 404, "bad-request": 400}.get(name, 200)
        assert response.status == expected_status, f"{name}: {response.status}"
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.locator("main").count() == 1 and page.locator("header.site-header").count() == 1
        overflow = checks.horizontal_overflow(page)
        if overflow:
            problems.append(f"{name} at {width}px scrolls sideways: {overflow}")
        if not checks.arabic_font_loaded(page):
            problems.append(f"{name} at {width}px: the Arabic font did not load")
        for v in checks.axe_violations(page):
            problems.append(f"{name} at {width}px: axe {v['impact']} {v['id']}: {v['help']} {v['nodes'][:2]}")
        checks.screenshot(page, f"{name}-{width}")
    foreign = [u for u in page.traffic.requests if not u.startswith(server.base_url + "/")]
    assert not foreign, foreign
    assert any(u.endswith(".woff2") for u in page.traffic.requests), "the web font was never requested"
    assert not problems, "\n".join(problems)


def test_dark_mode_is_dark_and_readable(make_page, server, checks):
    page = make_page(color_scheme="dark")
    types = _page_types(server)
    for name, fragment in (("results", ""), ("report", "#match-1"), ("place", "")):  # the current match too
        page.goto(server.url(types[name] + fragment))
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        r, g, b = (int(x) for x in re.findall(r"\d+", bg)[:3])
        assert max(r, g, b) < 60, f"{name}: dark mode background is {bg}"
        violations = checks.axe_violations(page)
        assert not violations, violations
        checks.screenshot(page, f"{name}-1280-dark")


def test_highlights_are_background_only(page, server):
    page.goto(server.url(_page_types(server)["report"]))
    style = page.evaluate(
        """() => { const m = document.querySelector('.report-body mark:not(:target)') ||
                          document.querySelector('.report-body mark');
                   const s = getComputedStyle(m), p = getComputedStyle(m.parentElement);
                   return {pad: s.paddingLeft + s.paddingRight, weight: s.fontWeight, pweight: p.fontWeight,
                           bg: s.backgroundColor, ls: s.letterSpacing, pls: p.letterSpacing}; }""")
    assert style["pad"] == "0px0px"
    assert style["weight"] == style["pweight"]
    assert style["ls"] == style["pls"]
    assert style["bg"] not in ("rgba(0, 0, 0, 0)", "transparent")
    # screen readers hear that a word is a match; sighted readers see only the background
    announced = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('.report-body mark'), '::before');
                   return {content: s.content, width: s.width, position: s.position}; }""")
    assert "تطابق" in announced["content"] and announced["position"] == "absolute", announced


def test_the_interface_writes_numbers_in_one_digit_system(page, server):
    """Counts, dates and page numbers use Arabic-Indic digits, as the date labels do; report text
    keeps its source's digits, and ISO dates and URLs (isolated Latin runs) keep 0–9."""
    western = re.compile("[0-9]")
    eastern = re.compile("[\u0660-\u0669]")
    for path in (f"/reports?q={quote(QUERY)}&per_page=4", _page_types(server)["report"], "/"):
        page.goto(server.url(path))
        texts = page.locator("time, .num, .count, .pagination, #result-count, .timeline figcaption").all_inner_texts()
        assert texts, path
        assert not [t for t in texts if western.search(t)], (path, [t for t in texts if western.search(t)])
        assert any(eastern.search(t) for t in texts), path


def test_print_shows_the_report_not_the_site(page, server, checks):
    page.goto(server.url(_page_types(server)["report"]))
    page.emulate_media(media="print")
    for sel in ("header.site-header", "footer.site-footer", ".match-nav", ".breadcrumbs", "form.search-form"):
        loc = page.locator(sel)
        assert loc.count() == 0 or not loc.first.is_visible(), f"{sel} is printed"
    for sel in (".report-body", "table.meta-table", "section.citation", "h1"):
        assert page.locator(sel).first.is_visible(), f"{sel} is not printed"
    checks.screenshot(page, "report-print")
    page.emulate_media(media="screen")


def test_error_pages_speak_arabic_not_stack_traces(page, server):
    r = page.goto(server.url("/reports/000000000000"))
    assert r.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "لم نجد هذه الصفحة"
    r = page.goto(server.url("/reports?from=2016-13-45"))
    assert r.status == 400
    text = page.locator("main").inner_text()
    assert "from" in text and "YYYY-MM-DD" in text
    assert "Traceback" not in page.content()
    # the error page offers a way on: a working search box
    box = page.get_by_role("searchbox", name="ابحث في التقارير")
    box.fill(QUERY)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/reports\?q="))
    assert page.locator("ol.results li.result").count() > 0


def test_latin_runs_are_isolated(page, server):
    page.goto(server.url(_page_types(server)["report-long-tokens"]))
    link = page.locator("table.meta-table a.url")
    assert link.get_attribute("dir") == "ltr"
    assert page.locator("table.meta-table code").first.evaluate("e => e.closest('[dir=ltr]') !== null")
    times = page.locator("time[datetime]").count()
    assert times >= 2


# --------------------------------------------------------------------------- headers and markup


def test_security_headers_and_no_inline_code_on_every_response(server):
    paths = list(_page_types(server).values()) + [
        "/static/css/sijill.css", "/static/js/sijill.js", "/static/fonts/NotoNaskhArabic-Regular.subset.woff2",
        "/api/reports?per_page=1", "/healthz", "/api/reports/000000000000",
    ]
    for path in paths:
        req = urllib.request.Request(server.url(path))
        try:
            resp = urllib.request.urlopen(req, timeout=10)
        except urllib.error.HTTPError as e:  # 404/400 pages must carry the headers too
            resp = e
        h = resp.headers
        csp = h.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, (path, csp)
        assert "frame-ancestors 'none'" in csp, (path, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
        assert h.get("X-Content-Type-Options") == "nosniff", path
        assert h.get("Referrer-Policy"), path
        body = resp.read().decode("utf-8", errors="replace")
        if (h.get("Content-Type") or "").startswith("text/html"):
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), f"inline script in {path}"
            assert not re.search(r"\sstyle\s*=", body), f"style attribute in {path}"
            assert not re.search(r"<style[\s>]", body), f"style element in {path}"
            assert not re.search(r"\son[a-z]+\s*=", body), f"inline event handler in {path}"
