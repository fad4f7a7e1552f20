"""The HTTP app with the seeds: pages, their JSON twins, errors, headers."""
import pytest


def test_home(client):
    r = client.get("/")
    assert r.status_code == 200
    assert '<html lang="ar" dir="rtl">' in r.text
    assert "5" in r.text


def test_reports_search_page(client, seed_ids):
    r = client.get("/reports", params={"q": "قاضي عسكر"})
    assert r.status_code == 200
    assert f"/reports/{seed_ids['004']}" in r.text
    assert "<mark>قاضي</mark>" in r.text


def test_report_page_highlights_and_jumps(client, seed_ids):
    r = client.get(f"/reports/{seed_ids['001']}", params={"q": "لافروف"})
    assert r.status_code == 200
    assert '<mark id="match-1">لافروف</mark>' in r.text
    assert 'href="#match-1"' in r.text
    assert "تاريخ تقديري" in r.text  # estimated dates are labelled


def test_unknown_report_is_an_arabic_404(client):
    r = client.get("/reports/000000000000")
    assert r.status_code == 404 and "غير موجود" in r.text and 'dir="rtl"' in r.text
    assert client.get("/reports/not-an-id").status_code == 404


@pytest.mark.parametrize("params,param", [
    ({"page": "abc"}, "page"), ({"per_page": "0"}, "per_page"), ({"per_page": "101"}, "per_page"),
    ({"from": "2016-13-40"}, "from"), ({"sort": "best"}, "sort"),
    ({"from": "2016-12-05", "to": "2016-12-01"}, "to"),
])
def test_bad_parameters_are_400_never_500(client, params, param):
    r = client.get("/reports", params=params)
    assert r.status_code == 400 and "طلب غير صالح" in r.text
    api = client.get("/api/reports", params=params)
    assert api.status_code == 400
    assert api.json()["error"]["param"] == param
    assert set(api.json()["error"]) == {"code", "message", "param"}


def test_api_reports_shape(client, seed_ids):
    data = client.get("/api/reports", params={"q": "حلب", "per_page": 100}).json()
    assert data["total"] == 5 and data["page"] == 1 and data["per_page"] == 100
    assert {r["id"] for r in data["results"]} == set(seed_ids.values())
    for r in data["results"]:
        assert {"id", "title", "published", "date_basis", "snippet_html"} <= set(r)


def test_html_and_json_list_the_same_reports(client):
    import re
    for params in ({"q": "حلب"}, {}, {"q": "المدنيين", "sort": "oldest"}, {"per_page": 2, "page": 2}):
        html = client.get("/reports", params=params).text
        html_ids = re.findall(r'<h3[^>]*><a href="/reports/([0-9a-f]{12})', html)
        api_ids = [r["id"] for r in client.get("/api/reports", params=params).json()["results"]]
        assert html_ids == api_ids and api_ids


def test_api_report(client, seed_ids):
    r = client.get(f"/api/reports/{seed_ids['000']}")
    assert r.status_code == 200
    data = r.json()
    assert data["id"] == seed_ids["000"] and len(data["sha256"]) == 64 and data["date_basis"] == "estimated"
    assert client.get("/api/reports/000000000000").json()["error"]["code"] == "not_found"


def test_healthz_counts(client):
    assert client.get("/healthz").json() == {"status": "ok", "database": 5, "index": 5}


def test_security_headers(client):
    r = client.get("/reports")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "referrer-policy" in r.headers


def test_openapi(client):
    spec = client.get("/openapi.json").json()
    assert "/api/reports" in spec["paths"] and "/api/reports/{report_id}" in spec["paths"]


def test_a_server_error_is_an_arabic_page_with_security_headers(seeded_settings, monkeypatch):
    """Even an unexpected failure shows a page for people, with the same strict headers."""
    from fastapi.testclient import TestClient

    from app.search.service import SearchService
    from app.web.app import create_app

    def broken(self, params):
        raise RuntimeError("injected failure")

    monkeypatch.setattr(SearchService, "search", broken)
    with TestClient(create_app(seeded_settings), raise_server_exceptions=False) as c:
        r = c.get("/reports", params={"q": "حلب"})
        assert r.status_code == 500 and "حدث خطأ" in r.text and "Traceback" not in r.text
        assert "default-src 'self'" in r.headers["content-security-policy"]
        api = c.get("/api/reports", params={"q": "حلب"})
        assert api.status_code == 500 and api.json()["error"]["code"] == "server_error"
