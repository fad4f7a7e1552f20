"""Ranking rules on small purpose-built archives (real ingest, real on-disk index), and did-you-mean."""
import datetime as dt

import pytest

from app.ingest.pipeline import prepare
from app.ingest.records import RawReport
from app.search.params import SearchParams
from app.search.service import SearchService
from tests.conftest import ingest_paths


def write(tmp_path, texts: dict[str, str]):
    d = tmp_path / "in"
    d.mkdir()
    for name, text in texts.items():
        (d / f"{name}.txt").write_text(text, encoding="utf-8")
    return d


def order(archive, q, **kw):
    from sqlalchemy import select

    from app.models import Report
    with archive.session() as s:
        names = {r.id: r.filename.removesuffix(".txt") for r in s.scalars(select(Report))}
    page = SearchService(archive).search(SearchParams(q=q, **({"per_page": 100} | kw)))
    return [names[h.id] for h in page.results]


FILLER = "ثم كلام كثير عن أمور أخرى لا علاقة لها بالموضوع مثل الطقس والاقتصاد والرياضة والسياسة"


def test_exact_form_ranks_above_other_forms(archive, tmp_path):
    ingest_paths(archive, write(tmp_path, {
        "article": "تقرير أول. وصل الجرحى إلى المستشفى في المساء بعد القصف على البلدة.",
        "bare": "تقرير ثان. وصل الجرحى إلى مستشفى في المساء بعد القصف على البلدة.",
    }))
    assert order(archive, "مستشفى") == ["bare", "article"]
    assert order(archive, "المستشفى") == ["article", "bare"]


def test_title_match_ranks_higher(archive, tmp_path):
    ingest_paths(archive, write(tmp_path, {
        "in_title": "غارات على كفرنبل. قال ناشطون إن الطائرات قصفت السوق الشعبي وسط البلدة صباحا.",
        "in_body": "غارات على البلدة. قال ناشطون إن الطائرات قصفت السوق الشعبي وسط كفرنبل صباحا.",
    }))
    assert order(archive, "كفرنبل") == ["in_title", "in_body"]


def test_words_near_each_other_rank_higher(archive, tmp_path):
    ingest_paths(archive, write(tmp_path, {
        "near": f"خبر أول. قصف مستشفى في المدينة {FILLER}.",
        "far": f"خبر ثان. قصف في المدينة {FILLER} مستشفى.",
    }))
    assert order(archive, "قصف مستشفى") == ["near", "far"]
    assert order(archive, "مستشفى قصف") == ["near", "far"]  # either order


def _store(archive, items: list[tuple[str, str, str | None]]):
    now = dt.datetime(2024, 1, 1)
    reports = []
    for name, text, group in items:
        r = prepare(RawReport(raw=text.encode(), origin=name, filename=f"{name}.txt"), now)
        r.dup_group = group
        reports.append(r)
    archive.store(reports)


def test_near_duplicates_do_not_crowd_the_first_page(archive):
    story = "زلزال قوي يضرب المنطقة الجبلية. زلزال بقوة ست درجات ضرب القرى صباحا وتهدمت منازل."
    _store(archive, [
        ("copy1", story + " المصدر الأول.", "g1"),
        ("copy2", story + " المصدر الثاني.", "g1"),
        ("copy3", story + " المصدر الثالث.", "g1"),
        ("other", "تقرير عن الطقس في المنطقة. ذكر التقرير أن زلزالا خفيفا سجل في البحر بعيدا عن الساحل وأن "
                  "الأمطار ستستمر أياما، وأن الحرارة ستنخفض في نهاية الأسبوع المقبل.", None),
    ])
    by_score = order(archive, "زلزال", sort="oldest")  # every report matches
    assert set(by_score) == {"copy1", "copy2", "copy3", "other"}
    first_page = order(archive, "زلزال", per_page=2)
    assert first_page[1] == "other" and first_page[0].startswith("copy")
    # pages partition the results: the copies are lower, not gone
    pages = order(archive, "زلزال", per_page=2) + order(archive, "زلزال", per_page=2, page=2)
    assert sorted(pages) == ["copy1", "copy2", "copy3", "other"]


