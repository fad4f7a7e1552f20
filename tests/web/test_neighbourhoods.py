"""Places through the HTTP app on the seeded archive: filters, facets, place pages, Latin queries, 404s."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.gazetteer.load import places
from app.models import PlaceMention, Report

RESULT_LINK = re.compile(r'<h3[^>]*><a href="/reports/([0-9a-f]{12})')


def names(seed_ids, ids):
    by_id = {v: k for k, v in seed_ids.items()}
    return sorted(by_id[i] for i in ids)


def api_ids(client, **params):
    data = client.get("/api/reports", params={"per_page": 100, **params}).json()
    return [r["id"] for r in data["results"]]


def test_neighbourhood_filter_qadi_askar_returns_004_only(client, seed_ids):
    assert names(seed_ids, api_ids(client, neighbourhood="qadi-askar")) == ["004"]
    html = client.get("/reports", params={"neighbourhood": "qadi-askar"}).text
    assert names(seed_ids, RESULT_LINK.findall(html)) == ["004"]


def test_neighbourhood_filter_is_any_of_and_combines_with_q_and_dates(client, seed_ids):
    assert names(seed_ids, api_ids(client, neighbourhood=["qadi-askar", "sakhour"])) == ["002", "004"]
    assert names(seed_ids, api_ids(client, neighbourhood="shaar")) == ["001", "002", "003", "004"]
    assert names(seed_ids, api_ids(client, neighbourhood="shaar", q="لافروف")) == ["001", "004"]
    assert names(seed_ids, api_ids(client, neighbourhood="shaar", **{"from": "2016-12-05"})) == ["001", "004"]


def db_recount(archive, report_ids: list[str]) -> dict[str, int]:
    stmt = (select(PlaceMention.place_slug, func.count(func.distinct(PlaceMention.report_id)))
            .where(PlaceMention.report_id.in_(report_ids)).group_by(PlaceMention.place_slug))
    with archive.session() as s:
        return dict(s.execute(stmt).all())


@pytest.mark.parametrize("params", [{}, {"q": "حلب"}, {"q": "الكلور"}, {"neighbourhood": "shaar"},
                                    {"q": "المدنيين", "neighbourhood": ["kalasa", "idlib"]},
                                    {"to": "2016-11-30"}])
def test_facet_counts_equal_a_database_recount(client, seeded_archive, params):
    data = client.get("/api/reports", params={"per_page": 100, **params}).json()
    ids = [r["id"] for r in data["results"]]
    assert len(ids) == data["total"]
    facets = {f["value"]: f["count"] for f in data["facets"]["neighbourhood"]}
    assert facets == db_recount(seeded_archive, ids)
    counts = [f["count"] for f in data["facets"]["neighbourhood"]]
    assert counts == sorted(counts, reverse=True)
    for f in data["facets"]["neighbourhood"]:
        assert f["label"] == places()[f["value"]].name_ar


def test_facets_on_the_results_page_toggle_the_filter_and_active_filters_are_chips(client):
    html = client.get("/reports", params={"q": "الكلور"}).text
    assert 'href="/reports?q=%D8%A7%D9%84%D9%83%D9%84%D9%88%D8%B1&amp;neighbourhood=kalasa"' in html
    html = client.get("/reports", params={"q": "الكلور", "neighbourhood": "kalasa"}).text
    chips = re.search(r'<ul class="chips" aria-label="المرشحات النشطة">(.*?)</ul>', html, re.S).group(1)
    assert "الكلاسة" in chips
    assert 'href="/reports?q=%D8%A7%D9%84%D9%83%D9%84%D9%88%D8%B1"' in chips  # removes the filter
    assert 'aria-current="true"' in html


@pytest.mark.parametrize("q, slug, expected", [
    ("Sakhour", "sakhour", ["002"]),
    ("al-Sakhur", "sakhour", ["002"]),
    ("SAKHOUR", "sakhour", ["002"]),
    ("صاخور", "sakhour", ["002"]),
    ("Halab", "aleppo", ["000", "001", "002", "003", "004"]),
    ("Qadi Askar", "qadi-askar", ["004"]),
    ("Bustan al-Qasr", "bustan-al-qasr", ["001", "004"]),
    ("Kafranbel", "kafr-nabl", ["003"]),
    ("Jisr ash-Shughur", "jisr-al-shughur", ["001"]),
])
def test_latin_and_bare_arabic_queries_find_arabic_mentions(client, seed_ids, q, slug, expected):
    data = client.get("/api/reports", params={"q": q, "per_page": 100}).json()
    assert names(seed_ids, [r["id"] for r in data["results"]]) == expected
    assert [p["slug"] for p in data["query"]["places"]] == [slug]
    html = client.get("/reports", params={"q": q}).text
    assert f'فُهم مكانا: <a href="/neighbourhoods/{slug}">{places()[slug].name_ar}</a>' in html


def test_a_latin_place_query_highlights_the_arabic_name(client, seed_ids):
    data = client.get("/api/reports", params={"q": "Sakhour"}).json()
    assert "<mark>والصاخور</mark>" in data["results"][0]["snippet_html"]


def test_place_words_and_other_words_combine(client, seed_ids):
    assert names(seed_ids, api_ids(client, q="Qadi Askar لافروف")) == ["004"]
    assert names(seed_ids, api_ids(client, q="Sakhour لافروف")) == []


@pytest.mark.parametrize("path", ["/neighbourhoods/no-such-place", "/neighbourhoods/Sakhour",
                                  "/neighbourhoods/%00", "/neighbourhoods/" + "x" * 500,
                                  "/neighbourhoods/%D8%A7%D9%84%D8%B5%D8%A7%D8%AE%D9%88%D8%B1"])
def test_unknown_place_pages_are_404_never_500(client, path):
    r = client.get(path)
    assert r.status_code == 404 and 'dir="rtl"' in r.text and "المعجم الجغرافي" in r.text
    api = client.get("/api" + path)
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found" and "المعجم الجغرافي" in api.json()["error"]["message"]


@pytest.mark.parametrize("value", ["no-such-place", "qadi-askar,nope", "<script>", "x" * 300])
def test_unknown_neighbourhood_filter_is_400(client, value):
    r = client.get("/reports", params={"neighbourhood": value})
    assert r.status_code == 400 and "<script>" not in r.text
    api = client.get("/api/reports", params={"neighbourhood": value})
    assert api.status_code == 400 and api.json()["error"]["param"] == "neighbourhood"


def test_bad_page_on_a_place_is_400(client):
    assert client.get("/neighbourhoods/shaar", params={"page": "x"}).status_code == 400
    api = client.get("/api/neighbourhoods/shaar", params={"per_page": "0"})
    assert api.status_code == 400 and api.json()["error"]["param"] == "per_page"


def test_api_neighbourhoods_lists_every_place_once_with_database_counts(client, seeded_archive):
    data = client.get("/api/neighbourhoods").json()
    listed = [p for g in data["groups"] for p in g["places"]]
    assert data["total"] == len(places()) == len(listed)
    assert {p["slug"] for p in listed} == set(places())
    stmt = select(PlaceMention.place_slug, func.count()).group_by(PlaceMention.place_slug)
    with seeded_archive.session() as s:
        recount = dict(s.execute(stmt).all())
    for p in listed:
        assert p["report_count"] == recount.get(p["slug"], 0), p["slug"]
    quarters = [g for g in data["groups"] if g["kind"] == "neighbourhood"]
    assert {g["side_2016"] for g in quarters} >= {"opposition", "government", None}
    for g in quarters:
        assert all(p["side_2016"] == g["side_2016"] for p in g["places"])
    assert sum(len(g["places"]) for g in quarters) >= 100


def test_neighbourhoods_page_groups_with_counts_and_latin_names(client):
    html = client.get("/neighbourhoods").text
    assert "أحياء مدينة حلب — بيد المعارضة في ١٥ تشرين الثاني ٢٠١٦" in html  # the interface's digits
    assert '<a href="/neighbourhoods/qadi-askar">قاضي عسكر</a> <bdi dir="ltr" lang="en" class="latin">Qadi Askar</bdi>' in html
    assert '<a href="/reports?neighbourhood=qadi-askar">تقرير واحد</a>' in html
    assert "معالم" in html and "بلدات ومدن" in html


def test_place_detail_json(client, seed_ids, seeded_archive):
    d = client.get("/api/neighbourhoods/shaar").json()
    assert d["name_ar"] == "الشعار" and d["kind"] == "neighbourhood" and d["ambiguous"] is True
    assert [a["slug"] for a in d["ancestors"]] == ["aleppo", "aleppo-governorate"]
    assert names(seed_ids, [r["id"] for r in d["reports"]]) == ["001", "002", "003", "004"]
    published = [r["published"] for r in d["reports"]]
    assert published == sorted(published, reverse=True)
    with seeded_archive.session() as s:
        mentions = s.scalar(select(func.sum(PlaceMention.count)).where(PlaceMention.place_slug == "shaar"))
    assert d["mention_count"] == mentions == sum(b["mentions"] for b in d["timeline"])
    assert d["report_count"] == sum(b["reports"] for b in d["timeline"]) + d["undated_reports"] == 4
    assert d["sources"] and d["sources"][0]["url"].startswith("https://")
    second = client.get("/api/neighbourhoods/shaar", params={"per_page": 1, "page": 2}).json()
    assert [r["id"] for r in second["reports"]] == [d["reports"][1]["id"]]
    assert second["links"]["prev"] == "/api/neighbourhoods/shaar?per_page=1"


def test_place_page_html_matches_its_json_twin(client):
    for slug in ("qadi-askar", "shaar", "aleppo", "al-bab"):
        html = client.get(f"/neighbourhoods/{slug}").text
        d = client.get(f"/api/neighbourhoods/{slug}").json()
        assert RESULT_LINK.findall(html) == [r["id"] for r in d["reports"]]
        assert d["name_latin"] in html
        for v in d["variants_ar"]:
            assert v in html
    html = client.get("/neighbourhoods/al-bab").text
    assert "36.3725, 37.5178" in html and "en.wikipedia.org/wiki/Al-Bab" in html
    assert "الاسم كلمة شائعة أيضا" in html


def test_report_page_links_place_mentions(client, seed_ids, seeded_archive):
    html = client.get(f"/reports/{seed_ids['004']}").text
    assert '<a class="place" href="/neighbourhoods/qadi-askar">قاضي عسكر</a>' in html
    assert '<a class="place" href="/neighbourhoods/salah-al-din">وصلاح الدين</a>' in html
    with seeded_archive.session() as s:
        slugs = set(s.scalars(select(PlaceMention.place_slug).where(PlaceMention.report_id == seed_ids["004"])))
    linked = set(re.findall(r'<a class="place" href="/neighbourhoods/([a-z0-9-]+)">', html))
    assert linked == slugs
    listed = re.search(r'<section class="report-places".*?</section>', html, re.S).group(0)
    assert set(re.findall(r'href="/neighbourhoods/([a-z0-9-]+)"', listed)) == slugs
    # with a query, marks nest inside the place links
    html = client.get(f"/reports/{seed_ids['004']}", params={"q": "عسكر"}).text
    assert '<a class="place" href="/neighbourhoods/qadi-askar">قاضي <mark id="match-1">عسكر</mark></a>' in html


def test_stored_mentions_are_the_seed_places_at_their_first_position(seeded_archive, seed_ids):
    from app.arabic.normalise import fold
    from app.gazetteer.names import arabic_key
    from tests.gazetteer.test_tagger import SEED_PLACES
    with seeded_archive.session() as s:
        for seed, rid in seed_ids.items():
            stored = set(s.scalars(select(PlaceMention.place_slug).where(PlaceMention.report_id == rid)))
            assert stored == SEED_PLACES[seed]
            body = s.get(Report, rid).body
            for m in s.scalars(select(PlaceMention).where(PlaceMention.report_id == rid)):
                place = places()[m.place_slug]
                firsts = {arabic_key(n)[0] for n in (place.name_ar, *place.variants_ar)}
                at = fold(body[m.first_pos:m.first_pos + 30])
                assert any(at.startswith(f) or at.startswith(f[1:]) for f in firsts), (seed, m.place_slug)
