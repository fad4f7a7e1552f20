"""Shared view logic: SearchPage/Report → the pydantic schemas the API returns.

Pages render the same objects, so a page and its JSON twin always list the same reports.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from app.arabic.normalise import fold
from app.gazetteer.load import KINDS, SIDES, Place, get, places, sources
from app.models import Report
from app.search.params import DEFAULT_PER_PAGE, SearchParams
from app.search.service import SearchPage, SearchService

from .schemas import (BucketOut, DateMentionOut, FacetValueOut, Links, PlaceBucketOut, PlaceDetail, PlaceGroup,
                      PlaceListResponse, PlaceMentionOut, PlaceSourceOut, PlaceSummary, QueryOut,
                      QueryPlaceOut, QueryTermOut, ReportDetail, ReportSummary, SearchResponse)

KIND_LABELS = {"city": "المدن", "neighbourhood": "أحياء مدينة حلب", "district": "مناطق", "landmark": "معالم",
               "town": "بلدات ومدن", "village": "قرى", "governorate": "محافظات"}
SIDE_LABELS = {"opposition": "بيد المعارضة في 15 تشرين الثاني 2016",
               "government": "بيد الحكومة في 15 تشرين الثاني 2016",
               "divided": "على خط التماس (مقسوم) في 15 تشرين الثاني 2016",
               "sdf": "بيد قوات سوريا الديمقراطية / وحدات حماية الشعب في 15 تشرين الثاني 2016",
               "isil": "بيد تنظيم الدولة في 15 تشرين الثاني 2016",
               None: "الجهة المسيطرة في 2016 غير موثقة بمصدر"}


def utc(d: dt.datetime | None) -> dt.datetime | None:
    """The database keeps naive UTC; the API says so (RFC 3339 date-times need an offset)."""
    if d is None:
        return None
    return d.replace(tzinfo=dt.timezone.utc) if d.tzinfo is None else d.astimezone(dt.timezone.utc)


def place_label(slug: str) -> str | None:
    p = get(slug)
    return p.name_ar if p else None


def report_summaries(page: SearchPage) -> list[ReportSummary]:
    return [ReportSummary(id=h.id, title=h.title, published=h.published, date_basis=h.date_basis,
                          source=h.source, snippet_html=str(h.snippet_html), score=h.score,
                          places=h.places, url=f"/reports/{h.id}", group_size=h.group_size)
            for h in page.results]


def search_response(page: SearchPage) -> SearchResponse:
    p = page.params
    explain = page.parsed.explain()
    return SearchResponse(
        total=page.total, page=p.page, per_page=p.per_page, sort=p.effective_sort,
        results=report_summaries(page),
        facets={name: [FacetValueOut(value=f.value, label=place_label(f.value), count=f.count) for f in values]
                for name, values in page.facets.items()},
        histogram=[BucketOut(start=b.start, end=b.end, count=b.count) for b in page.histogram],
        histogram_unit=page.histogram_unit,
        query=QueryOut(text=page.parsed.text, terms=[QueryTermOut(**t) for t in explain["terms"]],
                       phrases=explain["phrases"], places=[QueryPlaceOut(**p) for p in explain["places"]],
                       excluded=explain["excluded"], mode=explain["mode"],
                       minimum_should_match=explain["minimum_should_match"], notes=explain["notes"],
                       suggestion=page.suggestion),
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
        ingested_at=utc(r.ingested_at), dup_group=r.dup_group, encoding=r.encoding,
        media_type=r.media_type or "text/plain",
        places=[PlaceMentionOut(slug=m.place_slug, count=m.count, first_pos=m.first_pos) for m in r.places],
        dates=[DateMentionOut(text=d.text, start=d.start, end=d.end, date_from=d.date_from, date_to=d.date_to,
                              precision=d.precision, relative=d.relative) for d in r.dates],
        url=f"/reports/{r.id}",
    )


def place_summary(place: Place, counts: dict[str, tuple[int, int]]) -> PlaceSummary:
    reports, mentions = counts.get(place.slug, (0, 0))
    return PlaceSummary(slug=place.slug, name_ar=place.name_ar, name_latin=place.name_latin,
                        names_latin=list(place.names_latin), kind=place.kind, parent=place.parent,
                        side_2016=place.side_2016, report_count=reports, mention_count=mentions,
                        url=f"/neighbourhoods/{place.slug}", api_url=f"/api/neighbourhoods/{place.slug}")


def place_list(service: SearchService) -> PlaceListResponse:
    """All places: by kind, and Aleppo's quarters also by who held them in late 2016."""
    counts = service.place_counts()
    groups: list[PlaceGroup] = []
    for kind in KINDS:
        members = sorted((p for p in places().values() if p.kind == kind), key=lambda p: fold(p.name_ar))
        if not members:
            continue
        if kind != "neighbourhood":
            groups.append(PlaceGroup(kind=kind, label=KIND_LABELS[kind],
                                     places=[place_summary(p, counts) for p in members]))
            continue
        for side in (*SIDES, None):
            in_side = [p for p in members if p.side_2016 == side]
            if in_side:
                groups.append(PlaceGroup(kind=kind, side_2016=side,
                                         label=f"{KIND_LABELS[kind]} — {SIDE_LABELS[side]}",
                                         places=[place_summary(p, counts) for p in in_side]))
    return PlaceListResponse(total=len(places()), groups=groups)


def place_detail(service: SearchService, place: Place, params: SearchParams) -> PlaceDetail:
    """One place: names, sources, surroundings, its reports newest first, and its timeline."""
    related = [place.slug] + [p.slug for p in places().values() if p.parent == place.slug]
    parent = place.parent
    while parent and (p := get(parent)) is not None:
        related.append(p.slug)
        parent = p.parent
    counts = service.place_counts(related)
    params = params.with_(q="", neighbourhood=(place.slug,), sort="newest", date_from=None, date_to=None)
    page = service.search(params)
    line = service.place_timeline(place.slug)
    cited = sources()
    ancestors, parent = [], place.parent
    while parent and (p := get(parent)) is not None:
        ancestors.append(place_summary(p, counts))
        parent = p.parent
    base = f"/neighbourhoods/{place.slug}"
    pages = page.pages

    def link(path: str, n: int) -> str:
        items = [(k, v) for k, v in params.query_items(page=n) if k in ("page", "per_page")]
        return path + ("?" + urlencode(items) if items else "")

    return PlaceDetail(
        **place_summary(place, counts).model_dump(),
        variants_ar=list(place.variants_ar), ambiguous=place.ambiguous, lat=place.lat, lon=place.lon,
        sources=[PlaceSourceOut(key=k, title=cited[k]["title"], url=cited[k]["url"] or None,
                                supports=cited[k]["supports"] or None) if k in cited
                 else PlaceSourceOut(key=k, title=f"التقرير البذري {k.removeprefix('seed:')}")
                 for k in place.sources],
        ancestors=ancestors,
        children=[place_summary(p, counts) for p in places().values() if p.parent == place.slug],
        reports=report_summaries(page), page=params.page, per_page=params.per_page,
        timeline=[PlaceBucketOut(start=b.start, end=b.end, reports=b.reports, mentions=b.mentions)
                  for b in line.buckets],
        timeline_unit=line.unit, undated_reports=line.undated_reports,
        links=Links(self=link(f"/api{base}", params.page),
                    next=link(f"/api{base}", params.page + 1) if params.page < pages else None,
                    prev=link(f"/api{base}", params.page - 1) if params.page > 1 else None,
                    html=link(base, params.page), **export_links(SearchParams(neighbourhood=(place.slug,)))),
    )