def test_same_text_on_one_page_moves_to_the_end_of_the_page(archive, tmp_path):
    body = "انفجار في السوق. انفجار عنيف هز السوق المركزي وأوقع جرحى بين الباعة والمتسوقين."
    ingest_paths(archive, write(tmp_path, {
        "a": body + "\n\nنقلا عن وكالة.",
        "b": body + "\n\nنقلا عن مراسل.",
        "c": "تقرير طويل عن المدينة وأسواقها وتاريخها وسكانها، وفيه ذكر انفجار قديم وقع قبل سنوات في أحد "
             "الأحياء دون أن يوقع ضحايا، وذكر لمشاريع إعادة الإعمار.",
    }))
    got = order(archive, "انفجار")
    assert got[0] in ("a", "b") and got[1] == "c"


# -- did-you-mean -----------------------------------------------------------------------------------


@pytest.mark.parametrize("typo,fixed", [
    ("كفرنبيل", "كفرنبل"),          # an extra letter
    ("لافرووف", "لافروف"),
    ("قاضي عسكير", "قاضي عسكر"),    # one word of two
    ('"قاضي عسكير"', '"قاضي عسكر"'),  # the syntax is kept
    ("ادلبب", "إدلب"),              # shown as the archive writes it (hamza), not folded
])
def test_did_you_mean_on_a_misspelling(service, typo, fixed):
    page = service.search(SearchParams(q=typo))
    assert page.total == 0 and page.suggestion == fixed
    assert service.search(SearchParams(q=page.suggestion)).total > 0


def test_no_suggestion_when_the_query_finds_reports(service):
    assert service.search(SearchParams(q="حلب")).suggestion is None


def test_suggestion_is_a_link_and_in_the_api(client):
    r = client.get("/reports", params={"q": "كفرنبيل"})
    assert r.status_code == 200
    assert 'href="/reports?q=%D9%83%D9%81%D8%B1%D9%86%D8%A8%D9%84"' in r.text
    j = client.get("/api/reports", params={"q": "كفرنبيل"}).json()
    assert j["query"]["suggestion"] == "كفرنبل"


def test_page_shows_how_the_query_was_understood(client):
    html = client.get("/reports", params={"q": "الأممالمتحدة للمدنيين"}).text
    assert "كيف فُهم البحث" in html
    assert "كلمة ملتصقة قُرئت" in html and "الامم المتحدة" in html
    assert "مدن" in html  # the stem of للمدنيين
    j = client.get("/api/reports", params={"q": "الأممالمتحدة للمدنيين -لافروف"}).json()["query"]
    assert j["terms"][0]["parts"] == ["الامم", "المتحده"] and j["excluded"] == ["لافروف"]


def test_help_documents_the_syntax(client):
    html = client.get("/help").text
    for item in ("OR", "title:", "كفرنب*", "حلب -لافروف", "«الأمم المتحدة»", "الاستعلام الطويل", "هل تقصد"):
        assert item in html


def test_index_group_keys_group_as_the_database_does(archive):
    """Duplicates are demoted by the index's group keys (no database query per page): reports
    share a key exactly when they share a database `dup_group`; a lone report's key is its own."""
    from sqlalchemy import select

    from app.models import Report
    from app.search.backend import SearchRequest
    from app.search.query import parse

    story = "زلزال قوي يضرب المنطقة الجبلية. زلزال بقوة ست درجات ضرب القرى صباحا."
    _store(archive, [("a1", story + " أ.", "ga"), ("a2", story + " ب.", "ga"), ("b1", story + " ج.", "gb"),
                     ("b2", story + " د.", "gb"), ("lone1", story + " هـ.", None), ("lone2", story + " و.", None)])
    result = archive.index.search(SearchRequest(query=parse("زلزال").query, limit=10, group_keys=True))
    assert len(result.group_keys) == len(result.ids) == 6
    with archive.session() as s:
        db = {rid: g for rid, g in s.execute(select(Report.id, Report.dup_group))}
    key = dict(zip(result.ids, result.group_keys))
    for x in result.ids:
        for y in result.ids:
            same_db = db[x] is not None and db[x] == db[y] or x == y
            assert (key[x] == key[y]) == same_db, (x, y)
