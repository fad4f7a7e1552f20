"""Every HTML page names its JSON twin, and the twin lists the same reports in the same order."""
from __future__ import annotations

import re
from html import unescape

import pytest

ALT = re.compile(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"')

SEARCHES = [
    {},
    {"q": "حلب"},
    {"q": "حلب", "sort": "oldest"},
    {"q": "حلب", "sort": "newest", "per_page": "2"},
    {"q": "حلب", "per_page": "2", "page": "2"},
    {"q": "حلب", "per_page": "2", "page": "3"},
    {"q": "مدنيين"},
    {"q": '"الولايات المتحدة"'},
    {"q": "لافروف", "sort": "oldest"},
    {"from": "2016-12-01", "to": "2016-12-31"},
    {"q": "حلب", "from": "2016-11-20", "sort": "oldest"},
    {"to": "2016-11-30", "per_page": "1", "page": "2"},
    {"date_field": "mentioned", "from": "2016-12-01"},
    {"sort": "oldest", "per_page": "3"},
    {"q": "كلمةغيرموجودةأبدا"},
]


def alternates(html: str) -> dict[str, str]:
    return {t: unescape(h) for t, h in ALT.findall(html)}


def link_header(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(","):
        m = re.match(r'\s*<([^>]+)>;\s*rel="([^"]+)";\s*type="([^"]+)"', part)
        assert m, part
        if m.group(2) == "alternate":
            out[m.group(3)] = m.group(1)
    return out


def twin(client, url: str):
    page = client.get(url)
    assert page.status_code == 200, url
    tags = alternates(page.text)
    header = link_header(page.headers["link"])
    assert tags["application/json"] == header["application/json"], "tag and Link header disagree"
    assert tags["application/atom+xml"] == header["application/atom+xml"]
    api = client.get(tags["application/json"])
    assert api.status_code == 200, tags["application/json"]
    return page, api.json(), tags


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "browse")
def test_results_page_and_twin_list_same_reports_in_same_order(client, params, result_ids):
    page = client.get("/reports", params=params)
    assert page.status_code == 200
    tags = alternates(page.text)
    data = client.get(tags["application/json"]).json()
    direct = client.get("/api/reports", params=params).json()
    html_ids = result_ids(page.text)
    assert html_ids == [r["id"] for r in data["results"]] == [r["id"] for r in direct["results"]]
    assert data["total"] == direct["total"]
    if params.get("q") != "كلمةغيرموجودةأبدا" and params.get("date_field") != "mentioned":
        assert html_ids, "the combination should list something on the seeds"


def test_every_seed_is_reachable_through_paging_links(client, newest_ids):
    url, seen = "/api/reports?per_page=2", []
    while url:
        data = client.get(url).json()
        seen += [r["id"] for r in data["results"]]
        url = data["links"]["next"]
    assert seen == newest_ids and len(seen) == 5
    assert client.get("/api/reports?per_page=2&page=3").json()["links"]["prev"].endswith("page=2")


def test_home_page_twin(client, result_ids):
    page, data, tags = twin(client, "/")
    assert result_ids(page.text) == [r["id"] for r in data["results"]]
    assert tags["application/atom+xml"] == "/feed.atom"


def test_report_page_twin_is_the_same_report(client, newest_ids):
    for rid in newest_ids:
        page, data, _ = twin(client, f"/reports/{rid}")
        assert data["id"] == rid
        assert data["url"] == f"/reports/{rid}"
        assert unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page.text, re.S).group(1)).strip() == data["title"]


def test_report_detail_has_provenance_places_and_dates(client, newest_ids):
    data = client.get(f"/api/reports/{newest_ids[0]}").json()
    assert len(data["sha256"]) == 64 and data["sha256"].startswith(data["id"])
    assert data["filename"].endswith(".txt")
    assert data["date_basis"] == "estimated"
    assert isinstance(data["places"], list) and isinstance(data["dates"], list)
    assert data["ingested_at"]


def test_results_page_alternates_include_feed_and_exports_with_same_filters(client):
    page = client.get("/reports", params={"q": "حلب", "sort": "oldest", "page": "2", "per_page": "2"})
    tags = alternates(page.text)
    assert tags["application/atom+xml"].startswith("/feed.atom?q=")
    assert "page=" not in tags["application/atom+xml"] and "sort=" not in tags["application/atom+xml"]
    assert tags["text/csv"].startswith("/reports.csv?") and "sort=oldest" in tags["text/csv"]
    assert "page=" not in tags["text/csv"]
    assert tags["application/x-ndjson"].startswith("/reports.jsonl?")


def test_search_response_links_point_to_twins(client, result_ids):
    data = client.get("/api/reports", params={"q": "حلب", "per_page": "2"}).json()
    links = data["links"]
    assert client.get(links["self"]).json()["results"] == data["results"]
    assert result_ids(client.get(links["html"]).text) == [r["id"] for r in data["results"]]
    for name in ("feed", "csv", "jsonl"):
        assert client.get(links[name]).status_code == 200


def test_neighbourhood_list_twin_lists_the_same_places(client):
    page, data, tags = twin(client, "/neighbourhoods")
    assert tags["application/json"] == "/api/neighbourhoods"
    html_slugs = re.findall(r'<a href="/neighbourhoods/([^"#?]+)">', page.text)
    json_slugs = [p["slug"] for g in data["groups"] for p in g["places"]]
    assert html_slugs == json_slugs and len(json_slugs) == data["total"] >= 100


@pytest.mark.parametrize("query", ["", "?per_page=1", "?per_page=1&page=2"])
def test_place_pages_and_twins_list_the_same_reports(client, result_ids, query):
    data = client.get("/api/neighbourhoods").json()
    named = sorted((p for g in data["groups"] for p in g["places"] if p["report_count"] >= 2),
                   key=lambda p: (-p["report_count"], p["slug"]))
    assert named, "the seeds name several places more than once"
    for place in named[:4]:
        page, detail, tags = twin(client, place["url"] + query)
        assert tags["application/json"] == place["api_url"] + query
        assert tags["application/atom+xml"] == f"/feed.atom?neighbourhood={place['slug']}"
        assert detail["slug"] == place["slug"]
        ids = [r["id"] for r in detail["reports"]]
        assert result_ids(page.text) == ids and ids
        # The place's reports are the search for its slug, newest first.
        search = client.get("/api/reports", params={"neighbourhood": place["slug"], "sort": "newest",
                                                    "per_page": detail["per_page"], "page": detail["page"]}).json()
        assert [r["id"] for r in search["results"]] == ids
        assert detail["links"]["feed"] == tags["application/atom+xml"]


def test_unknown_place_is_a_404_in_the_error_shape(client):
    r = client.get("/api/neighbourhoods/no-such-place-anywhere")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_stats(client, newest_ids):
    s = client.get("/api/stats").json()
    assert s["reports"] == s["indexed"] == len(newest_ids) == 5
    assert s["first_published"] == "2016-11-17" and s["last_published"] == "2016-12-08"
    assert sum(s["by_date_basis"].values()) == 5 and s["by_date_basis"]["estimated"] == 5
    places = client.get("/api/neighbourhoods").json()
    assert s["places_in_gazetteer"] == places["total"]
    assert s["places_with_reports"] == sum(1 for g in places["groups"] for p in g["places"] if p["report_count"]) > 0
    assert s["last_change"]
