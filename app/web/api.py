"""JSON twins of the pages, under /api/ (read-only)."""
from __future__ import annotations

import re
from time import perf_counter
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response

from app.search.params import SearchParams

from app.gazetteer.load import get as get_place

from .schemas import ErrorResponse, Health, PlaceDetail, PlaceListResponse, ReportDetail, SearchResponse
from .timing import server_timing
from .views import place_detail, place_list, report_detail, search_response

router = APIRouter()
REPORT_ID = re.compile(r"^[0-9a-f]{12}$")
ERRORS = {400: {"model": ErrorResponse, "description": "A malformed parameter"},
          404: {"model": ErrorResponse, "description": "Not found"}}


@router.get("/api/reports", response_model=SearchResponse, responses=ERRORS, tags=["reports"],
            summary="Search or browse reports")
def api_reports(
    request: Request,
    response: Response,
    q: Annotated[str | None, Query(description="Query: words (all required), \"phrases\"",
                                   examples=["قاضي عسكر"])] = None,
    neighbourhood: Annotated[list[str] | None, Query(description="Gazetteer slug (repeatable: any of them)",
                                                     examples=["sakhour"])] = None,
    from_: Annotated[str | None, Query(alias="from", description="YYYY-MM-DD", examples=["2016-12-01"])] = None,
    to: Annotated[str | None, Query(description="YYYY-MM-DD", examples=["2016-12-31"])] = None,
    date_field: Annotated[str | None, Query(description="published | mentioned")] = None,
    sort: Annotated[str | None, Query(description="relevance | newest | oldest")] = None,
    page: Annotated[str | None, Query(description="Page number, from 1")] = None,
    per_page: Annotated[str | None, Query(description="1–100 (default 20)")] = None,
    collapse: Annotated[str | None, Query(description="1: one result per near-duplicate group")] = None,
) -> SearchResponse:
    params = SearchParams.parse(request.query_params)
    t0 = perf_counter()
    page = request.app.state.service.search(params)
    t1 = perf_counter()
    body = search_response(page)
    response.headers["Server-Timing"] = server_timing(search=t1 - t0, render=perf_counter() - t1)
    return body


@router.get("/api/reports/{report_id}", response_model=ReportDetail, responses=ERRORS, tags=["reports"],
            summary="One report with provenance, places and dates")
def api_report(request: Request, report_id: str) -> ReportDetail:
    r = request.app.state.service.report(report_id) if REPORT_ID.match(report_id) else None
    if r is None:
        raise HTTPException(404, "لا يوجد تقرير بهذا المعرّف")
    return report_detail(r)


@router.get("/api/neighbourhoods", response_model=PlaceListResponse, tags=["places"],
            summary="All gazetteer places, grouped by kind (and Aleppo's quarters by side in late 2016)")
def api_neighbourhoods(request: Request) -> PlaceListResponse:
    return place_list(request.app.state.service)


NO_PLACE = "لا يوجد حي أو مكان بهذا المعرّف في المعجم الجغرافي"


@router.get("/api/neighbourhoods/{slug}", response_model=PlaceDetail, responses=ERRORS, tags=["places"],
            summary="One place: names, variants, sources, its reports (newest first), mentions over time")
def api_neighbourhood(
    request: Request, slug: str,
    page: Annotated[str | None, Query(description="Page of the report list, from 1")] = None,
    per_page: Annotated[str | None, Query(description="1–100 (default 20)")] = None,
) -> PlaceDetail:
    place = get_place(slug)
    if place is None:
        raise HTTPException(404, NO_PLACE)
    params = SearchParams.parse({"page": page, "per_page": per_page})
    return place_detail(request.app.state.service, place, params)


@router.get("/healthz", response_model=Health, tags=["meta"], summary="Report counts in database and index")
def healthz(request: Request) -> Health:
    counts = request.app.state.archive.counts()
    status = "ok" if counts["database"] == counts["index"] else "inconsistent"
    return Health(status=status, **counts)
