"""JSON twins of the pages, under /api/ (read-only).

Query parameters are parsed by `SearchParams.parse` alone (as for pages, feeds and exports); the
routes document them through `openapi_extra` (see `parameters.py`) instead of typed arguments.
"""
from __future__ import annotations

import re
from time import perf_counter
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response

from app.gazetteer.load import get as get_place
from app.gazetteer.load import places as all_places
from app.search.params import SearchParams

from .alternates import ATOM, HTML, Alternate, link_header
from .parameters import openapi_extra, paging_parameters, search_parameters
from .schemas import ErrorResponse, Health, PlaceDetail, PlaceListResponse, ReportDetail, SearchResponse, Stats
from .timing import server_timing
from .views import place_detail, place_list, report_detail, search_response

router = APIRouter()
REPORT_ID = re.compile(r"^[0-9a-f]{12}$")

_VALIDATORS = {
    "ETag": {"description": "Changes whenever the archive changes; send it back in If-None-Match",
             "schema": {"type": "string"}},
    "Last-Modified": {"description": "When the archive last changed", "schema": {"type": "string"}},
}
_NOT_MODIFIED = {304: {"description": "Not modified since the ETag / date the client sent (no body)"}}
_BAD = {400: {"model": ErrorResponse, "description": "A malformed parameter (`param` names it)"}}
_MISSING = {404: {"model": ErrorResponse, "description": "No such report or place"}}


def _ok(description: str, link: bool = False) -> dict:
    headers = dict(_VALIDATORS)
    if link:
        headers["Link"] = {"description": "rel=next/prev pages and rel=alternate HTML page and Atom feed",
                           "schema": {"type": "string"}}
    return {200: {"description": description, "headers": headers}}


def _search_links(request: Request, result: SearchResponse, html: str, feed: str) -> str:
    links = [Alternate(html, HTML, "HTML"), Alternate(feed, ATOM, "Atom")]
    if result.links.next:
        links.append(Alternate(result.links.next, "application/json", "next", rel="next"))
    if result.links.prev:
        links.append(Alternate(result.links.prev, "application/json", "prev", rel="prev"))
    return link_header(links)


@router.get("/api/reports", response_model=SearchResponse, tags=["reports"],
            summary="Search or browse reports — twin of /reports",
            description="البحث في التقارير أو تصفحها بالمعايير نفسها التي تقبلها صفحة /reports، والنتائج نفسها "
                        "بالترتيب نفسه، مع المقتطفات والتجميعات والمخطط الزمني وروابط الصفحات.",
            responses={**_ok("One page of results", link=True), **_NOT_MODIFIED, **_BAD},
            openapi_extra=openapi_extra(search_parameters()))
async def api_reports(request: Request, response: Response) -> SearchResponse:
    # On the event loop, as its twin /reports (app/web/pages.py says why).
    params = SearchParams.parse(request.query_params)
    t0 = perf_counter()
    page = request.app.state.service.search(params)
    t1 = perf_counter()
    result = search_response(page)
    response.headers["Server-Timing"] = server_timing(search=t1 - t0, render=perf_counter() - t1)
    response.headers["link"] = _search_links(request, result, result.links.html, result.links.feed)
    return result


@router.get("/api/reports/{report_id}", response_model=ReportDetail, tags=["reports"],
            summary="One report with provenance, places and dates — twin of /reports/{id}",
            description="التقرير كاملا: النص المنظف، والمصدر، وبصمات المحتوى، واسم الملف، ووقت الإدخال، "
                        "والأماكن والتواريخ المذكورة فيه.",
            responses={**_ok("The report"), **_NOT_MODIFIED, **_MISSING})
def api_report(request: Request, response: Response,
               report_id: Annotated[str, Path(description="معرّف التقرير: أول 12 رقما ست عشريا من بصمة نصه",
                                              examples=["db932edb0a81"])]) -> ReportDetail:
    r = request.app.state.service.report(report_id) if REPORT_ID.match(report_id) else None
    if r is None:
        raise HTTPException(404, "لا يوجد تقرير بهذا المعرّف")
    response.headers["link"] = link_header([Alternate(f"/reports/{r.id}", HTML, "HTML")])
    return report_detail(r)


