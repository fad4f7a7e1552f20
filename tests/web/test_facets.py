"""The sidebar's links are built from a pattern (`facets.LinkPattern`) instead of one
`SearchParams.url` call each: they must be exactly the URLs that call writes."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app.dates.timeline import Bucket
from app.search.params import SearchParams
from app.web.facets import LinkPattern, place_facet, timeline_figure

D = dt.date
PARAMS = [
    SearchParams(),
    SearchParams(q="حلب"),
    SearchParams(q="from=0001-01-01 to=0001-01-02 & ? neighbourhood=x", per_page=10, page=3),
    SearchParams(q="قصف", neighbourhood=("aleppo",), sort="oldest"),
    SearchParams(neighbourhood=("aleppo", "kalasa"), date_from=D(2016, 1, 1), date_field="mentioned"),
    SearchParams(q="\"وقف إطلاق النار\"", date_from=D(2016, 1, 1), date_to=D(2016, 12, 31), collapse=True,
                 per_page=50, page=7),
    SearchParams(neighbourhood=("kalasa",), page=2),
]


@pytest.mark.parametrize("p", PARAMS)
def test_date_links_are_the_urls_of_the_params(p):
    links = LinkPattern(p)
    for a, b in [(D(2012, 7, 1), D(2012, 7, 31)), (D(1999, 12, 25), D(1999, 12, 25)), (D(2024, 1, 6), D(2024, 1, 12))]:
        assert links.dates(a, b) == p.url(date_from=a, date_to=b, page=1)
    api = LinkPattern(p, "/api/reports")
    assert api.dates(D(2016, 11, 15), D(2016, 12, 31)) == p.url("/api/reports", date_from=D(2016, 11, 15),
                                                                 date_to=D(2016, 12, 31), page=1)


@pytest.mark.parametrize("p", PARAMS)
def test_place_links_are_the_urls_of_the_params(p):
    links = LinkPattern(p)
    for slug in ("aleppo", "kalasa", "masakin-hanano", "bab al-nayrab"):
        assert links.toggle_place(slug) == p.toggle_neighbourhood(slug).url(), slug


def test_timeline_bars_link_label_and_scale():
    p = SearchParams(q="حلب", per_page=10)
    buckets = [Bucket(D(2016, 1, 1), D(2016, 1, 31), 4), Bucket(D(2016, 2, 1), D(2016, 2, 29), 0),
               Bucket(D(2016, 3, 1), D(2016, 3, 31), 2)]
    html = str(timeline_figure(buckets, "month", p))
    bars = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)" class="bar">', html)
    assert [h.replace("&amp;", "&") for h, _ in bars] == [
        p.url(date_from=D(2016, 1, 1), date_to=D(2016, 1, 31), page=1),
        p.url(date_from=D(2016, 3, 1), date_to=D(2016, 3, 31), page=1)]
    assert bars[0][1].endswith("عدد التقارير ٤")
    # the tallest bar fills the height; an empty bucket is a 2-unit stub without a link
    assert 'y="0.00" width="160.00" height="80.00" data-count="4"' in html
    assert 'height="40.00" data-count="2"' in html
    assert re.search(r'<rect class="empty" [^>]*height="2" data-count="0" data-start="2016-02-01"', html)
    assert timeline_figure([], "day", p) == ""


def test_place_facet_escapes_and_marks_the_active_place():
    p = SearchParams(q="<b>", neighbourhood=("aleppo",))
    facets = [type("F", (), {"value": v, "count": c})() for v, c in
              [("aleppo", 12), ("<x>", 3)] + [(f"p{i}", 1) for i in range(20)]]
    html = str(place_facet(facets, p, {"aleppo": "حلب"}.get))
    assert "<b>" not in html and "<x>" not in html and "&lt;x&gt;" in html
    assert 'aria-current="true" class="is-active"><span aria-hidden="true">✓ </span>حلب' in html
    assert html.count("<li>") == 22 and "أماكن أخرى (٧)" in html
    assert 'href="/reports?q=%3Cb%3E"' in html  # removing the only place keeps the query
