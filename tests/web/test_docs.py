"""/docs: an Arabic API reference from the OpenAPI schema plus the vendored Swagger UI, CSP-clean."""
from __future__ import annotations

import re

VENDOR = "/static/vendor/swagger-ui/"


def test_docs_page_lists_every_operation_without_inline_code(client):
    r = client.get("/docs")
    assert r.status_code == 200
    html = r.text
    schema = client.get("/openapi.json").json()
    for path in schema["paths"]:
        assert f"GET {path}" in html
    # Under the CSP: no inline script or style, nothing external.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html and " style=" not in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith(("/", "#", "data:")), url
    assert f'src="{VENDOR}swagger-ui-bundle.js"' in html and 'src="/static/js/api-docs.js"' in html


def test_vendored_swagger_ui_is_served_with_its_licence(client):
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert client.get(VENDOR + name).status_code == 200, name
    assert "Apache License" in client.get(VENDOR + "LICENSE").text


def test_openapi_schema_documents_models_with_arabic_examples(client):
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in ("SearchResponse", "ReportDetail", "PlaceListResponse", "PlaceDetail", "PlaceSummary", "Stats",
                 "ErrorResponse"):
        assert name in components, name
    assert "قاضي عسكر" in str(components["SearchResponse"]["examples"])
    assert "قاضي عسكر" in str(components["PlaceSummary"])
    params = {p["name"]: p for p in schema["paths"]["/api/reports"]["get"]["parameters"]}
    assert {"q", "from", "to", "date_field", "sort", "page", "per_page"} <= set(params)
    assert params["q"]["example"] == "قاضي عسكر"
    assert params["per_page"]["schema"]["anyOf"][0]["maximum"] == 100
    for path, item in schema["paths"].items():
        assert set(item) == {"get"}, path  # read-only: nothing but GET is documented
