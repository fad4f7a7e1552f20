"""The query language: each rule as parsed, and as searched on the five seed reports."""
import math

import pytest

from app.search.params import SearchParams
from app.search.query import LONG_QUERY_WORDS, MAX_QUERY_CHARS, minimum_should_match, parse
from tests.conftest import found


def fields_of(query) -> set[str]:
    return {f for f, _ in query.iter_all_terms()}


# -- parsing ------------------------------------------------------------------------------------


def test_plain_words_are_all_required():
    p = parse("قاضي عسكر")
    assert p.mode == "all" and [w.surface for w in p.words] == ["قاضي", "عسكر"] and not p.notes


@pytest.mark.parametrize("q", ['"الأمم المتحدة"', "«الأمم المتحدة»", "“الأمم المتحدة”", "„الأمم المتحدة“", "»الأمم المتحدة«"])
def test_every_quote_style_makes_a_phrase(q):
    p = parse(q)
    assert [[w.text for w in ph] for ph in p.phrases] == [["الأمم", "المتحدة"]] and not p.notes


def test_or_exclusion_prefix_title_and_groups():
    p = parse('(قصف OR غارة) مستشفى -لافروف title:حلب كفرنب*')
    assert p.mode == "structured" and not p.notes
    assert p.excluded == ["لافروف"]
    assert [w.normalised for w in p.words] == ["قصف", "غاره", "مستشفي", "حلب", "كفرنب*"]


def test_title_restricts_the_fields():
    assert fields_of(parse("title:حلب").query) == {"title", "title_exact"}
    assert fields_of(parse('title:"قاضي عسكر"').query) == {"title"}
    assert fields_of(parse("حلب").query) >= {"body", "body_exact", "title", "title_exact"}


@pytest.mark.parametrize("q,reason", [
    ('"الولايات المتحدة حلب', "علامة تنصيص"),
    ("((حلب لافروف", "قوس"),
    ("حلب) لافروف", "قوس"),
    ("OR حلب", "OR"),
    ("حلب OR", "OR"),
    ("حلب OR OR لافروف", "OR"),
    ("حلب - لافروف", "الاستثناء"),
    ("title: حلب", "title"),
    ("حلب ()", "مجموعة فارغة"),
    ("”حلب", "علامة تنصيص"),
])
def test_malformed_queries_are_read_as_plain_words_with_a_note(q, reason):
    p = parse(q)
    assert any("كلمات عادية" in n and reason in n for n in p.notes), p.notes
    assert p.query is not None and "حلب" in [w.text for w in p.words]
    assert p.mode in ("all", "long")


def test_a_query_of_ten_kilobytes_is_cut_with_a_note():
    p = parse("حلب " * 2600)
    assert len(p.text) <= MAX_QUERY_CHARS and any(str(MAX_QUERY_CHARS) in n for n in p.notes)
    assert p.query is not None


def test_control_and_bidi_characters_are_dropped_with_a_note():
    p = parse("حلب\u202e\u0000 لافروف\u200f\u2066")
    assert [w.text for w in p.words] == ["حلب", "لافروف"]
    assert any("محارف" in n for n in p.notes)


def test_stopwords_only_leave_nothing_to_search():
    p = parse("في من على")
    assert p.query is None and p.notes


def test_long_query_uses_a_minimum_should_match():
    q = "ما هي الأحياء التي سيطرت عليها قوات النظام في شرق حلب"
    p = parse(q)
    n = len(p.words)
    assert n >= LONG_QUERY_WORDS and p.mode == "long"
    assert p.minimum_match == minimum_should_match(n) == math.ceil(n / 4)
    assert any("استعلام طويل" in note for note in p.notes)
    assert parse("قصف حلب").mode == "all"


def test_parentheses_that_group_nothing_keep_a_sentence_plain():
    p = parse("قال الكاتب مايكل هارت عن محمد (صلى الله عليه وسلم) كذا")
    assert p.mode == "long"


