"""The numpy engine gives exactly Whoosh's answers: same documents, same BM25F scores, and the
filters, facets, orders and pages of `ArchiveIndex.search` agree with a recount.

The index is real (on disk, several segments, some deletions); documents are the seed reports'
paragraphs recombined with gazetteer place names and dates, so terms have realistic frequencies.
"""
from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

import pytest
from whoosh import query as wq
from whoosh.fields import TEXT

from app.search.backend import IndexDocument, SearchRequest
from app.search.codec import VarintPositions
from app.search.index import ArchiveIndex
from app.search.query import parse
from app.search.schema import build_schema
from tests.conftest import SEEDS

PLACES = ["sakhour", "aleppo", "masakin-hanano", "sheikh-saeed", "qadi-askar", "bustan-al-qasr", "kallaseh"]


def _paragraphs() -> list[str]:
    out = []
    for f in sorted(SEEDS.glob("*.txt")):
        out += [p.strip() for p in re.split(r"\n+|(?<=[.؟])\s+", f.read_text(encoding="utf-8")) if len(p.strip()) > 30]
    return out


def _documents(n: int) -> list[IndexDocument]:
    rng = random.Random(7)
    paras = _paragraphs()
    docs = []
    for i in range(n):
        body = "\n".join(rng.sample(paras, rng.randint(2, 6)))
        published = None if i % 9 == 0 else dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
        places = tuple(sorted(rng.sample(PLACES, rng.randint(0, 3))))
        docs.append(IndexDocument(id=f"{i:012x}", sha256=f"{i:064x}", title=body.split("\n")[0][:80],
                                  body=body, published=published, places=places))
    return docs


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """An index of 240 documents in 3 commits (3 segments), then 12 deletions."""
    ix = ArchiveIndex(tmp_path_factory.mktemp("engine") / "index")
    ix.open()
    docs = _documents(240)
    for k in range(0, 240, 80):
        b = ix.batch(replace=False)
        for d in docs[k:k + 80]:
            b.add(d)
        b.commit()
    deleted = {d.id for d in docs[5::20]}
    ix.delete_ids(deleted)
    live = [d for d in docs if d.id not in deleted]
    return ix, live


QUERIES = ["حلب", "قوات النظام", "المدنيين", '"الولايات المتحدة"', "قاضي عسكر", "لافروف الكلور",
           "الأمم المتحدة مجلس", '"حي الشعار"', "كفرنبل", "زززز", "السوري حلب الشرقية"]

#: Phrases: two and three words, a stopword inside (not indexed, so no gap), a glued word inside
#: (its parts become consecutive words), words that co-occur far more often than they touch,
#: in titles only, negated, and a phrase of words that never touch.
PHRASES = ['"قوات النظام السوري"', '"المرصد السوري لحقوق الإنسان"', '"مجلس الأمن الدولي"',
           '"سيطرة على حي"', '"مع الولاياتالمتحدة"', '"النظام حلب"', 'title:"قوات النظام"',
           '"حلب قوات"', '"الشرقية لمدينة حلب" المدنيين',
           '"حي" "الشعار"', '"حلب حلب"']


def _whoosh_scores(ix: ArchiveIndex, q) -> dict[str, float]:
    s = ix.searcher()
    return {s.stored_fields(h.docnum)["id"]: h.score for h in s.search(q, limit=None)}


def _engine_scores(ix: ArchiveIndex, q) -> dict[str, float]:
    g = ix.generation()
    m = g.evaluate(q)
    return {g.id_of(int(d)): float(sc) for d, sc in zip(m.docs, m.scores)}


def _hand_built() -> list:
    return [wq.Term("body", "حلب"), wq.Or([wq.Term("body", "حلب"), wq.Term("title", "حلب", boost=2.0)]),
            wq.And([wq.Term("body", "قوات"), wq.Term("body", "نظام")], boost=1.5),
            wq.Prefix("body", "مدن"), wq.Not(wq.Term("body", "حلب")), wq.Every(),
            wq.And([wq.Term("body", "حلب"), wq.Not(wq.Term("body", "قوات"))]),
            wq.Term("places", "sakhour"), wq.Term("nosuchfield", "x"),
            wq.AndNot(wq.Term("body", "حلب"), wq.Term("body", "قوات")),
            wq.AndMaybe(wq.Term("body", "حلب"), wq.Or([wq.Term("body", "قوات"), wq.Term("title", "نظام")])),
            wq.AndMaybe(wq.Term("body", "قوات"), parse('"الولايات المتحدة"').query),
            wq.Phrase("body", ["قوات", "نظام", "سوري"]), wq.Phrase("title", ["قوات", "نظام"], boost=1.7),
            wq.Phrase("body", ["نظام", "قوات"]), wq.Phrase("body", ["قوات", "زززز"]),
            wq.Sequence([wq.Term("body", "مرصد"), wq.Or([wq.Term("body", "سوري"), wq.Term("body", "سوريه")])],
                        boost=2.0),
            wq.Sequence([wq.Term("body", "حلب"), wq.Term("body", "شرقي")], slop=2),  # slop: Whoosh's matcher
            wq.Or([wq.Phrase("body", ["حي", "شعار"]), wq.Term("title", "حلب")])]


