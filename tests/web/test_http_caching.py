"""ETag / Last-Modified from the archive's last change; 304 on revalidation; new data → new validators."""
from __future__ import annotations

import pytest

from app.archive import Archive
from app.ingest.pipeline import ingest

CACHED = ["/", "/reports?q=%D8%AD%D9%84%D8%A8", "/help", "/docs", "/api/reports?q=%D8%AD%D9%84%D8%A8&page=1",
          "/api/stats", "/api/neighbourhoods", "/feed.atom", "/reports.csv", "/reports.jsonl", "/openapi.json"]


@pytest.mark.parametrize("url", CACHED)
def test_etag_revalidation_returns_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('W/"') and "max-age" in first.headers["cache-control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"someone-else", ' + etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    assert client.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified}).status_code == 200


def test_report_permalink_revalidates(client, newest_ids):
    first = client.get(f"/reports/{newest_ids[0]}")
    assert client.get(f"/reports/{newest_ids[0]}", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    api = client.get(f"/api/reports/{newest_ids[0]}", headers={"If-None-Match": first.headers["etag"]})
    assert api.status_code == 304 and api.headers["access-control-allow-origin"] == "*"


def test_errors_and_health_carry_no_validators(client):
    assert "etag" not in client.get("/api/reports/000000000000").headers
    assert "etag" not in client.get("/api/reports?page=0").headers
    health = client.get("/healthz")
    assert "etag" not in health.headers and health.headers["cache-control"] == "no-store"
    assert client.get("/reports?q=x", headers={"If-None-Match": "*"}).status_code == 200
    assert client.get("/reports", headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_a_new_report_changes_the_validators(tmp_path, make_archive):
    src = tmp_path / "first"
    src.mkdir()
    (src / "a.txt").write_text("قصف عنيف على حي الصاخور في حلب صباح اليوم.", encoding="utf-8")
    settings, client = make_archive(src)
    before = client.get("/api/reports")
    etag = before.headers["etag"]
    assert client.get("/api/reports", headers={"If-None-Match": etag}).status_code == 304

    more = tmp_path / "second"
    more.mkdir()
    (more / "b.txt").write_text("اشتباكات في حي بستان القصر بحلب وسقوط قتلى من المدنيين.", encoding="utf-8")
    # Another process (the CLI) ingests: the running app sees the new index generation.
    ingest(Archive(settings), [more], max_bytes=settings.max_report_bytes)

    after = client.get("/api/reports", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.json()["total"] == 2
    assert after.headers["etag"] != etag
    assert client.get("/api/stats").json()["reports"] == 2
    assert client.get("/api/reports", headers={"If-None-Match": after.headers["etag"]}).status_code == 304
