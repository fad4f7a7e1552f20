"""/feed.atom: valid Atom, newest first, absolute permalinks, the date basis stated, same filters as /reports."""
from __future__ import annotations

import feedparser
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(client, params=None):
    r = client.get("/feed.atom", params=params or {})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return r, feed


def test_feed_is_valid_atom_with_absolute_permalinks(client, newest_ids):
    r, feed = parse(client)
    assert [e.id for e in feed.entries] == [f"http://testserver/reports/{i}" for i in newest_ids]
    for e in feed.entries:
        assert e.link.startswith("http://testserver/reports/")
        assert client.get(e.link.removeprefix("http://testserver")).status_code == 200
        assert e.title and e.updated
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == ["http://testserver/feed.atom"]
    # Required Atom elements, checked on the XML itself (RFC 4287 §4.1.1, §4.1.2).
    root = etree.fromstring(r.content)
    assert root.tag == f"{ATOM}feed"
    for el in [root, *root.findall(f"{ATOM}entry")]:
        for required in ("id", "title", "updated"):
            assert el.find(f"{ATOM}{required}") is not None and el.find(f"{ATOM}{required}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text == "سجل"


def test_feed_is_newest_first_and_states_the_date_basis(client):
    _, feed = parse(client, {"sort": "oldest", "page": "2", "per_page": "1"})  # sort and paging ignored
    dates = [e.published for e in feed.entries]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5
    for e in feed.entries:
        assert "تقديري" in e.summary  # every seed's date is estimated from content
        assert any(t.term == "date-basis-estimated" for t in e.tags)


def test_feed_accepts_the_filters_of_reports(client):
    params = {"q": "لافروف", "to": "2016-12-31"}
    r, feed = parse(client, params)
    api = client.get("/api/reports", params={**params, "sort": "newest"}).json()
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == [r["id"] for r in api["results"]]
    assert len(feed.entries) == 2
    assert "لافروف" in feed.feed.title
    content = etree.fromstring(r.content).find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html" and "<mark>لافروف</mark>" in content.text  # escaped HTML in the XML


def test_feed_bad_parameter_gives_the_json_error_shape(client):
    r = client.get("/feed.atom", params={"from": "2016-13-40"})
    assert r.status_code == 400
    assert r.json()["error"]["param"] == "from"


def test_feed_survives_control_characters_in_the_query(client):
    r, feed = parse(client, {"q": "حلب\x01\x0b"})
    assert "\x01" not in r.text


def test_feed_links_use_the_real_server_address(live_server):
    import urllib.request
    with urllib.request.urlopen(live_server + "/feed.atom?q=%D8%AD%D9%84%D8%A8") as r:
        feed = feedparser.parse(r.read())
    assert not feed.bozo and len(feed.entries) == 5
    for e in feed.entries:
        assert e.link.startswith(live_server + "/reports/")
        with urllib.request.urlopen(e.link) as page:
            assert page.status == 200


def test_place_feed_lists_the_place_reports_newest_first(client):
    places = client.get("/api/neighbourhoods").json()
    place = max((p for g in places["groups"] for p in g["places"]), key=lambda p: (p["report_count"], p["slug"]))
    detail = client.get(place["api_url"], params={"per_page": 50}).json()
    _, feed = parse(client, {"neighbourhood": place["slug"]})
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == [r["id"] for r in detail["reports"]]
    assert place["name_ar"] in feed.feed.title
    for e in feed.entries:
        assert any(t.term == place["slug"] and t.label == place["name_ar"] for t in e.tags)
