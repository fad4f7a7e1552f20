"""Atom feed of any filter set: subscribe to new reports on a place, a query or a date range.

`/feed.atom` accepts the filters of `/reports` (q, neighbourhood, from, to, date_field, collapse) and
lists the 50 newest matching reports; `sort`, `page` and `per_page` are accepted but ignored (a feed
is always the newest first). Links are absolute, built from the request's base URL. Each entry says
how its date is known (stated by the source, estimated from the content, or unknown).
"""
from __future__ import annotations

import datetime as dt
import re

from fastapi import APIRouter, Request, Response
from markupsafe import escape
from sqlalchemy import select

from app import __version__
from app.gazetteer.load import get as get_place
from app.models import Report
from app.search.params import SearchParams

from .alternates import feed_url
from .parameters import filter_parameters, openapi_extra
from .schemas import ErrorResponse
from .views import utc

router = APIRouter()
FEED_SIZE = 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"

#: Characters XML 1.0 forbids (control characters other than tab and newlines, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

BASIS_NOTE = {
    "stated": "تاريخ النشر كما ذكره المصدر",
    "estimated": "تاريخ تقديري مستنتج من محتوى التقرير، لا من المصدر",
    "unknown": "تاريخ النشر غير معروف",
}


def xml_text(s: str | None) -> str:
    return _NOT_XML.sub("", s or "")


def describe(p: SearchParams) -> str:
    """The filters in words, for the feed's title."""
    parts = []
    if p.q.strip():
        parts.append(f"«{p.q.strip()[:100]}»")
    for slug in p.neighbourhood:
        place = get_place(slug)
        parts.append(place.name_ar if place else slug)
    if p.date_from:
        parts.append(f"من {p.date_from.isoformat()}")
    if p.date_to:
        parts.append(f"إلى {p.date_to.isoformat()}")
    return "، ".join(parts)


@router.get("/feed.atom", tags=["feeds"], summary="Atom feed of the newest 50 reports matching the filters",
            description="خلاصة Atom لأحدث 50 تقريرا تطابق معايير /reports نفسها (الأحدث أولا دائما)، "
                        "كل مدخل يشير إلى الرابط الدائم للتقرير ويذكر أساس تاريخه.",
            response_class=Response,
            responses={200: {"description": "An Atom 1.0 feed", "content": {"application/atom+xml": {
                "schema": {"type": "string"}}}},
                304: {"description": "Not modified"},
                400: {"model": ErrorResponse, "description": "A malformed parameter"}},
            openapi_extra=openapi_extra(filter_parameters()))
def feed(request: Request) -> Response:
    params = SearchParams.parse(request.query_params).with_(sort="newest", page=1, per_page=FEED_SIZE)
    page = request.app.state.service.search(params)
    base = str(request.base_url).rstrip("/")
    version = request.app.state.versions.current()

    ids = [h.id for h in page.results]
    with request.app.state.archive.session() as s:
        extra = {rid: (ingested, url) for rid, ingested, url in
                 s.execute(select(Report.id, Report.ingested_at, Report.source_url).where(Report.id.in_(ids)))}

    from feedgen.feed import FeedGenerator  # with lxml, ~50 ms of a server's start-up: loaded on the first feed

    fg = FeedGenerator()
    self_url = base + feed_url(params)
    what = describe(params)
    fg.id(self_url)
    fg.title(xml_text("سجل — أحدث التقارير" + (f": {what}" if what else "")))
    fg.subtitle("أرشيف قابل للبحث لتقارير النزاع المسلح باللغة العربية")
    fg.author({"name": "سجل"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=base + params.url("/reports", sort="newest", page=1, per_page=20), rel="alternate",
            type="text/html")
    fg.language("ar")
    fg.generator("Sijill", version=__version__)
    fg.updated(version.last_modified)

    for hit in page.results:
        ingested, source_url = extra.get(hit.id, (None, None))
        permalink = f"{base}/reports/{hit.id}"
        fe = fg.add_entry(order="append")
        fe.id(permalink)
        fe.title(xml_text(hit.title))
        fe.link(href=permalink, rel="alternate", type="text/html")
        if source_url and source_url.startswith(("http://", "https://")):
            fe.link(href=xml_text(source_url), rel="related", title="المصدر")
        updated = utc(ingested) if ingested else version.last_modified
        fe.updated(updated)
        if hit.published:
            fe.published(dt.datetime.combine(hit.published, dt.time(), dt.timezone.utc))
        note = BASIS_NOTE.get(hit.date_basis, BASIS_NOTE["unknown"])
        when = f"{hit.published.isoformat()} ({note})" if hit.published else note
        source = f" · المصدر: {escape(hit.source)}" if hit.source else ""
        fe.summary(xml_text(f"تاريخ النشر: {when}"))
        fe.content(xml_text(f"<p>تاريخ النشر: {escape(when)}{source}</p><p>{hit.snippet_html}</p>"), type="html")
        fe.category(term=f"date-basis-{hit.date_basis}", scheme=f"{base}/help#date-basis", label=note)
        for slug in hit.places:
            place = get_place(slug)
            fe.category(term=slug, scheme=f"{base}/neighbourhoods", label=xml_text(place.name_ar) if place else slug)

    return Response(fg.atom_str(pretty=False), media_type=ATOM_TYPE)
