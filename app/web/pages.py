"""HTML pages (Jinja2, server-rendered; JavaScript only enhances)."""
from __future__ import annotations

import json
from time import perf_counter

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from app.search.params import SearchParams

from app.gazetteer.load import get as get_place
from app.gazetteer.tagger import tag

from . import citation
from .alternates import for_page, link_header
from .annotate import DateMark, PlaceLink, annotate
from .api import NO_PLACE, REPORT_ID
from .dates import mentioned_dates
from .timing import server_timing
from .views import place_detail, place_list

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render a page with its alternates (JSON twin, feed, exports) as <link> tags and a Link header."""
    alts = for_page(request.url.path, context.get("params"), twin=context.pop("twin", None))
    context.setdefault("alternates", alts)
    response = request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)
    if status_code == 200:
        response.headers["link"] = link_header(alts)
    return response


@router.get("/")
def home(request: Request):
    service = request.app.state.service
    newest = service.search(SearchParams(per_page=10))
    return render(request, "home.html", page=newest, params=newest.params)


@router.get("/reports")
async def reports(request: Request):
    """Computed on the event loop, not in the thread pool: a results page is CPU work under the
    GIL from start to end (a few milliseconds), and handing each one to a pool thread and back
    cost ~15% more CPU per page under load (measured at 100k reports) for no parallelism."""
    params = SearchParams.parse(request.query_params)
    t0 = perf_counter()
    page = request.app.state.service.search(params)
    t1 = perf_counter()
    # The results page is a function of the search page alone (its parameters, path and
    # alternates follow from them), so a cached search page keeps its rendering too: a repeated
    # request skips the template (two thirds of a cached page's time).
    done = page.rendered.get("reports.html")
    if done is None:
        response = render(request, "reports.html", page=page, params=params)
        page.rendered["reports.html"] = (response.body, response.headers["link"])
    else:
        response = HTMLResponse(done[0], headers={"link": done[1]})
    response.headers["Server-Timing"] = server_timing(search=t1 - t0, render=perf_counter() - t1)
    return response


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
    parsed = service.parse(q)
    matcher = parsed.word_matcher()
    dates = mentioned_dates(r)
    # Place mentions link to their place pages: the body tagged exactly as at ingest.
    links = [PlaceLink(h.start, h.end, f"/neighbourhoods/{h.slug}") for h in tag(r.body)]
    paras, marks = annotate(r.body, matcher, [DateMark(d.start, d.end, d.number, d.label) for d in dates],
                            links)
    link = permalink(request, r.id)
    return render(request, "report.html", report=r, paragraphs=paras, marks=marks, q=q, parsed=parsed,
                  dates=dates, permalink=link, citation_text=citation.plain(r, link),
                  also=service.group_members(r),
                  source_link=r.source_url if citation.is_web_url(r.source_url) else None)


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
    return render(request, "neighbourhood.html", place=detail, params=None, twin=detail.links.self)


@router.get("/help")
def help_page(request: Request):
    return render(request, "help.html")
