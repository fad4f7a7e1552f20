"""Machine-readable twins of each page: `<link rel="alternate">` tags and the same as `Link` headers.

Every HTML page names its JSON twin (same parameters, same reports in the same order) and the Atom
feed of the same filters; result pages also name their CSV and JSON Lines exports. URLs are built
from the parsed `SearchParams` (never echoed from the raw query string), so they are canonical and
safe to place in a header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from app.search.params import DEFAULT_PER_PAGE, SearchParams

JSON = "application/json"
ATOM = "application/atom+xml"
CSV = "text/csv"
JSONL = "application/x-ndjson"
HTML = "text/html"

_REPORT = re.compile(r"^/reports/([0-9a-f]{12})$")
_PLACE = re.compile(r"^/neighbourhoods/([^/]+)$")


@dataclass(frozen=True)
class Alternate:
    href: str
    type: str
    title: str
    rel: str = "alternate"


def feed_url(p: SearchParams | None) -> str:
    """The feed of the same filters (always newest first, so sort and paging are dropped)."""
    if p is None:
        return "/feed.atom"
    return p.url("/feed.atom", sort=None, page=1, per_page=DEFAULT_PER_PAGE)


def _feed(p: SearchParams | None) -> Alternate:
    return Alternate(feed_url(p), ATOM, "خلاصة Atom")


def _exports(p: SearchParams) -> list[Alternate]:
    whole = {"page": 1, "per_page": DEFAULT_PER_PAGE}
    return [Alternate(p.url("/reports.csv", **whole), CSV, "تصدير CSV"),
            Alternate(p.url("/reports.jsonl", **whole), JSONL, "تصدير JSON Lines")]


def for_page(path: str, params: SearchParams | None = None, twin: str | None = None) -> list[Alternate]:
    """The alternates of the HTML page at `path`, rendered with `params` (when it has filters);
    `twin` overrides the JSON twin's URL for pages that build it themselves (place pages)."""
    if path == "/":
        p = params or SearchParams(per_page=10)
        return [Alternate(p.url("/api/reports"), JSON, "JSON"), _feed(None)]
    if path == "/reports":
        p = params or SearchParams()
        return [Alternate(p.url("/api/reports"), JSON, "JSON"), _feed(p), *_exports(p)]
    m = _REPORT.match(path)
    if m:
        return [Alternate(f"/api/reports/{m.group(1)}", JSON, "JSON"), _feed(None)]
    if path == "/neighbourhoods":
        return [Alternate("/api/neighbourhoods", JSON, "JSON"), _feed(None)]
    m = _PLACE.match(path)
    if m:
        slug = quote(m.group(1), safe="")
        return [Alternate(twin or f"/api/neighbourhoods/{slug}", JSON, "JSON"),
                _feed(SearchParams(neighbourhood=(m.group(1),)))]
    return [_feed(None)]


def link_header(links: list[Alternate]) -> str:
    """RFC 8288 `Link` header value (hrefs are already percent-encoded by urlencode/quote)."""
    return ", ".join(f'<{a.href}>; rel="{a.rel}"; type="{a.type}"' for a in links)
