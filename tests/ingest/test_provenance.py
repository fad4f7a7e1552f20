"""Provenance on the report page, with a copyable citation and BibTeX / CSL-JSON downloads."""
from __future__ import annotations

import hashlib
import json
import re

from app.models import Report
from tests.conftest import SEEDS, ingest_paths

TEXT = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")


def ingest_one(archive, tmp_path, **fields) -> Report:
    f = tmp_path / "one.jsonl"
    record = {"text": TEXT, "id": "enab-2016-12-05-7", "title": "سيطرة على حي قاضي عسكر", "source": "عنب بلدي",
              "url": "https://example.org/news/7?a=1&b=2", "published": "2016-12-05", "date_basis": "estimated",
              "retrieved_at": "2016-12-06T08:00:00Z"} | fields
    f.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    summary = ingest_paths(archive, f)
    assert summary.refused == []
    with archive.session() as s:
        return s.get(Report, summary.added[0])


def test_the_page_shows_provenance_and_a_citation(archive, tmp_path, client_for):
    r = ingest_one(archive, tmp_path)
    assert r.original_sha256 == hashlib.sha256((tmp_path / "one.jsonl").read_bytes()).hexdigest()
    html = client_for(archive).get(f"/reports/{r.id}").text
    for shown in (r.sha256, r.original_sha256, "enab-2016-12-05-7", "2016-12-06 08:00:00", "one.jsonl",
                  'href="https://example.org/news/7?a=1&amp;b=2"', f'href="/reports/{r.id}.bib"',
                  f'href="/reports/{r.id}.csl.json"', 'data-copy="citation"'):
        assert shown in html, shown
    citation = html[html.index('<textarea id="citation"'):]
    citation = citation[:citation.index("</textarea>")]
    for part in ("«سيطرة على حي قاضي عسكر»، عنب بلدي، 2016-12-05 (تاريخ تقديري).", "https://example.org/news/7?a=1&amp;b=2",
                 "معرّف المصدر: enab-2016-12-05-7", f"أرشيف سجل: http://testserver/reports/{r.id}",
                 "جُلب في 2016-12-06", f"أُضيف إلى الأرشيف في {r.ingested_at.date()}", f"(sha256): {r.sha256}"):
        assert part in citation, part


def test_bibtex_and_csl_json_downloads(archive, tmp_path, client_for):
    r = ingest_one(archive, tmp_path, title="عنوان {غريب} 100% & $ # _")
    client = client_for(archive)
    bib = client.get(f"/reports/{r.id}.bib")
    assert bib.status_code == 200 and bib.headers["content-type"].startswith("application/x-bibtex")
    assert f'filename="sijill-{r.id}.bib"' in bib.headers["content-disposition"]
    text = bib.text
    assert text.startswith(f"@online{{sijill-{r.id},")
    assert r"title = {عنوان \{غريب\} 100\% \& \$ \# \_}" in text
    assert "date = {2016-12-05~}" in text  # biblatex: an approximate date
    assert "url = {https://example.org/news/7?a=1&b=2}" in text and "urldate = {2016-12-06}" in text
    assert f"http://testserver/reports/{r.id}" in text and r.sha256 in text
    # braces balance once the escaped ones are set aside: the entry parses
    assert len(re.findall(r"(?<!\\){", text)) == len(re.findall(r"(?<!\\)}", text))

    csl = client.get(f"/reports/{r.id}.csl.json")
    assert csl.status_code == 200 and "csl+json" in csl.headers["content-type"]
    (item,) = csl.json()
    assert item["id"] == f"sijill-{r.id}" and item["title"] == "عنوان {غريب} 100% & $ # _"
    assert item["issued"] == {"date-parts": [[2016, 12, 5]], "circa": True}
    assert item["accessed"] == {"date-parts": [[2016, 12, 6]]}
    assert item["container-title"] == "عنب بلدي" and item["URL"] == "https://example.org/news/7?a=1&b=2"
    assert item["archive_location"] == f"http://testserver/reports/{r.id}" and r.sha256 in item["note"]

    assert client.get("/reports/000000000000.bib").status_code == 404
    assert client.get("/reports/not-an-id.csl.json").status_code == 404


def test_a_javascript_url_is_shown_but_never_linked(archive, tmp_path, client_for):
    r = ingest_one(archive, tmp_path, url="javascript:alert(1)", title="<script>alert(2)</script>")
    client = client_for(archive)
    html = client.get(f"/reports/{r.id}").text
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
    assert "<script>alert(2)</script>" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    (item,) = client.get(f"/reports/{r.id}.csl.json").json()
    assert item["URL"] == f"http://testserver/reports/{r.id}"  # the archived copy, not the script URL


def test_the_api_reports_provenance(archive, tmp_path, client_for):
    r = ingest_one(archive, tmp_path)
    data = client_for(archive).get(f"/api/reports/{r.id}").json()
    assert data["source_id"] == "enab-2016-12-05-7" and data["encoding"] == "utf-8"
    assert data["media_type"] == "text/plain" and data["original_sha256"] == r.original_sha256
    assert data["retrieved_at"].startswith("2016-12-06T08:00:00")
