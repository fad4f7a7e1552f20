"""Shared view logic: SearchPage/Report → the pydantic schemas the API returns.

Pages render the same objects, so a page and its JSON twin always list the same reports.
"""
from __future__ import annotations

from app.models import Report
from app.search.service import SearchPage

from .schemas import (BucketOut, DateMentionOut, FacetValueOut, Links, PlaceMentionOut, QueryOut,
                      QueryTermOut, ReportDetail, ReportSummary, SearchResponse)


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
                    html=p.url("/reports")),
    )


def report_detail(r: Report) -> ReportDetail:
    return ReportDetail(
        id=r.id, sha256=r.sha256, original_sha256=r.original_sha256, title=r.title, body=r.body,
        published=r.published, date_basis=r.date_basis, language=r.language, source=r.source,
        source_url=r.source_url, source_id=r.source_id, filename=r.filename, retrieved_at=r.retrieved_at,
        ingested_at=r.ingested_at, dup_group=r.dup_group,
        places=[PlaceMentionOut(slug=m.place_slug, count=m.count, first_pos=m.first_pos) for m in r.places],
        dates=[DateMentionOut(text=d.text, start=d.start, end=d.end, date_from=d.date_from, date_to=d.date_to,
                              precision=d.precision, relative=d.relative) for d in r.dates],
        url=f"/reports/{r.id}",
    )
