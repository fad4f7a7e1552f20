"""HTML pages (Jinja2, server-rendered; JavaScript only enhances)."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from app.search.highlight import WordMatcher
from app.search.params import SearchParams
from app.search.query import parse

from .annotate import DateMark, annotate
from .api import REPORT_ID
from .dates import mentioned_dates

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
    page = request.app.state.service.search(params)
    return render(request, "reports.html", page=page, params=params)


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
    paras, marks = annotate(r.body, matcher, [DateMark(d.start, d.end, d.number, d.label) for d in dates])
    return render(request, "report.html", report=r, paragraphs=paras, marks=marks, q=q, parsed=parsed,
                  dates=dates)


@router.get("/help")
def help_page(request: Request):
    return render(request, "help.html")