@pytest.mark.parametrize("text", QUERIES)
def test_parsed_queries_match_whoosh_exactly(built, text):
    ix, _ = built
    q = parse(text).query
    assert q is not None
    want, got = _whoosh_scores(ix, q), _engine_scores(ix, q)
    assert got.keys() == want.keys()
    for rid, score in want.items():
        assert got[rid] == pytest.approx(score, rel=1e-9), rid


@pytest.mark.parametrize("text", PHRASES)
def test_phrases_match_whoosh_exactly(built, text):
    """Phrases are evaluated from positions by the engine, by span matchers in Whoosh."""
    ix, _ = built
    q = parse(text, ix.vocabulary()).query
    assert q is not None
    want, got = _whoosh_scores(ix, q), _engine_scores(ix, q)
    assert got.keys() == want.keys()
    for rid, score in want.items():
        assert got[rid] == pytest.approx(score, rel=1e-9), rid


def test_a_phrase_excluded_is_excluded(built):
    """a −"phrase": the documents of a without the phrase's, with a's scores. (Whoosh's own AndNot
    over a span matcher keeps some documents that contain the phrase: its `skip_to` misses them.)"""
    ix, _ = built
    q = parse('"الأحياء الشرقية" -"قوات النظام"').query
    a, b = _whoosh_scores(ix, q.a), _whoosh_scores(ix, q.b)
    want = {rid: sc for rid, sc in a.items() if rid not in b}
    got = _engine_scores(ix, q)
    assert want and set(b) & set(a) and got == pytest.approx(want, rel=1e-9)


def test_phrases_are_evaluated_natively_and_filter_by_position(built, monkeypatch):
    """No Whoosh matcher runs for a phrase, and a phrase keeps fewer documents than its words."""
    from app.search.engine import Generation
    ix, _ = built
    g = ix.generation()
    monkeypatch.setattr(Generation, "_whoosh", lambda self, q: pytest.fail(f"Whoosh matcher for {q!r}"))
    words = g.evaluate(parse("النظام السوري").query)
    phrase = g.evaluate(parse('"النظام السوري"').query)
    assert 0 < len(phrase.docs) < len(words.docs)
    for text in PHRASES:
        g.evaluate(parse(text, ix.vocabulary()).query)


@pytest.mark.parametrize("q", _hand_built(), ids=repr)
def test_other_query_shapes_match_whoosh(built, q):
    ix, _ = built
    want, got = _whoosh_scores(ix, q), _engine_scores(ix, q)
    assert got.keys() == want.keys()
    if not isinstance(q, (wq.Every, wq.Not)):  # constant-score shapes: only membership matters
        for rid, score in want.items():
            assert got[rid] == pytest.approx(score, rel=1e-9)


def test_deleted_documents_never_match(built):
    ix, live = built
    ids = {d.id for d in live}
    every = _engine_scores(ix, wq.Every())
    assert set(every) == ids
    assert set(_engine_scores(ix, parse("حلب").query)) <= ids


def test_relevance_order_total_and_pages(built):
    ix, _ = built
    q = parse("قوات النظام").query.child  # without the proximity re-ranking: test_proximity.py
    want = sorted(_whoosh_scores(ix, q).items(), key=lambda kv: -kv[1])
    full = ix.search(SearchRequest(query=q, offset=0, limit=1000))
    assert full.total == len(want)
    assert [s for s in full.scores] == pytest.approx([s for _, s in want], rel=1e-9)
    paged = []
    for off in range(0, full.total, 7):
        paged += ix.search(SearchRequest(query=q, offset=off, limit=7)).ids
    assert paged == full.ids


def test_filters_facets_and_days_agree_with_a_recount(built):
    ix, live = built
    q = parse("حلب").query
    matching = set(_whoosh_scores(ix, q))
    lo, hi = dt.date(2016, 6, 1), dt.date(2017, 3, 31)
    allowed = frozenset(d.id for d in live[::3])
    req = SearchRequest(query=q, neighbourhoods=("sakhour", "aleppo"), published_from=lo, published_to=hi,
                        restrict_ids=allowed, offset=0, limit=1000)
    res = ix.search(req)
    expect = [d for d in live if d.id in matching and {"sakhour", "aleppo"} & set(d.places)
              and d.published and lo <= d.published <= hi and d.id in allowed]
    assert res.total == len(expect)
    assert set(res.ids) == {d.id for d in expect}
    assert res.place_counts == dict(Counter(p for d in expect for p in d.places))
    assert res.day_counts == sorted(Counter(d.published for d in expect).items())


