"""/docs: an Arabic reference generated from the OpenAPI schema, plus the vendored Swagger UI.

The reference is server-rendered (works without JavaScript); Swagger UI (swagger-ui-dist 5.35.0,
Apache-2.0, in static/vendor/swagger-ui/) is started by the static file static/js/api-docs.js, so
the page runs under the site's strict CSP (no inline script or style, no external asset).
"""
from __future__ import annotations

from fastapi import APIRouter, Request

from .pages import render

SWAGGER_UI_VERSION = "5.35.0"

router = APIRouter(include_in_schema=False)


def operations(schema: dict) -> list[dict]:
    ops = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", "head"):
                continue
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""),
                        "parameters": [p["name"] for p in op.get("parameters", [])]})
    return ops


@router.get("/docs")
def docs(request: Request):
    return render(request, "docs.html", operations=operations(request.app.openapi()))
