"""HTML pages (Jinja2, server-rendered; JavaScript only enhances)."""
from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from app.ingest.clean import paragraphs
from app.search.highlight import WordMatcher, mark
from app.search.params import SearchParams
from app.search.query import parse

from . import citation
from .api import REPORT_ID

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


def _report_or_404(request: Request, report_id: str):
    r = request.app.state.service.report(report_id) if REPORT_ID.match(report_id) else None
    if r is None:
        raise HTTPException(404, "لا يوجد تقرير بهذا المعرّف")
    return r


def permalink(request: Request, report_id: str) -> str:
    return str(request.url_for("report", report_id=report_id))


# The citation downloads are declared before /reports/{report_id}, which would otherwise take
# "abc.bib" as an id (and answer 404).
@router.get("/reports/{report_id}.bib")
def report_bibtex(request: Request, report_id: str):
    r = _report_or_404(request, report_id)
    return Response(citation.bibtex(r, permalink(request, r.id)), media_type="application/x-bibtex; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="sijill-{r.id}.bib"'})


@router.get("/reports/{report_id}.csl.json")
def report_csl(request: Request, report_id: str):
    r = _report_or_404(request, report_id)
    body = json.dumps(citation.csl_json(r, permalink(request, r.id)), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/vnd.citationstyles.csl+json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="sijill-{r.id}.csl.json"'})


@router.get("/reports/{report_id}")
def report(request: Request, report_id: str):
    service = request.app.state.service
    r = _report_or_404(request, report_id)
    q = request.query_params.get("q", "")
    parsed = parse(q)
    matcher = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces)
    paras: list[Markup] = []
    marks = 0
    for text in paragraphs(r.body):
        html, n = mark(text, matcher, id_prefix="match-", start_index=marks)
        paras.append(html)
        marks += n
    link = permalink(request, r.id)
    return render(request, "report.html", report=r, paragraphs=paras, marks=marks, q=q, parsed=parsed,
                  permalink=link, citation_text=citation.plain(r, link), also=service.group_members(r),
                  source_link=r.source_url if citation.is_web_url(r.source_url) else None)


@router.get("/help")
def help_page(request: Request):
    return render(request, "help.html")
