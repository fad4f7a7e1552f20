"""The proximity bonus (proximity.py): computed from positions for the best documents only, it
equals a recount from the documents' own analysed text, and it only reorders the window."""
from __future__ import annotations

import math

import pytest

from app.search.backend import SearchRequest
from app.search.index import ArchiveIndex
from app.search.proximity import PAIR_DISTANCE, ProximityBonus
from app.search.query import parse
from app.search.schema import build_schema
from tests.search.test_engine import _documents

TEXT = "قوات النظام المدنيين الأحياء"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """120 documents in two segments (no deletions: the recount reads every document's text)."""
    ix = ArchiveIndex(tmp_path_factory.mktemp("proximity") / "index")
    ix.open()
    docs = _documents(120)
    for k in (0, 60):
        with ix.batch(replace=False) as b:
            for d in docs[k:k + 60]:
                b.add(d)
    return ix, docs


def _recount(ix: ArchiveIndex, docs, q: ProximityBonus) -> dict[str, float]:
    """Whoosh's score of the query without proximity, plus the bonus recounted from the text."""
    s = ix.searcher()
    base = {h.docnum: h.score for h in s.search(q.child, limit=None)}
    ids = {h.docnum: h["id"] for h in s.search(q.child, limit=None)}
    body = build_schema()["body"]
    positions = {}  # id → {term: positions}
    for d in docs:
        at: dict[str, set[int]] = {}
        for pos, term in body._terms(d.body):
            at.setdefault(term, set()).add(pos)
        positions[d.id] = at

    def word_positions(rid, stems):
        return set().union(*(positions[rid].get(t, set()) for t in stems))

    w = s.weighting
    n, avgfl = s.doc_count_all(), s.avg_field_length("body")
    window = sorted(base, key=lambda dn: (-base[dn], dn))[:q.window]
    out = {ids[dn]: sc for dn, sc in base.items()}
    for i, j in q.pairs():
        both = sum(1 for d in docs if word_positions(d.id, q.words[i]) and word_positions(d.id, q.words[j]))
        idf = math.log(n / (both + 1)) + 1
        for dn in window:
            rid = ids[dn]
            a, b = word_positions(rid, q.words[i]), word_positions(rid, q.words[j])
            tf = sum(1 for pa in a for pb in b if 1 <= abs(pa - pb) <= PAIR_DISTANCE)
            fl = s.reader().doc_field_length(dn, "body")
            out[rid] += q.boost * idf * tf * (w.K1 + 1) / (tf + w.K1 * (1 - w.B + w.B * fl / avgfl))
    return out


@pytest.mark.parametrize("window", [5, 40, 1000])
def test_bonus_equals_a_recount_from_the_text(built, window):
    ix, docs = built
    parsed = parse(TEXT)
    assert isinstance(parsed.query, ProximityBonus) and len(parsed.query.pairs()) == 3
    q = ProximityBonus(parsed.query.child, parsed.query.words, window=window)
    want = _recount(ix, docs, q)
    res = ix.search(SearchRequest(query=q, offset=0, limit=1000, facets=False))
    assert res.total == len(want) > 40
    assert dict(zip(res.ids, res.scores)) == pytest.approx(want, rel=1e-9)
    assert res.scores == sorted(res.scores, reverse=True)
    assert any(want[rid] != sc for rid, sc in zip(res.ids, ix.search(SearchRequest(
        query=q.child, offset=0, limit=1000, facets=False)).scores))  # the bonus changed something


def test_only_the_window_is_reordered_and_pages_agree(built):
    ix, _ = built
    parsed = parse(TEXT)
    q = ProximityBonus(parsed.query.child, parsed.query.words, window=10)
    plain = ix.search(SearchRequest(query=q.child, offset=0, limit=1000, facets=False)).ids
    ranked = ix.search(SearchRequest(query=q, offset=0, limit=1000, facets=False))
    assert set(ranked.ids[:10]) == set(plain[:10]) and ranked.ids[10:] == plain[10:]
    paged = []
    for off in range(0, ranked.total, 7):
        paged += ix.search(SearchRequest(query=q, offset=off, limit=7, facets=False)).ids
    assert paged == ranked.ids
    # date orders and totals ignore the bonus
    assert ix.search(SearchRequest(query=q, sort="newest", limit=1000)).ids == \
        ix.search(SearchRequest(query=q.child, sort="newest", limit=1000)).ids


def test_no_pair_no_bonus():
    assert not isinstance(parse("حلب").query, ProximityBonus)
    assert not isinstance(parse("كفرنب* قوات").query, ProximityBonus)  # structured: no proximity
    assert not isinstance(parse('"قوات النظام"').query, ProximityBonus)
