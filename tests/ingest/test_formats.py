"""Formats: .txt + manifest, .jsonl / .json (also gzipped), .csv, saved .html pages; real archive."""
from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import re
from pathlib import Path

import pytest

from app.ingest.readers import format_of
from app.models import Report
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import SEEDS, contract_id, ingest_paths

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
NEWS = Path("/work/shared/data")


def paragraphs(i: int) -> list[str]:
    """Passages of seed i longer than 80 characters (lines, or sentences of a one-line seed)."""
    parts = re.split(r"(?<=[.!؟])\s+|\n", SEED_TEXTS[i])
    return [p.strip() for p in parts if len(p.strip()) > 80]


def get(archive, rid: str) -> Report:
    with archive.session() as s:
        return s.get(Report, rid)


def rid_of(text: str) -> str:
    return contract_id(text.encode("utf-8"))


def test_format_detection():
    assert format_of(Path("a/b.TXT")) == (".txt", False)
    assert format_of(Path("news.jsonl.gz")) == ("jsonl", True)
    assert format_of(Path("x.ndjson")) == ("jsonl", False)
    assert format_of(Path("page.htm")) == (".html", False)
    assert format_of(Path("sheet.csv.gz")) == ("csv", True)
    assert format_of(Path("report.2016.json")) == ("json", False)
    assert format_of(Path("notes.md")) is None


def test_txt_with_a_windows_1256_manifest(archive, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    text = SEED_TEXTS[2]
    (d / "r.txt").write_text(text, encoding="utf-8")
    manifest = ("file,published,date_basis,source,title,url,retrieved_at,id,comment\n"
                "r.txt,2016-11-17,estimated from content,عنب بلدي,غارات روسية على حلب,"
                "https://example.org/a/1,2016-11-18T09:30:00+02:00,EB-2016-1117,بلا\n")
    (d / "manifest.csv").write_bytes(manifest.encode("cp1256"))
    summary = ingest_paths(archive, d)
    assert summary.refused == [] and summary.added == [rid_of(text)]
    r = get(archive, summary.added[0])
    assert (r.published, r.date_basis, r.source, r.title) == (dt.date(2016, 11, 17), "estimated", "عنب بلدي",
                                                             "غارات روسية على حلب")
    assert r.source_url == "https://example.org/a/1" and r.source_id == "EB-2016-1117"
    assert r.retrieved_at == dt.datetime(2016, 11, 18, 7, 30)  # stored in UTC
    assert r.filename == "r.txt" and r.media_type == "text/plain"
    assert [str(n) for n in summary.notices] == [f"{d / 'manifest.csv'}: unknown column(s) 'comment' ignored"]


def _records() -> list[dict]:
    return [
        {"id": "crawl-0001", "title": "عنوان أول", "published": "2016-12-05", "date_basis": "stated",
         "source": "وكالة", "url": "https://example.org/1", "retrieved_at": "2016-12-06T10:00:00Z",
         "text": "\n".join(paragraphs(0)[:2])},
        {"id": 42, "date": "2016-12-04T22:15:00+03:00", "body": "\n".join(paragraphs(1)[:2]),
         "author": "مراسل", "category": "سياسة"},
        {"text": "\n".join(paragraphs(3)[:2]), "lang": "ar", "date_basis": "estimated", "published": "2016/12/3",
         "crawler_note": "x"},
    ]


def _check_records(archive, summary, origin_name: str):
    recs = _records()
    ids = [rid_of(r.get("text") or r["body"]) for r in recs]
    assert summary.refused == [] and summary.added == ids
    a, b, c = (get(archive, i) for i in ids)
    assert (a.source_id, a.title, a.published, a.date_basis, a.source) == (
        "crawl-0001", "عنوان أول", dt.date(2016, 12, 5), "stated", "وكالة")
    assert a.retrieved_at == dt.datetime(2016, 12, 6, 10, 0) and a.source_url == "https://example.org/1"
    assert (b.source_id, b.published, b.date_basis) == ("42", dt.date(2016, 12, 4), "stated")
    assert b.title  # derived from the first sentence
    assert (c.published, c.date_basis, c.source_id) == (dt.date(2016, 12, 3), "estimated", None)
    assert a.filename.startswith(origin_name)
    notices = [str(n) for n in summary.notices]
    assert len(notices) == 1 and "'crawler_note'" in notices[0] and "author" not in notices[0]
    return ids


def test_jsonl(archive, tmp_path):
    f = tmp_path / "crawl.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _records()) + "\n\n", encoding="utf-8")
    summary = ingest_paths(archive, f)
    ids = _check_records(archive, summary, "crawl.jsonl")
    assert get(archive, ids[1]).filename == "crawl.jsonl:line 2"


def test_jsonl_gz_and_json_array_gz_and_single_object(archive, tmp_path):
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in _records())
    (tmp_path / "a").mkdir()
    with gzip.open(tmp_path / "a" / "crawl.jsonl.gz", "wt", encoding="utf-8") as g:
        g.write(lines)
    _check_records(archive, ingest_paths(archive, tmp_path / "a"), "crawl.jsonl.gz")

    second = tmp_path / "b"
    second.mkdir()
    with gzip.open(second / "arr.json.gz", "wt", encoding="utf-8") as g:
        json.dump([{"text": p, "source": "S"} for p in paragraphs(4)[:3]], g, ensure_ascii=False)
    (second / "one.json").write_text(json.dumps({"text": paragraphs(2)[0], "id": "solo"}, ensure_ascii=False),
                                     encoding="utf-8")
    summary = ingest_paths(archive, second)
    assert summary.refused == [] and len(summary.added) == 4
    assert get(archive, rid_of(paragraphs(4)[1])).filename == "arr.json.gz:record 2"
    assert get(archive, rid_of(paragraphs(2)[0])).source_id == "solo"