@pytest.mark.parametrize("q", [None, *QUERIES])
def test_place_counts_of_few_and_many_matches_agree_with_a_recount(built, q):
    """Few matches are counted from each one's own places, many in one pass over the field."""
    ix, live = built
    query = parse(q).query if q else None
    matching = set(_whoosh_scores(ix, query)) if query is not None else {d.id for d in live}
    res = ix.search(SearchRequest(query=query, limit=1))
    assert res.place_counts == dict(Counter(p for d in live if d.id in matching for p in d.places))


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_orders_put_undated_last(built, sort):
    ix, live = built
    res = ix.search(SearchRequest(query=None, sort=sort, offset=0, limit=1000))
    assert res.total == len(live)
    by_id = {d.id: d for d in live}
    dates = [by_id[i].published for i in res.ids]
    dated = [d for d in dates if d]
    assert dates[:len(dated)] == dated and not any(dates[len(dated):])
    assert dated == sorted(dated, reverse=sort == "newest")
    assert res.scores == [None] * len(res.ids)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_orders_break_ties_by_indexing_order(built, sort):
    """Same date: newest shows the most recently indexed first, oldest the first indexed; the
    first k of any page size are the first k of the whole order."""
    ix, live = built
    by_id = {d.id: d for d in live}
    docnum = {rid: n for n, rid in enumerate(ix.generation().ids()) if rid in by_id}
    sign = -1 if sort == "newest" else 1

    def key(rid):
        d = by_id[rid].published
        return (d is None, sign * d.toordinal() if d else 0, sign * docnum[rid])

    want = sorted(by_id, key=key)
    for q in (None, parse("حلب").query):
        expect = [i for i in want if q is None or i in _whoosh_scores(ix, q)]
        for k in (1, 3, 10, len(expect)):
            assert ix.search(SearchRequest(query=q, sort=sort, offset=0, limit=k)).ids == expect[:k]


def test_browse_pages_partition_the_archive(built):
    ix, live = built
    seen = []
    for off in range(0, len(live), 50):
        seen += ix.search(SearchRequest(query=None, sort="newest", offset=off, limit=50, facets=False)).ids
    assert sorted(seen) == sorted(d.id for d in live)


def test_entries_and_all_ids(built):
    ix, live = built
    assert ix.entries() == {d.id: d.sha256 for d in live}
    res = ix.search(SearchRequest(query=parse("حلب").query, all_ids=True, limit=1))
    assert set(res.all_ids) == set(_whoosh_scores(ix, parse("حلب").query))


def test_segments_are_plain_files(built):
    """Compound segments are copied into process memory by Whoosh's reader (RSS = index size)."""
    ix, _ = built
    assert not list(ix.path.glob("*.seg"))


