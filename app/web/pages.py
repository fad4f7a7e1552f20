"""HTML pages (Jinja2, server-rendered; JavaScript only enhances)."""
from __future__ import annotations

from time import perf_counter

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from app.ingest.clean import paragraphs
from app.search.highlight import WordMatcher, mark
from app.search.params import SearchParams
from app.search.query import parse

from .api import REPORT_ID
from .timing import server_timing

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
    paras: list[Markup] = []
    marks = 0
    for text in paragraphs(r.body):
        html, n = mark(text, matcher, id_prefix="match-", start_index=marks)
        paras.append(html)
        marks += n
    return render(request, "report.html", report=r, paragraphs=paras, marks=marks, q=q, parsed=parsed)


@router.get("/help")
def help_page(request: Request):
    return render(request, "help.html")
