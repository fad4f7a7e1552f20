"""Shared view logic: SearchPage/Report → the pydantic schemas the API returns.

Pages render the same objects, so a page and its JSON twin always list the same reports.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from app.models import Report
from app.search.params import DEFAULT_PER_PAGE, SearchParams
from app.search.service import SearchPage

from .schemas import (BucketOut, DateMentionOut, FacetValueOut, Links, PlaceMentionOut, PlaceOut, QueryOut,
                      QueryTermOut, ReportDetail, ReportSummary, SearchResponse)


def utc(d: dt.datetime | None) -> dt.datetime | None:
    """The database keeps naive UTC; the API says so (RFC 3339 date-times need an offset)."""
    if d is None:
        return None
    return d.replace(tzinfo=dt.timezone.utc) if d.tzinfo is None else d.astimezone(dt.timezone.utc)


def place_label(slug: str) -> str | None:
    from app.gazetteer.load import get
    p = get(slug)
    return p.name_ar if p else None


def search_response(page: SearchPage) -> SearchResponse:
    p = page.params
    explain = page.parsed.explain()
    return SearchResponse(
        total=page.total, page=p.page, per_page=p.per_page, sort=p.effective_sort,
        results=[ReportSummary(id=h.id, title=h.title, published=h.published, date_basis=h.date_basis,
                               source=h.source, snippet_html=str(h.snippet_html), score=h.score,
                               places=h.places, url=f"/reports/{h.id}") for h in page.results],
        facets={name: [FacetValueOut(value=f.value, label=place_label(f.value), count=f.count) for f in values]
                for name, values in page.facets.items()},
        histogram=[BucketOut(start=b.start, end=b.end, count=b.count) for b in page.histogram],
        histogram_unit=page.histogram_unit,
        query=QueryOut(text=page.parsed.text, terms=[QueryTermOut(**t) for t in explain["terms"]],
                       phrases=explain["phrases"], notes=explain["notes"], suggestion=page.suggestion),
        links=Links(self=p.url("/api/reports"),
                    next=p.url("/api/reports", page=p.page + 1) if p.page < page.pages else None,
                    prev=p.url("/api/reports", page=p.page - 1) if p.page > 1 else None,
                    html=p.url("/reports"), **export_links(p)),
    )


def export_links(p: SearchParams) -> dict[str, str]:
    """Feed (filters only: always the newest 50) and exports (filters and sort: the whole set)."""
    whole = {"page": 1, "per_page": DEFAULT_PER_PAGE}
    return {"feed": p.url("/feed.atom", sort=None, **whole),
            "csv": p.url("/reports.csv", **whole), "jsonl": p.url("/reports.jsonl", **whole)}


def report_detail(r: Report) -> ReportDetail:
    return ReportDetail(
        id=r.id, sha256=r.sha256, original_sha256=r.original_sha256, title=r.title, body=r.body,
        published=r.published, date_basis=r.date_basis, language=r.language, source=r.source,
        source_url=r.source_url, source_id=r.source_id, filename=r.filename, retrieved_at=utc(r.retrieved_at),
        ingested_at=utc(r.ingested_at), dup_group=r.dup_group,
        places=[PlaceMentionOut(slug=m.place_slug, count=m.count, first_pos=m.first_pos) for m in r.places],
        dates=[DateMentionOut(text=d.text, start=d.start, end=d.end, date_from=d.date_from, date_to=d.date_to,
                              precision=d.precision, relative=d.relative) for d in r.dates],
        url=f"/reports/{r.id}",
    )


def place_out(place, report_count: int) -> PlaceOut:
    """A gazetteer `Place` as the API shows it (optional gazetteer fields may be absent)."""
    slug = place.slug
    q = quote(slug, safe="")
    return PlaceOut(
        slug=slug, name_ar=place.name_ar, variants_ar=list(getattr(place, "variants_ar", ()) or ()),
        names_latin=list(getattr(place, "names_latin", ()) or ()), kind=getattr(place, "kind", None),
        parent=getattr(place, "parent", None), side_2016=getattr(place, "side_2016", None),
        lat=getattr(place, "lat", None), lon=getattr(place, "lon", None), source=getattr(place, "source", None),
        report_count=report_count, url=f"/neighbourhoods/{q}", api_url=f"/api/neighbourhoods/{q}",
        reports_url=f"/api/reports?neighbourhood={q}", feed=f"/feed.atom?neighbourhood={q}")