# -- analysis and encoding ---------------------------------------------------------------------
@pytest.mark.parametrize("field", ["title", "body", "title_exact", "body_exact"])
def test_fast_field_indexing_equals_the_analyzer_chain(field):
    fld = build_schema()[field]
    assert fld.fast_path_ok()
    for f in sorted(SEEDS.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        assert sorted(fld.index(text)) == sorted(TEXT.index(fld, text))


def test_varint_positions_round_trip():
    fmt = VarintPositions()
    for poslist in ([0], [3, 4, 9], [1, 200, 70000, 70001], list(range(0, 5000, 7))):
        v = fmt.encode(poslist)
        assert fmt.decode_positions(v) == poslist
        assert fmt.decode_frequency(v) == len(poslist)


def test_single_document_terms_are_inlined_and_phrase_searchable(tmp_path):
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    with ix.batch() as b:
        b.add(IndexDocument(id="a" * 12, sha256="a" * 64, title="عنوان", body="كلمة فريدة جدا هنا"))
        b.add(IndexDocument(id="b" * 12, sha256="b" * 64, title="عنوان", body="نص آخر هنا"))
    s = ix.searcher()
    seg = s.reader().leaf_readers()[0][0]
    assert seg._terms.term_info("body", "فريد".encode()).is_inlined()
    hits = s.search(parse('"كلمة فريدة"').query)
    assert [h["id"] for h in hits] == ["a" * 12]


def test_segments_with_inlined_postings_merge(tmp_path):
    """Merging reads inlined postings back through Whoosh's ListMatcher (values must be bytes/None)."""
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    docs = _documents(30)
    for k in range(0, 30, 10):
        b = ix.batch(replace=False)
        for d in docs[k:k + 10]:
            b.add(d)
        b.commit()
    ix.optimize()
    assert len(ix.searcher().reader().leaf_readers()) == 1
    assert ix.entries() == {d.id: d.sha256 for d in docs}
    assert _engine_scores(ix, parse("حلب").query) == pytest.approx(_whoosh_scores(ix, parse("حلب").query))


def _snapshot(ix: ArchiveIndex, with_scores: bool):
    out = {}
    for text in QUERIES + ['"قوات النظام"', '"الولايات المتحدة" حلب']:
        scores = _engine_scores(ix, parse(text).query)
        assert scores == pytest.approx(_whoosh_scores(ix, parse(text).query), rel=1e-9)
        out[text] = sorted((round(s, 9), i) for i, s in scores.items()) if with_scores else sorted(scores)
    out["entries"] = ix.entries()
    out["facets"] = ix.search(SearchRequest(query=parse("حلب").query, limit=5)).place_counts
    out["days"] = ix.search(SearchRequest(query=None, limit=5)).day_counts
    return out


@pytest.mark.parametrize("deletions", [False, True])
def test_block_merge_keeps_every_answer(tmp_path, deletions):
    """Merging segments block by block changes no result, entry or facet; without deletions not
    even a score (with deletions, idf legitimately changes: deleted documents stop counting)."""
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    docs = _documents(200)
    for k in range(0, 200, 40):
        b = ix.batch(replace=False)
        for d in docs[k:k + 40]:
            b.add(d)
        b.commit()
    if deletions:
        ix.delete_ids(d.id for d in docs[3::17])
    before = _snapshot(ix, with_scores=not deletions)
    assert len(ix.searcher().reader().leaf_readers()) > 1
    ix.optimize()
    assert len(ix.searcher().reader().leaf_readers()) == 1
    assert not ix.searcher().reader().has_deletions()
    assert _snapshot(ix, with_scores=not deletions) == before
    # and the merged segment takes further writes and merges
    with ix.batch() as b:
        b.add(docs[3])
    ix.optimize()
    assert docs[3].id in ix.entries()


def test_tiered_policy_bounds_segments(tmp_path, monkeypatch):
    from app.search import index as index_mod
    monkeypatch.setattr(index_mod, "MERGE_BASE", 10)
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    docs = _documents(600)
    counts = []
    for k in range(0, 600, 10):
        with ix.batch(replace=False) as b:
            for d in docs[k:k + 10]:
                b.add(d)
        counts.append(len(ix.searcher().reader().leaf_readers()))
    from app.search.merge import FACTOR
    assert max(counts) < 2 * FACTOR  # fewer than FACTOR per tier, two tiers here
    assert ix.entries() == {d.id: d.sha256 for d in docs}
    assert _engine_scores(ix, parse("حلب").query) == pytest.approx(_whoosh_scores(ix, parse("حلب").query))


def test_searcher_after_a_merge_sees_each_document_once(tmp_path):
    ix = ArchiveIndex(tmp_path / "index")
    ix.open()
    docs = _documents(60)
    for k in range(0, 60, 20):
        with ix.batch(replace=False) as b:
            for d in docs[k:k + 20]:
                b.add(d)
    assert ix.searcher().doc_count() == 60  # a searcher is open across the merge
    ix.optimize()
    assert ix.searcher().doc_count() == 60
    assert ix.search(SearchRequest(query=None, limit=100)).total == 60


def test_concurrent_searches_agree_with_serial_ones(built):
    """Threads share one searcher (the server's thread pool): answers must not depend on timing."""
    from concurrent.futures import ThreadPoolExecutor

    ix, _ = built
    queries = [parse(t).query for t in ('"الولايات المتحدة"', '"قوات النظام"', "حلب المدنيين", '"حي الشعار"')]
    ix.generation()  # same generation for all
    serial = [ix.search(SearchRequest(query=q, limit=50)).ids for q in queries]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(3):
            got = list(pool.map(lambda q: ix.search(SearchRequest(query=q, limit=50)).ids, queries * 10))
            assert got == serial * 10


def test_positions_decoded_in_bulk_equal_the_format_decoder():
    """positions.positions_of (numpy, any subset of postings) against VarintPositions' own decoder,
    with deltas of one to three bytes."""
    import numpy as np

    from app.search.positions import _pack, positions_of
    rng = random.Random(3)
    fmt = VarintPositions()
    lists = [sorted(rng.sample(range(rng.choice([50, 5000, 300000])), rng.randint(1, 40))) for _ in range(300)]
    p = _pack(np.arange(len(lists), dtype=np.int64), [fmt.encode(pl) for pl in lists])
    for sel in (np.arange(len(lists)), np.array([0]), np.array(sorted(rng.sample(range(len(lists)), 70)))):
        owner, pos = positions_of(p, sel)
        got = [pos[owner == k].tolist() for k in range(len(sel))]
        assert got == [fmt.decode_positions(fmt.encode(lists[i])) for i in sel] == [lists[i] for i in sel]
