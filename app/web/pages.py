"""HTML pages (Jinja2, server-rendered; JavaScript only enhances)."""
from __future__ import annotations

from time import perf_counter

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from app.search.highlight import WordMatcher
from app.search.params import SearchParams
from app.search.query import parse

from app.gazetteer.load import get as get_place
from app.gazetteer.tagger import tag

from .annotate import DateMark, PlaceLink, annotate
from .api import NO_PLACE, REPORT_ID
from .dates import mentioned_dates
from .timing import server_timing
from .views import place_detail, place_list

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/")
def home(request: Request):
    service = request.app.state.service
    newest = service.search(SearchParams(per_page=10))
    return render(request, "home.html", page=newest, params=newest.params)


@router.get("/reports")
def reports(request: Request):
    params = SearchParams.parse(request.query_params)
    t0 = perf_counter()
    page = request.app.state.service.search(params)
    t1 = perf_counter()
    response = render(request, "reports.html", page=page, params=params)
    response.headers["Server-Timing"] = server_timing(search=t1 - t0, render=perf_counter() - t1)
    return response


@router.get("/reports/{report_id}")
def report(request: Request, report_id: str):
    service = request.app.state.service
    r = service.report(report_id) if REPORT_ID.match(report_id) else None
    if r is None:
        raise HTTPException(404, "لا يوجد تقرير بهذا المعرّف")
    q = request.query_params.get("q", "")
    parsed = parse(q)
    matcher = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces)
    dates = mentioned_dates(r)
    # Place mentions link to their place pages: the body tagged exactly as at ingest.
    links = [PlaceLink(h.start, h.end, f"/neighbourhoods/{h.slug}") for h in tag(r.body)]
    paras, marks = annotate(r.body, matcher, [DateMark(d.start, d.end, d.number, d.label) for d in dates],
                            links)
    return render(request, "report.html", report=r, paragraphs=paras, marks=marks, q=q, parsed=parsed,
                  dates=dates)


@router.get("/neighbourhoods")
def neighbourhoods(request: Request):
    return render(request, "neighbourhoods.html", listing=place_list(request.app.state.service))


@router.get("/neighbourhoods/{slug}")
def neighbourhood(request: Request, slug: str):
    place = get_place(slug)
    if place is None:
        raise HTTPException(404, NO_PLACE)
    params = SearchParams.parse(request.query_params)
    detail = place_detail(request.app.state.service, place, params)
    return render(request, "neighbourhood.html", place=detail, params=None)


@router.get("/help")
def help_page(request: Request):
    return render(request, "help.html")
