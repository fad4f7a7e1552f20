"""/reports.csv and /reports.jsonl: whole result sets, streamed, round-tripping Arabic text."""
from __future__ import annotations

import csv
import io
import json

import pytest
from app.search.params import SearchParams
from app.web.export import CSV_COLUMNS, csv_chunks, jsonl_chunks, spreadsheet_safe


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM first, so spreadsheets read Arabic as UTF-8"
    text = body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return rows


def test_csv_of_the_seeds_round_trips_the_arabic_text(client, newest_ids):
    r = client.get("/reports.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert [row["id"] for row in rows] == newest_ids  # default order: newest first, as /reports
    for row in rows:
        full = client.get(f"/api/reports/{row['id']}").json()
        assert row["text"] == full["body"]
        assert row["title"] == full["title"]
        assert row["published"] == (full["published"] or "")
        assert row["date_basis"] == full["date_basis"]
        assert row["url"] == f"http://testserver/reports/{row['id']}"
        assert row["places"] == ";".join(p["slug"] for p in full["places"])


def test_csv_takes_the_filters_and_sort_of_reports_and_ignores_paging(client):
    params = {"q": "حلب", "sort": "oldest", "per_page": "2", "page": "2"}
    rows = read_csv(client.get("/reports.csv", params=params).content)
    api = client.get("/api/reports", params={"q": "حلب", "sort": "oldest", "per_page": "100"}).json()
    assert [row["id"] for row in rows] == [x["id"] for x in api["results"]]
    assert len(rows) == 5
    rows = read_csv(client.get("/reports.csv", params={"q": "كفرنبل"}).content)
    assert len(rows) == 1 and "كفرنبل" in rows[0]["text"]
    empty = client.get("/reports.csv", params={"q": "كلمةغيرموجودةأبدا"}).content
    assert read_csv(empty) == [] and empty.decode("utf-8-sig").startswith("id,title,")


def test_jsonl_round_trips_the_api_records(client, newest_ids):
    r = client.get("/reports.jsonl")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = r.content.decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [x["id"] for x in records] == newest_ids
    for rec in records:
        api = client.get(f"/api/reports/{rec['id']}").json()
        assert rec["url"] == "http://testserver" + api["url"]
        assert {**rec, "url": api["url"]} == api
    assert "\\u06" not in r.text, "Arabic is written as UTF-8, not \\u escapes"


def test_bad_export_parameter_is_a_400_in_the_error_shape(client):
    for path in ("/reports.csv", "/reports.jsonl"):
        r = client.get(path, params={"sort": "random"})
        assert r.status_code == 400
        assert r.json() == {"error": {"code": "bad_parameter", "message": r.json()["error"]["message"],
                                      "param": "sort"}}


def test_exports_stream_in_batches_with_the_same_result(web_app, newest_ids):
    service = web_app.state.service
    params = SearchParams.parse({"q": "حلب", "sort": "oldest"})
    one = list(csv_chunks(service, params, "http://x", batch=200))
    small = list(csv_chunks(service, params, "http://x", batch=2))
    assert len(one) == 2 and len(small) == 4  # header chunk + one chunk per batch
    assert b"".join(one) == b"".join(small)
    assert b"".join(jsonl_chunks(service, params, "http://x", batch=1)) == \
        b"".join(jsonl_chunks(service, params, "http://x", batch=200))
    batches = list(service.iter_result_ids(params, batch=2))
    assert [len(b) for b in batches] == [2, 2, 1]


def test_head_on_an_export_sends_headers_only(client):
    r = client.head("/reports.csv")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"].startswith("text/csv") and r.headers["etag"]


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("حلب = مدينة", "حلب = مدينة"), ("", ""),
])
def test_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


def test_formula_injection_is_neutralised_in_real_exports(tmp_path, make_archive):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text('=HYPERLINK("http://evil.example","اضغط هنا") قصف على حي الصاخور.\n\nنص ثان.',
                               encoding="utf-8")
    (src / "b.txt").write_text("@SUM(1+1) تقرير عن حلب وأحيائها الشرقية.", encoding="utf-8")
    (src / "c.txt").write_text("-5 قتلى في قصف <script>alert(1)</script> على حلب.", encoding="utf-8")
    _, client = make_archive(src)
    rows = read_csv(client.get("/reports.csv").content)
    assert len(rows) == 3
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@")), (column, cell)
    texts = sorted(row["text"] for row in rows)
    assert any("\n\nنص ثان." in t for t in texts)  # paragraphs survive CSV quoting
    assert texts[0].startswith("'-5 قتلى") and "<script>" in texts[0]  # CSV carries text, not HTML
    # JSON Lines keeps the exact text.
    exact = sorted(json.loads(line)["body"] for line in client.get("/reports.jsonl").text.splitlines())
    assert exact[0].startswith("-5 قتلى") and exact[1].startswith("=HYPERLINK(")


def test_an_ingest_during_an_export_does_not_break_it(tmp_path, make_archive):
    from app.archive import Archive
    from app.ingest.pipeline import ingest
    from tests.conftest import SEEDS

    settings, client = make_archive(SEEDS)
    app = client.app
    chunks = csv_chunks(app.state.service, SearchParams(), "http://x", batch=2)
    started = [next(chunks), next(chunks)]  # header and the first batch
    more = tmp_path / "more"
    more.mkdir()
    (more / "n.txt").write_text("تقرير جديد عن قصف حي الشعار في حلب.", encoding="utf-8")
    ingest(Archive(settings), [more], max_bytes=settings.max_report_bytes)
    assert client.get("/api/stats").json()["reports"] == 6  # the app has moved to the new generation
    rows = read_csv(b"".join(started + list(chunks)))
    assert len(rows) == 5  # the export finishes the result set it started with
    assert len(read_csv(client.get("/reports.csv").content)) == 6
