"""The FastAPI application: one Archive and one SearchService per process."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.archive import Archive
from app.config import Settings, get_settings
from app.dates.hijri import arabic_digits
from app.db import PREPARED_ENV
from app.gazetteer.load import get as get_place
from app.search.codec import SERVER_MEMO_TERMS, bound_term_memos
from app.search.params import ParamError
from app.search.service import SearchService

from app import __version__

from . import api, dates, docs, export, feeds, pages
from .caching import ArchiveVersions, ConditionalGet
from .facets import place_facet, timeline_figure
from .hits import result_item
from .security import HEADERS as SECURITY_HEADERS
from .security import ReadOnlySurface, SecurityHeaders
from .views import place_label

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"

API_DESCRIPTION = """سجل أرشيف قابل للبحث لتقارير النزاع المسلح باللغة العربية. A searchable archive of Arabic reports on armed conflict.

* **Read-only**: only GET and HEAD; every other method gets 405. CORS: any origin may GET `/api/…`.
* **Twins**: every HTML page has a JSON twin with the same parameters (`/reports` → `/api/reports`,
  `/reports/{id}` → `/api/reports/{id}`, `/neighbourhoods[/{slug}]` → `/api/neighbourhoods[/{slug}]`);
  pages name their twin, feed and exports in `<link rel="alternate">` tags and `Link` headers.
* **Filters** (pages, API, feed, exports alike): `q`, `neighbourhood` (repeatable), `from`, `to`
  (YYYY-MM-DD), `date_field` (published | mentioned), `sort` (relevance | newest | oldest), `page`, `per_page` (1–100).
* **Feed and exports**: `/feed.atom` (newest 50), `/reports.csv` (UTF-8 with BOM), `/reports.jsonl`.
* **Caching**: `ETag` and `Last-Modified` follow the archive's last change; revalidate with
  `If-None-Match` / `If-Modified-Since` for a 304.
* **Errors** always look like `{"error": {"code": "bad_parameter", "message": "…", "param": "from"}}`.
"""

TAGS = [
    {"name": "reports", "description": "البحث في التقارير وقراءتها — search and read reports"},
    {"name": "neighbourhoods", "description": "الأحياء والأماكن في المعجم الجغرافي — the gazetteer"},
    {"name": "feeds", "description": "خلاصات Atom — Atom feeds"},
    {"name": "exports", "description": "تصدير مجموعة نتائج كاملة — whole result sets"},
    {"name": "meta", "description": "حالة الأرشيف — archive statistics and health"},
]

#: Machine-readable endpoints outside /api/: their errors are JSON too.
MACHINE_PATHS = ("/healthz", "/openapi.json", "/feed.atom", "/reports.csv", "/reports.jsonl")

_MESSAGES = {404: "الصفحة المطلوبة غير موجودة", 405: "الطريقة غير مسموحة", 400: "طلب غير صالح"}


def page_numbers(current: int, last: int) -> list[int]:
    """The page numbers the pagination can show (first, last, and three either side of the
    current one), ascending: the template's loop visits these instead of all `last` pages, which
    at 100k reports browsed 10 a page was 10,000 template iterations per results page."""
    return sorted({1, last} | set(range(max(1, current - 3), min(last, current + 3) + 1)))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in MACHINE_PATHS


def _error(request: Request, status: int, code: str, message: str, param: str | None = None):
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message, "param": param}}, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "param": param}, status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Under `sijill serve` the database was migrated before the workers started (app.cli).
    archive = Archive(settings, migrate_db=os.environ.get(PREPARED_ENV) != "1")
    bound_term_memos(SERVER_MEMO_TERMS)
    app = FastAPI(title="Sijill — سجل", version=__version__, docs_url=None, redoc_url=None,
                  description=API_DESCRIPTION, openapi_tags=TAGS)
    app.state.settings = settings
    app.state.archive = archive
    app.state.service = SearchService(archive)
    app.state.versions = ArchiveVersions(archive)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    # Templates are part of the deploy (their hash is in every ETag, see caching.code_stamp): no
    # per-render stat() of each template file to look for edits (11% of a results page).
    templates.env.auto_reload = False
    templates.env.globals["site_name"] = "سجل"
    dates.register(templates.env)
    templates.env.globals["place"] = get_place
    # Pages show places by their Arabic name, not their slug (chips, facets, report metadata).
    templates.env.globals["place_label"] = place_label
    # One digit system in the interface: Arabic-Indic, as the date labels (app.dates.hijri) write them.
    templates.env.filters["num"] = arabic_digits
    templates.env.globals["page_numbers"] = page_numbers
    # The sidebar's links (a timeline bar, a place) are built in Python: see facets.py.
    templates.env.globals["timeline_figure"] = timeline_figure
    templates.env.globals["place_facet"] = place_facet
    templates.env.globals["result_item_html"] = result_item
    app.state.templates = templates

    @app.exception_handler(ParamError)
    async def param_error(request: Request, exc: ParamError):
        return _error(request, 400, "bad_parameter", exc.message, exc.param)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        err = exc.errors()[0] if exc.errors() else {}
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body")]
        return _error(request, 400, "bad_parameter", err.get("msg", "invalid parameter"), ".".join(loc) or None)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 405 else _MESSAGES.get(exc.status_code, "خطأ")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = _MESSAGES[404]
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):  # never a stack trace to the reader
        # Starlette answers this from outside the middleware stack, so the headers go on here.
        logging.getLogger("sijill").exception("unhandled error on %s", request.url.path)
        response = _error(request, 500, "server_error", "حدث خطأ داخلي؛ سُجّل وسيُصلح.")
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name.decode(), value.decode())
        return response

    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(export.router)
    app.include_router(docs.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    # Outermost last: security headers on everything, then the read-only/CORS surface, then caching.
    app.add_middleware(ConditionalGet, versions=app.state.versions)
    app.add_middleware(ReadOnlySurface)
    app.add_middleware(SecurityHeaders)
    return app
