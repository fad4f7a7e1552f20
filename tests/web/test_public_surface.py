"""A read-only public surface: GET/HEAD only (405 in one error shape), CORS on /api/ only, one error shape."""
from __future__ import annotations

import pytest

PATHS = ["/api/reports", "/api/reports/000000000000", "/api/stats", "/api/neighbourhoods", "/api/nothing/here",
         "/reports", "/", "/feed.atom", "/reports.csv", "/reports.jsonl", "/static/css/sijill.css", "/nowhere"]


def assert_error_shape(r, status: int, code: str, param=None):
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "param"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert body["error"]["param"] == param


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"])
@pytest.mark.parametrize("path", PATHS)
def test_nothing_but_get_and_head(client, method, path):
    r = client.request(method, path, content=b'{"title": "x"}', headers={"content-type": "application/json"})
    assert_error_shape(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD"


def test_writes_change_nothing(client):
    before = client.get("/api/stats").json()["reports"]
    for method in ("POST", "PUT", "DELETE"):
        client.request(method, "/api/reports", content=b"x")
    assert client.get("/api/stats").json()["reports"] == before


@pytest.mark.parametrize("path", ["/api/reports", "/api/reports?q=%D8%AD%D9%84%D8%A8", "/api/stats",
                                  "/api/neighbourhoods", "/api/reports/000000000000", "/api/nothing",
                                  "/api/reports?page=0"])
def test_cors_on_api(client, path):
    r = client.get(path, headers={"Origin": "https://researcher.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "ETag" in r.headers["access-control-expose-headers"]


@pytest.mark.parametrize("path", ["/", "/reports", "/help", "/docs", "/feed.atom", "/reports.csv", "/reports.jsonl",
                                  "/openapi.json", "/healthz", "/static/css/sijill.css", "/nowhere"])
def test_no_cors_outside_api(client, path):
    r = client.get(path, headers={"Origin": "https://researcher.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_preflight_on_api_only(client):
    headers = {"Origin": "https://researcher.example", "Access-Control-Request-Method": "GET",
               "Access-Control-Request-Headers": "if-none-match"}
    r = client.options("/api/reports", headers=headers)
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-methods"] == "GET, HEAD"
    assert "If-None-Match" in r.headers["access-control-allow-headers"]
    r = client.options("/reports", headers=headers)
    assert r.status_code == 405 and "access-control-allow-origin" not in r.headers


def test_head_is_get_without_a_body(client):
    get, head = client.get("/api/reports"), client.head("/api/reports")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == get.headers["content-length"]
    assert client.head("/reports").status_code == 200
    assert client.head("/api/reports/000000000000").status_code == 404


def test_unknown_api_route_is_a_404_in_the_error_shape(client):
    assert_error_shape(client.get("/api/nothing/here"), 404, "not_found")
    assert_error_shape(client.get("/api/reports/zzz"), 404, "not_found")
    assert_error_shape(client.get("/api/reports/000000000000"), 404, "not_found")


@pytest.mark.parametrize("query,param", [
    ("page=0", "page"), ("page=abc", "page"), ("per_page=101", "per_page"), ("per_page=0", "per_page"),
    ("from=2016-13-40", "from"), ("to=yesterday", "to"), ("from=2016-12-31&to=2016-12-01", "to"),
    ("sort=random", "sort"), ("date_field=ingested", "date_field"), ("neighbourhood=no-such-place", "neighbourhood"),
    # Exactly what the OpenAPI schema promises, nothing looser (schemathesis checks both ways):
    ("page=+5", "page"), ("page=%205", "page"), ("page=%D9%A5", "page"), ("page=5_0", "page"),
    ("page=" + "9" * 5000, "page"), ("from=20161201", "from"), ("from=2016-W48-1", "from"),
    ("to=%C2%85", "to"), ("sort=%20newest", "sort"), ("collapse=maybe", "collapse"),
])
def test_bad_parameters_are_400_naming_the_parameter(client, query, param):
    assert_error_shape(client.get(f"/api/reports?{query}"), 400, "bad_parameter", param)
    page = client.get(f"/reports?{query}")
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")


def test_html_pages_keep_html_errors(client):
    r = client.get("/reports/000000000000")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert 'lang="ar"' in r.text


def test_security_headers_still_everywhere(client):
    for path in ("/", "/api/reports", "/feed.atom", "/docs"):
        assert "script-src 'self'" in client.get(path).headers["content-security-policy"]
    r = client.post("/api/reports")
    assert "content-security-policy" in r.headers


def test_empty_form_fields_mean_absent(client):
    """HTML forms send every field, filled or not: an empty value is no filter, not an error."""
    r = client.get("/api/reports?q=&from=&to=&date_field=&sort=&page=&per_page=&collapse=&neighbourhood=")
    assert r.status_code == 200 and r.json()["total"] == 5