@router.get("/api/neighbourhoods", response_model=PlaceListResponse, tags=["neighbourhoods"],
            summary="All gazetteer places, grouped by kind (and Aleppo's quarters by side in late 2016) "
                    "— twin of /neighbourhoods",
            description="كل الأحياء والأماكن في المعجم الجغرافي مجمّعة حسب النوع (وأحياء حلب حسب الجهة المسيطرة "
                        "أواخر 2016)، مع عدد التقارير التي تذكر كلا منها.",
            responses={**_ok("The gazetteer"), **_NOT_MODIFIED})
def api_neighbourhoods(request: Request, response: Response) -> PlaceListResponse:
    response.headers["link"] = link_header([Alternate("/neighbourhoods", HTML, "HTML")])
    return place_list(request.app.state.service)


NO_PLACE = "لا يوجد حي أو مكان بهذا المعرّف في المعجم الجغرافي"


@router.get("/api/neighbourhoods/{slug}", response_model=PlaceDetail, tags=["neighbourhoods"],
            summary="One place: names, variants, sources, its reports (newest first), mentions over time "
                    "— twin of /neighbourhoods/{slug}",
            description="حي أو مكان واحد: أسماؤه وصيغها ومصادرها، وتقاريره (الأحدث أولا)، وتوزع ذكره عبر الزمن.",
            responses={**_ok("The place and a page of its reports", link=True), **_NOT_MODIFIED, **_BAD,
                       **_MISSING},
            openapi_extra=openapi_extra(paging_parameters()))
def api_neighbourhood(request: Request, response: Response,
                      slug: Annotated[str, Path(description="معرّف المكان في المعجم الجغرافي",
                                                examples=["qadi-askar"])]) -> PlaceDetail:
    place = get_place(slug)
    if place is None:
        raise HTTPException(404, NO_PLACE)
    q = request.query_params
    params = SearchParams.parse({"page": q.getlist("page"), "per_page": q.getlist("per_page")})
    detail = place_detail(request.app.state.service, place, params)
    links = [Alternate(detail.links.html, HTML, "HTML"), Alternate(detail.links.feed, ATOM, "Atom")]
    if detail.links.next:
        links.append(Alternate(detail.links.next, "application/json", "next", rel="next"))
    if detail.links.prev:
        links.append(Alternate(detail.links.prev, "application/json", "prev", rel="prev"))
    response.headers["link"] = link_header(links)
    return detail


@router.get("/api/stats", response_model=Stats, tags=["meta"], summary="Counts, date span and last change",
            description="أرقام الأرشيف: عدد التقارير، وأقدم تاريخ نشر وأحدثه، وعدد الأماكن، ووقت آخر تغيير.",
            responses={**_ok("Archive statistics"), **_NOT_MODIFIED})
def api_stats(request: Request) -> Stats:
    version = request.app.state.versions.current()
    cached = getattr(request.app.state, "stats_cache", None)
    if cached is not None and cached[0] == version.etag:
        return cached[1]
    archive = request.app.state.archive
    raw = archive.stats()
    by_basis = {"stated": 0, "estimated": 0, "unknown": 0}
    by_basis.update(raw["by_date_basis"])
    stats = Stats(reports=raw["reports"], indexed=archive.index.doc_count(), by_date_basis=by_basis,
                  first_published=raw["first_published"], last_published=raw["last_published"],
                  places_in_gazetteer=len(all_places()), places_with_reports=raw["places_with_reports"],
                  last_change=version.last_modified)
    request.app.state.stats_cache = (version.etag, stats)
    return stats


@router.get("/healthz", response_model=Health, tags=["meta"], summary="Report counts in database and index")
def healthz(request: Request) -> Health:
    counts = request.app.state.archive.counts()
    status = "ok" if counts["database"] == counts["index"] else "inconsistent"
    return Health(status=status, **counts)