def test_csv_comma_and_semicolon_windows_1256(archive, tmp_path):
    import csv
    import io

    def sheet(delim: str) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delim)
        w.writerow(["Title", "Published", "Source", "ID", "Text"])  # header case does not matter
        w.writerow(["أول", "2016-12-01", "مصدر", "row-1", paragraphs(0)[0] + "\n" + paragraphs(0)[1]])
        w.writerow(["", "", "", "", ""])  # a blank row is skipped silently
        w.writerow(["ثان", "", "", "row-2", paragraphs(1)[0]])
        return buf.getvalue()

    (tmp_path / "comma.csv").write_text(sheet(","), encoding="utf-8-sig")
    (tmp_path / "semi.csv").write_bytes(sheet(";").replace("row-", "semi-").replace("أول", "أولى").encode("cp1256"))
    summary = ingest_paths(archive, tmp_path / "comma.csv")
    assert summary.refused == [] and len(summary.added) == 2
    r = get(archive, rid_of(paragraphs(0)[0] + "\n" + paragraphs(0)[1]))
    assert (r.title, r.published, r.source, r.source_id, r.filename) == (
        "أول", dt.date(2016, 12, 1), "مصدر", "row-1", "comma.csv:line 2")
    assert get(archive, rid_of(paragraphs(1)[0])).filename == "comma.csv:line 5"  # the row's first line
    again = ingest_paths(archive, tmp_path / "semi.csv")
    assert again.refused == [] and len(again.duplicates) == 2  # same texts, other encoding/delimiter


PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="windows-1256">
<title>قوات النظام تتقدم في حلب - موقع الأخبار</title>
<meta property="og:title" content="قوات النظام تتقدم في حلب">
<meta property="article:published_time" content="2016-12-05T10:00:00+02:00">
<meta property="og:site_name" content="موقع الأخبار">
<link rel="canonical" href="https://example.org/news/123">
<script>var ad = "<p>إعلان لا يجب أن يظهر</p>";</script>
</head><body><nav><a href="/">الرئيسية</a> <a href="/world">العالم</a></nav>
<article><h1>قوات النظام تتقدم في حلب</h1>
<p>PARA1</p>
<p>PARA2</p>
</article><footer>جميع الحقوق محفوظة لموقع الأخبار</footer></body></html>
"""


def test_saved_html_page(archive, tmp_path):
    page = PAGE.replace("PARA1", paragraphs(0)[0]).replace("PARA2", paragraphs(0)[1])
    (tmp_path / "page.html").write_bytes(page.encode("cp1256"))
    summary = ingest_paths(archive, tmp_path / "page.html")
    assert summary.refused == [] and summary.added == [rid_of(page)]  # the ID hashes the page as received
    r = get(archive, summary.added[0])
    assert r.title == "قوات النظام تتقدم في حلب"
    assert (r.published, r.date_basis) == (dt.date(2016, 12, 5), "stated")
    assert r.source == "موقع الأخبار" and r.source_url == "https://example.org/news/123"
    assert r.media_type == "text/html" and r.encoding == "cp1256"
    assert r.original == page  # the page is kept as the original
    assert paragraphs(0)[0] in r.body and paragraphs(0)[1] in r.body
    for chrome in ("الرئيسية", "جميع الحقوق", "إعلان", "<p>"):
        assert chrome not in r.body
    assert not r.body.startswith("قوات النظام تتقدم في حلب")  # the <h1> is the title, not the text


def test_directories_are_read_recursively_in_a_stable_order(archive, tmp_path):
    root = tmp_path / "in"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(paragraphs(0)[0], encoding="utf-8")
    (root / "b" / "deep" / "c.txt").write_text(paragraphs(1)[0], encoding="utf-8")
    (root / "b" / "r.jsonl").write_text(json.dumps({"text": paragraphs(2)[0]}, ensure_ascii=False), encoding="utf-8")
    (root / ".hidden" / "x.txt").write_text(paragraphs(3)[0], encoding="utf-8")
    (root / ".dot.txt").write_text(paragraphs(3)[1], encoding="utf-8")
    (root / "README.md").write_text("not a report", encoding="utf-8")
    summary = ingest_paths(archive, root)
    assert summary.refused == []
    assert summary.added == [rid_of(paragraphs(0)[0]), rid_of(paragraphs(1)[0]), rid_of(paragraphs(2)[0])]


def test_a_source_id_is_searchable_and_shown(archive, tmp_path, client_for):
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "ant-JA-culture-1-20170120", "text": SEED_TEXTS[1]}, ensure_ascii=False),
                 encoding="utf-8")
    rid = ingest_paths(archive, f).added[0]
    service = SearchService(archive)
    for q in ("ant-JA-culture-1-20170120", "ANT-ja-CULTURE-1-20170120", rid):
        page = service.search(SearchParams(q=q))
        assert [h.id for h in page.results] == [rid], q
    html = client_for(archive).get(f"/reports/{rid}").text
    assert "ant-JA-culture-1-20170120" in html


@pytest.mark.skipif(not (NEWS / "ant_multisource.jsonl.gz").is_file(), reason="shared news data not present")
def test_the_shared_news_files_ingest_as_they_are(archive, tmp_path):
    """A sample of each gzipped news file, copied byte-for-byte (the first 150 lines)."""
    for name in ("ant_multisource.jsonl.gz", "ant_jawharafm.jsonl.gz"):
        with gzip.open(NEWS / name, "rb") as src, gzip.open(tmp_path / name, "wb") as dst:
            dst.writelines(itertools.islice(src, 150))
    summary = ingest_paths(archive, tmp_path)
    assert summary.refused == [] and summary.notices == []
    assert len(summary.added) + len(summary.duplicates) == 300
    with archive.session() as s:
        r = s.get(Report, summary.added[0])
    assert r.source_id.startswith("ant-") and r.published and r.source