def test_glued_query_word_carries_its_parts():
    p = parse("الأممالمتحدة")
    assert p.splits == [("الأممالمتحدة", ["الامم", "المتحدة"])]
    assert p.explain()["terms"][0]["parts"] == ["الامم", "المتحده"]


def test_explanation_has_terms_stems_and_mode():
    e = parse("للمدنيين -لافروف").explain()
    assert e["terms"][0] == {"text": "للمدنيين", "normalised": "للمدنيين", "stems": ["مدن"], "parts": []}
    assert e["excluded"] == ["لافروف"] and e["mode"] == "structured"


# -- on the seeds ---------------------------------------------------------------------------------


def test_united_nations_phrase_and_glued_both_find_001(service, seed_ids):
    assert "001" in found(service, seed_ids, '"الأمم المتحدة"')
    assert "001" in found(service, seed_ids, "الأممالمتحدة")
    # 003 writes للأمم المتحدة: the glued query finds the separate words too
    assert "003" in found(service, seed_ids, "الأممالمتحدة")


def test_united_states_phrase_finds_glued_and_separate(service, seed_ids):
    assert sorted(found(service, seed_ids, '"الولايات المتحدة"')) == ["001", "002", "003", "004"]
    assert sorted(found(service, seed_ids, "الولاياتالمتحدة")) == ["001", "002", "003", "004"]


def test_glued_word_in_a_plain_query_and_phrases_across_it(service, seed_ids):
    assert found(service, seed_ids, '"جنوب المدينة"') == ["000"]       # جنوبالمدينة
    assert "004" in found(service, seed_ids, '"تشرين الثاني"')          # تشرين الثانينوفمبر
    assert "001" in found(service, seed_ids, '"إيران وروسيا"')         # إيرانوروسيا
    assert "001" in found(service, seed_ids, '"المتحدة وروسيا"')       # الولاياتالمتحدةوروسيا


def test_exclusion(service, seed_ids):
    res = found(service, seed_ids, "حلب -لافروف")
    assert sorted(res) == ["000", "002", "003"]
    assert sorted(found(service, seed_ids, '-"قاضي عسكر"')) == ["000", "001", "002", "003"]


def test_prefix(service, seed_ids):
    assert found(service, seed_ids, "كفرنب*") == ["003"]
    assert sorted(found(service, seed_ids, "لافرو*")) == ["001", "004"]


def test_or_is_a_union(service, seed_ids):
    assert sorted(found(service, seed_ids, "لافروف OR كفرنبل")) == ["001", "003", "004"]


def test_groups(service, seed_ids):
    assert sorted(found(service, seed_ids, "(لافروف OR كفرنبل) هامبورغ")) == ["001"]


def test_title_restricts_to_titles(service, seeded_archive, seed_ids):
    from sqlalchemy import select

    from app.models import Report
    with seeded_archive.session() as s:
        titles = {r.id: r.title for r in s.scalars(select(Report))}
    names = {v: k for k, v in seed_ids.items()}
    for word in ("حلب", "قوات", "النظام"):
        in_title = sorted(names[i] for i, t in titles.items() if word in t)
        assert sorted(found(service, seed_ids, f"title:{word}")) == in_title
    # and it is a real restriction: حلب is in every body
    assert len(found(service, seed_ids, "title:حلب")) < len(found(service, seed_ids, "حلب")) or all("حلب" in t for t in titles.values())


def test_sort_orders(service, seed_ids):
    rel = found(service, seed_ids, "حلب")
    newest = found(service, seed_ids, "حلب", sort="newest")
    oldest = found(service, seed_ids, "حلب", sort="oldest")
    assert newest == oldest[::-1] and sorted(rel) == sorted(newest)
    assert service.search(SearchParams(q="حلب")).params.effective_sort == "relevance"


def test_malformed_query_still_answers(service, seed_ids):
    page = service.search(SearchParams(q='"قاضي عسكر'))
    assert [seed_ids["004"]] == [h.id for h in page.results][:1]
    assert any("كلمات عادية" in n for n in page.parsed.notes)
