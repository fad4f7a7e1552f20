"""The same surface over real HTTP (uvicorn in a subprocess): revalidation, streaming, HEAD, CORS."""
from __future__ import annotations

import csv
import http.client
import io
import json
from urllib.parse import urlsplit


def request(base: str, method: str, path: str, headers: dict | None = None):
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_etag_revalidation_over_http(live_server):
    status, headers, body = request(live_server, "GET", "/api/reports?q=%D8%AD%D9%84%D8%A8")
    assert status == 200 and json.loads(body)["total"] == 5
    status, again, body = request(live_server, "GET", "/api/reports?q=%D8%AD%D9%84%D8%A8",
                                  {"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["etag"] == headers["etag"]
    status, _, _ = request(live_server, "GET", "/reports", {"If-Modified-Since": headers["last-modified"]})
    assert status == 304


def test_csv_export_streams_chunked_over_http(live_server):
    status, headers, body = request(live_server, "GET", "/reports.csv")
    assert status == 200
    assert headers.get("transfer-encoding") == "chunked"  # streamed, never sized up front
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert len(rows) == 5 and all(r["url"].startswith(live_server + "/reports/") for r in rows)


def test_head_and_methods_over_http(live_server):
    status, headers, body = request(live_server, "HEAD", "/api/stats")
    assert status == 200 and body == b"" and headers["etag"]
    status, headers, body = request(live_server, "DELETE", "/api/reports/000000000000")
    assert status == 405 and json.loads(body)["error"]["code"] == "method_not_allowed"
    assert headers["allow"] == "GET, HEAD"


def test_cors_over_http(live_server):
    _, headers, _ = request(live_server, "GET", "/api/stats", {"Origin": "https://elsewhere.example"})
    assert headers["access-control-allow-origin"] == "*"
    _, headers, _ = request(live_server, "GET", "/reports", {"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in headers
