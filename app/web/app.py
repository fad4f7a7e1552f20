"""The FastAPI application: one Archive and one SearchService per process."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.archive import Archive
from app.config import Settings, get_settings
from app.gazetteer.load import get as get_place
from app.search.params import ParamError
from app.search.service import SearchService

from . import api, dates, pages
from .security import SecurityHeaders

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"

_MESSAGES = {404: "الصفحة المطلوبة غير موجودة", 405: "الطريقة غير مسموحة", 400: "طلب غير صالح"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/openapi.json")


def _error(request: Request, status: int, code: str, message: str, param: str | None = None):
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message, "param": param}}, status_code=status)
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "param": param}, status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    archive = Archive(settings)
    app = FastAPI(title="Sijill — سجل", version="0.1.0", docs_url=None, redoc_url=None,
                  description="A searchable archive of Arabic reports on armed conflict. Read-only JSON API: "
                              "every HTML page has a twin under /api/ with the same parameters.")
    app.state.settings = settings
    app.state.archive = archive
    app.state.service = SearchService(archive)
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["site_name"] = "سجل"
    dates.register(templates.env)
    templates.env.globals["place"] = get_place
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
        return _error(request, 500, "server_error", "حدث خطأ داخلي؛ سُجّل وسيُصلح.")

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(SecurityHeaders)
    return app
