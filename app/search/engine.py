"""Query evaluation over whole posting lists with numpy: every match, its BM25F score, in one pass.

A results page needs the exact total, facet counts and the timeline over *all* matches, plus the
top ten. Whoosh would run the query three times (top-k collector, `len(results)`, `results.docs()`)
and score one posting at a time. Here a query tree becomes two aligned arrays — global docnums
(sorted) and scores — from which total, facets, timeline and the top k are cheap.

Scores are Whoosh's own BM25F (same idf, same quantised field lengths, same boosts), so ranking
does not change. Node types evaluated natively: Term, Or, And, AndNot, AndMaybe, MinimumShouldMatch, Prefix,
Every, NullQuery, and phrases (Sequence of terms or alternatives of terms, Phrase; adjacent words,
in order): the documents of the And of the words — scored as Whoosh scores a phrase, the sum of
its words' scores — whose positions (positions.py) put the words next to each other.
Anything else (spans, ranges, Not, phrases with slop …) is evaluated by Whoosh's matcher for that
subtree, leaf by leaf, and joined in — correct for every query, fast for the common ones.

`ProximityBonus` (proximity.py) is not a filter but a re-ranking of the best documents:
`with_proximity` applies it to the final (filtered) results, inside a query it is its child.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from . import arrays, positions
from .arrays import Postings, PostingsCache
from .minimum_match import MinimumShouldMatch
from .positions import PositionPostings, positions_of
from .proximity import PAIR_DISTANCE, ProximityBonus

#: Positions are keyed as candidate × _KEY + position (positions are < 2**31).
_KEY = np.int64(1) << np.int64(33)

#: Per-segment postings: a second level under `Generation._terms` (which holds the same postings
#: scored), useful when a generation changes and for terms `_terms` evicted. Bounded small: fresh
#: traffic (every query new words) filled 48 MB per worker for few hits (RSS target 500 MB; 2 workers
#: under `bench/load.py --fresh` at 100k peaked at 555 MB with 8 + 12 + 12 MB, 539 with the word memos bounded).
_CACHE = PostingsCache(max_bytes=4 * 2**20)


@dataclass
class Matches:
    """Global docnums (sorted, unique, int64) with aligned scores (float64)."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Matches:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))

    @property
    def nbytes(self) -> int:
        return self.docs.nbytes + self.scores.nbytes


#: Bytes of scored term postings (`Generation._term`) kept per index generation and process.
TERM_CACHE_BYTES = 8 * 2**20
#: Bytes of whole-index position lists (`Generation.positions`) kept per generation and process.
POSITIONS_CACHE_BYTES = 8 * 2**20


class Leaf:
    """One segment of the current searcher and what is cached about it."""

    def __init__(self, searcher, offset: int):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.doccount = self.reader.doc_count_all()
        seg = self.reader.segment()
        self.segid = seg.segid if seg is not None else id(self.reader)
        self.live = arrays.live_mask(self.reader)
        self._lengths: dict[str, np.ndarray] = {}
        self._id_column = None

    def lengths(self, fieldname: str) -> np.ndarray:
        arr = self._lengths.get(fieldname)
        if arr is None:
            arr = self._lengths[fieldname] = arrays.field_lengths(self.reader, fieldname)
        return arr

    def report_id(self, local: int) -> str | None:
        """The report ID of a segment docnum (column reader opened once: opening reads offsets)."""
        r = self.reader
        if self._id_column is None:
            self._id_column = r.column_reader("id") if r.has_column("id") else False
        if self._id_column is False:
            return (r.stored_fields(local) or {}).get("id")
        v = self._id_column[local]
        return v.decode("utf-8") if isinstance(v, bytes) else v

    def postings(self, fieldname: str, btext: bytes) -> Postings:
        key = (self.segid, fieldname, btext)
        p = _CACHE.get(key)
        if p is None:
            p = arrays.read_postings(self.reader, fieldname, btext)
            _CACHE.put(key, p)
        return p


class Generation:
    """Everything derived from one searcher (one index generation): leaves and global columns."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves = [Leaf(s, off) for s, off in searcher.leaf_searchers()]
        self.doccount = searcher.doc_count_all()
        live = np.ones(self.doccount, dtype=bool)
        for leaf in self.leaves:
            if leaf.live is not None:
                live[leaf.offset:leaf.offset + leaf.doccount] = leaf.live
        self.live = live
        self.weighting = searcher.weighting
        self._lock = threading.RLock()  # columns are built from other columns
        self._cols: dict[str, object] = {}
        #: Each term's matches across all segments with their BM25F scores, unboosted: a term
        #: recurs across queries (every query naming Aleppo), and gathering and scoring its
        #: postings segment by segment was most of evaluating a query.
        self._terms = PostingsCache(max_bytes=TERM_CACHE_BYTES)
        #: Each term's positions across all segments: phrases and proximity look a term up once,
        #: not once per segment (most of their cost was that per-segment bookkeeping).
        self._positions = PostingsCache(max_bytes=POSITIONS_CACHE_BYTES)

    # -- global columns (built on first use, then shared by every request of this generation) --
    def _cached(self, name: str, build):
        v = self._cols.get(name)
        if v is None:
            with self._lock:
                v = self._cols.get(name)
                if v is None:
                    v = self._cols[name] = build()
        return v

    def numeric(self, fieldname: str) -> np.ndarray:
        def build():
            field = self.searcher.schema[fieldname]
            code = getattr(field, "sortable_typecode", "I")
            parts = [arrays.numeric_column(leaf.reader, fieldname, code) for leaf in self.leaves]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return self._cached(f"num:{fieldname}", build)

    def published_days(self) -> np.ndarray:
        """Days since 1970-01-01 of each document's publication date; -1 when unknown."""
        def build():
            keys = self.numeric("published")
            days = np.full(len(keys), -1, dtype=np.int64)
            known = keys > 0
            k = keys[known]
            y, m, d = k // 10000, k // 100 % 100, k % 100
            ok = (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
            # calendar arithmetic in numpy (a string per report took 0.2 s at 100k reports)
            months = (y[ok] - 1970) * 12 + (m[ok] - 1)
            first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
            dates = first + (d[ok] - 1)
            # a day past its month's end (2017-02-30) is no date (keys come from dates: never so)
            nxt = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
            valid = dates < nxt
            idx = np.flatnonzero(known)[ok]
            days[idx[valid]] = dates[valid]
            return days
        return self._cached("published_days", build)

    def day_codes(self) -> tuple[np.ndarray, int]:
        """(code per document, first day): code = 1 + days since the archive's first publication
        day, 0 when undated — so counting matches per day is one `bincount` of their codes."""
        def build():
            days = self.published_days()
            known = days >= 0
            first = int(days[known].min()) if known.any() else 0
            codes = np.where(known, days - first + 1, 0).astype(np.int32)
            codes.setflags(write=False)
            return codes, first
        return self._cached("day_codes", build)

    def date_order(self, sort: str) -> np.ndarray:
        """The live docnums in `sort` order (`date_rank`): browsing the whole archive is a slice."""
        def build():
            rank = self.date_rank(sort)
            live = self.all_live()
            order = live[np.argsort(rank[live])]
            order.setflags(write=False)
            return order
        return self._cached(f"order:{sort}", build)

    def keywords(self, fieldname: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(terms, pair docnums, pair term indexes) of a keyword field, e.g. places."""
        def build():
            terms: list[str] = []
            index: dict[str, int] = {}
            docs, tids = [], []
            for leaf in self.leaves:
                for term, ids in arrays.keyword_postings(leaf.reader, fieldname).items():
                    t = index.setdefault(term, len(terms))
                    if t == len(terms):
                        terms.append(term)
                    docs.append(ids + leaf.offset)
                    tids.append(np.full(len(ids), t, dtype=np.int32))
            if not docs:
                return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)
            d, t = np.concatenate(docs), np.concatenate(tids)
            keep = self.live[d]
            return terms, d[keep], t[keep]
        return self._cached(f"kw:{fieldname}", build)

    def keywords_by_doc(self, fieldname: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(terms, start per docnum (doccount + 1 of them), term indexes): document d's terms are
        term indexes[start[d]:start[d + 1]] — counting the terms of a few thousand matches reads
        just their entries, not the whole field's."""
        def build():
            terms, pd, pt = self.keywords(fieldname)
            order = np.argsort(pd, kind="stable")
            start = np.zeros(self.doccount + 1, dtype=np.int64)
            np.cumsum(np.bincount(pd, minlength=self.doccount), out=start[1:])
            tids = pt[order]
            start.setflags(write=False)
            tids.setflags(write=False)
            return terms, start, tids
        return self._cached(f"kwdoc:{fieldname}", build)

    def mentioned_ranges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(docnum, first day, last day) of every mentioned date range of the live documents,
        ordered by docnum; days count from 1970-01-01 (from the `mentioned` column)."""
        def build():
            owners, pairs = [], []
            for leaf in self.leaves:
                col = arrays.varbytes_column(leaf.reader, "mentioned")
                if col is None:
                    continue
                lengths, data = col
                per_doc = lengths[:leaf.doccount] // 8  # one (lo, hi) pair of int32 = 8 bytes
                owners.append(np.repeat(np.arange(len(per_doc), dtype=np.int64) + leaf.offset, per_doc))
                pairs.append(np.frombuffer(data, dtype="<i4")[:2 * int(per_doc.sum())].reshape(-1, 2))
            if not owners:
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty, empty
            d = np.concatenate(owners)
            p = np.concatenate(pairs).astype(np.int64)
            keep = self.live[d]
            return d[keep], p[keep, 0].copy(), p[keep, 1].copy()
        return self._cached("mentioned_ranges", build)

    def groups(self) -> np.ndarray:
        """Near-duplicate group of each document as an integer code (from the dup_group column)."""
        def build():
            codes: dict = {}
            out = np.zeros(self.doccount, dtype=np.int64)
            for leaf in self.leaves:
                r = leaf.reader
                col = list(r.column_reader("dup_group")) if r.has_column("dup_group") else []
                for n in range(leaf.doccount):
                    g = col[n] if n < len(col) and col[n] else ("doc", leaf.offset + n)
                    out[leaf.offset + n] = codes.setdefault(g, len(codes))
            return out
        return self._cached("groups", build)

    def ids(self) -> list[str | None]:
        """Report ID per global docnum (from the `id` column, or stored fields as a fallback)."""
        def build():
            out: list[str | None] = []
            for leaf in self.leaves:
                r = leaf.reader
                if r.has_column("id"):
                    col = r.column_reader("id")
                    out.extend(v.decode("utf-8") if isinstance(v, bytes) else v for v in col)
                else:
                    out.extend((r.stored_fields(n) or {}).get("id") for n in range(leaf.doccount))
            return out
        return self._cached("ids", build)

    def docnums_for_ids(self, ids) -> np.ndarray:
        """Live global docnums of the given report IDs (unknown IDs are ignored)."""
        def build():
            all_ids = self.ids()
            keyed = {rid: n for n, rid in enumerate(all_ids) if rid is not None and self.live[n]}
            return keyed
        keyed = self._cached("id_map", build)
        found = [keyed[i] for i in ids if i in keyed]
        return np.unique(np.asarray(found, dtype=np.int64))

    def id_of(self, docnum: int) -> str | None:
        cols = self._cols.get("ids")
        if cols is not None:
            return cols[docnum]
        for leaf in self.leaves:
            if leaf.offset <= docnum < leaf.offset + leaf.doccount:
                return leaf.report_id(docnum - leaf.offset)
        return None

    def all_live(self) -> np.ndarray:
        """Every live docnum, ascending (read-only: shared by the requests of this generation)."""
        def build():
            docs = np.flatnonzero(self.live).astype(np.int64)
            docs.setflags(write=False)
            return docs
        return self._cached("all_live", build)

    def positions(self, fieldname: str, btext: bytes) -> PositionPostings:
        """A term's postings with their encoded positions in every segment, by global docnum."""
        key = (fieldname, btext)
        p = self._positions.get(key)
        if p is None:
            parts = [(leaf.offset, positions.read_positions(leaf.reader, fieldname, btext)) for leaf in self.leaves]
            parts = [(off, q) for off, q in parts if len(q.ids)]
            if not parts:
                p = positions.EMPTY
            else:
                data = np.concatenate([q.data for _, q in parts])
                before = np.cumsum([0] + [len(q.data) for _, q in parts[:-1]])
                starts = np.concatenate([q.starts[:-1] + b for (_, q), b in zip(parts, before)]
                                        + [np.array([len(data)], dtype=np.int64)])
                p = PositionPostings(np.concatenate([q.ids + off for off, q in parts]), starts, data)
            self._positions.put(key, p)
        return p

    def term_positions(self, fieldname: str, btext: bytes, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into `docs`, position) of every occurrence of the term in the documents `docs`
        (sorted global docnums)."""
        p = self.positions(fieldname, btext)
        if not len(p.ids) or not len(docs):
            return positions._EMPTY_I, positions._EMPTY_I
        idx = np.searchsorted(p.ids, docs)
        idx[idx >= len(p.ids)] = 0
        hit = p.ids[idx] == docs
        owner, pos = positions_of(p, idx[hit])
        return np.flatnonzero(hit)[owner], pos

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's (quantised) length of `fieldname`, by global docnum."""
        return self._cached(f"len:{fieldname}",
                            lambda: np.concatenate([leaf.lengths(fieldname) for leaf in self.leaves])
                            if self.leaves else np.zeros(0, dtype=np.float32))

    def date_rank(self, sort: str) -> np.ndarray:
        """Each docnum's place in the whole index sorted by `sort` ("newest": publication date
        descending, then most recently indexed; "oldest": ascending, then first indexed; undated
        last in both). The ranks are unique, so ordering any set of matches is one integer sort
        of their ranks instead of a two-key sort per request."""
        def build():
            keys = self.numeric("published")
            docs = np.arange(len(keys), dtype=np.int64)
            undated = keys <= 0
            if sort == "newest":
                order = np.lexsort((-docs, np.where(undated, np.iinfo(np.int64).max, -keys)))
            else:
                order = np.lexsort((docs, np.where(undated, np.iinfo(np.int64).max, keys)))
            rank = np.empty(len(keys), dtype=np.int64)
            rank[order] = docs
            rank.setflags(write=False)
            return rank
        return self._cached(f"rank:{sort}", build)

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(self, q: wq.Query) -> Matches:
        """Every live document matching `q`, with its score."""
        m = self._eval(q)
        if len(m.docs):
            keep = self.live[m.docs]
            if not keep.all():
                m = Matches(m.docs[keep], m.scores[keep])
        return m

    def _eval(self, q: wq.Query) -> Matches:
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return Matches.empty()
        if isinstance(q, wq.Every) and not q.fieldname:
            docs = self.all_live()
            return Matches(docs, np.ones(len(docs)))
        if type(q) is wq.Term and isinstance(self.weighting, BM25F):
            return self._term(q)
        if type(q) is wq.Or and getattr(q, "scale", None) is None:
            return _union([self._eval(s) for s in q.subqueries], q.boost, self.doccount)
        if type(q) is wq.And:
            return _intersection([self._eval(s) for s in q.subqueries], q.boost, self.doccount)
        if type(q) is wq.AndNot:  # a, without the documents of b; a's scores
            m = self._eval(q.a)
            if len(m.docs):
                gone = self._eval(q.b).docs
                keep = ~np.isin(m.docs, gone, assume_unique=True)
                m = Matches(m.docs[keep], m.scores[keep])
            return _boosted(m, q.boost)
        if type(q) is wq.AndMaybe:  # a's documents; b adds its score where it matches too
            m = self._eval(q.a)
            if len(m.docs):
                opt = self._eval(q.b)
                if len(opt.docs):
                    idx = np.searchsorted(opt.docs, m.docs)
                    idx[idx >= len(opt.docs)] = 0
                    hit = opt.docs[idx] == m.docs
                    scores = m.scores.copy()
                    scores[hit] += opt.scores[idx[hit]]
                    m = Matches(m.docs, scores)
            return _boosted(m, q.boost)
        if type(q) is MinimumShouldMatch:  # at least k of the subqueries; their scores summed
            return _at_least(q.minmatch, [self._eval(s) for s in q.subqueries], q.boost)
        if isinstance(q, wq.Prefix) and q.text and q.fieldname in self.searcher.schema:
            return self._prefix(q)
        if type(q) is ProximityBonus:  # a re-ranking of final results (`with_proximity`)
            return self._eval(q.child)
        if type(q) in (wq.Sequence, wq.Phrase):
            shape = self._phrase_shape(q)
            if shape is not None:
                return self._phrase(q, *shape)
        return self._whoosh(q)

    # -- phrases -----------------------------------------------------------------------------
    def _phrase_shape(self, q) -> tuple[str, list[list[bytes]]] | None:
        """(field, each word's alternative terms) of a phrase evaluated natively; None otherwise."""
        if getattr(q, "slop", 1) != 1 or not getattr(q, "ordered", True):
            return None
        if type(q) is wq.Phrase:
            fieldname, subs = q.fieldname, [[wq.Term(q.fieldname, w)] for w in q.words]
        else:
            subs = []
            for sub in q.subqueries:
                if type(sub) is wq.Term:
                    subs.append([sub])
                elif type(sub) is wq.Or and sub.subqueries and all(type(t) is wq.Term for t in sub.subqueries):
                    subs.append(list(sub.subqueries))
                else:
                    return None
            names = {t.fieldname for ts in subs for t in ts}
            if len(names) != 1:
                return None
            fieldname = names.pop()
        schema = self.searcher.schema
        if not subs or fieldname not in schema or not schema[fieldname].format.supports("positions"):
            return None
        field = schema[fieldname]
        words = []
        for ts in subs:
            bs = []
            for t in ts:
                try:
                    bs.append(field.to_bytes(t.text))
                except ValueError:
                    pass
            words.append(bs)
        return fieldname, words

    def _phrase(self, q, fieldname: str, words: list[list[bytes]]) -> Matches:
        """Documents with the words at consecutive positions, scored as Whoosh scores a phrase:
        the sum of its words' (or alternatives') scores, times the phrase's boost."""
        if type(q) is wq.Phrase:
            parts = [self._term(wq.Term(fieldname, w)) for w in q.words]
        else:
            parts = [self._eval(s) for s in q.subqueries]
        m = _intersection(parts, q.boost, self.doccount)
        if not len(m.docs) or len(words) < 2:
            return m
        keep = self._adjacent(fieldname, words, m.docs)
        return Matches(m.docs[keep], m.scores[keep])

    def _adjacent(self, fieldname: str, words: list[list[bytes]], local: np.ndarray) -> np.ndarray:
        """Which of the documents `local` have word i at position p + i for some p, for every i.

        Each occurrence of word i becomes the key (document, position − i): a phrase starts where
        every word has the same key. Rarest words first, and only documents still in the running
        have their positions decoded."""
        n, k = len(local), len(words)
        alive = np.arange(n, dtype=np.int64)
        common = None
        order = sorted(range(k), key=lambda i: sum(len(self.positions(fieldname, b).ids) for b in words[i]))
        for i in order:
            keys = []
            for btext in words[i]:
                owner, pos = self.term_positions(fieldname, btext, local[alive])
                keys.append(alive[owner] * _KEY + (pos - i + k))
            found = _sorted_set(keys)
            common = found if common is None else _sorted_intersection(common, found)
            if not len(common):
                return np.zeros(n, dtype=bool)
            alive = _dedupe_sorted(common // _KEY)
        out = np.zeros(n, dtype=bool)
        out[alive] = True
        return out

    # -- proximity ---------------------------------------------------------------------------
    def with_proximity(self, q, docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """`scores` with `ProximityBonus` applied (when `q` is one) to the best `q.window` of `docs`."""
        if type(q) is not ProximityBonus or not len(docs) or not q.pairs() or not isinstance(self.weighting, BM25F):
            return scores
        k = min(q.window, len(docs))
        if k < len(docs):
            kth = np.partition(-scores, k - 1)[k - 1]
            cand = np.flatnonzero(-scores <= kth)
            top = cand[np.lexsort((docs[cand], -scores[cand]))[:k]]
        else:
            top = np.arange(len(docs))
        top = np.sort(top)  # docs are sorted, so the window's docnums are too
        bonus = self._proximity(q, docs[top])
        out = scores.copy()
        out[top] += bonus * q.boost
        return out

    def _proximity(self, q: ProximityBonus, wdocs: np.ndarray) -> np.ndarray:
        """BM25 of each pair of neighbouring query words, per document of `wdocs` (sorted)."""
        s = self.searcher
        fieldname = q.fieldname
        if fieldname not in s.schema or not s.schema[fieldname].format.supports("positions"):
            return np.zeros(len(wdocs))
        field = s.schema[fieldname]
        words = []
        for stems in q.words:
            bs = []
            for t in stems:
                try:
                    bs.append(field.to_bytes(t))
                except ValueError:
                    pass
            words.append(bs)
        pairs = q.pairs()
        w = self.weighting
        b = w._field_B.get(fieldname, w.B)
        k1 = w.K1
        avgfl = s.avg_field_length(fieldname) or 1
        # idf of a pair: from the documents containing both words (anywhere) — the words'
        # documents are their terms' (remembered) matches, ascending: intersected, not masked.
        present = {}
        for i in {i for p in pairs for i in p}:
            present[i] = _sorted_set([self._term_bytes(field, fieldname, btext).docs for btext in words[i]])
        idf = {(i, j): math.log(self.doccount / (len(_sorted_intersection(present[i], present[j])) + 1)) + 1
               for i, j in pairs}
        # Every occurrence of word i in the window as the key (index in wdocs, position).
        fl = self.lengths(fieldname)[wdocs].astype(np.float64)
        keys = {}
        for i in present:
            ps = []
            for btext in words[i]:
                owner, pos = self.term_positions(fieldname, btext, wdocs)
                ps.append(owner * _KEY + pos)
            keys[i] = _sorted_set(ps)
        norm = k1 * ((1 - b) + b * fl / avgfl)
        out = np.zeros(len(wdocs))
        offsets = np.array([d for d in range(-PAIR_DISTANCE, PAIR_DISTANCE + 1) if d], dtype=np.int64)
        for i, j in pairs:
            a, c = keys[i], keys[j]
            if not len(a) or not len(c):
                continue
            near = (a[:, None] + offsets).ravel()  # the places where word j would be near
            at = np.searchsorted(c, near)
            at[at >= len(c)] = 0
            hit = c[at] == near
            tf = np.bincount(np.repeat(a // _KEY, len(offsets))[hit], minlength=len(wdocs)).astype(np.float64)
            out += idf[(i, j)] * (tf * (k1 + 1)) / (tf + norm)
        return out

    def _prefix(self, q: wq.Prefix) -> Matches:
        """The union of the prefix's expansions, each scored as a term — what Whoosh's matcher does,
        in one vectorised pass (`_btexts` applies a query's own cap on expansions)."""
        field = self.searcher.schema[q.fieldname]
        terms = [wq.Term(q.fieldname, field.from_bytes(b), boost=q.boost) for b in q._btexts(self.searcher.reader())]
        return _union([self._term(t) for t in terms], 1.0, self.doccount)

    def _term(self, q: wq.Term) -> Matches:
        s = self.searcher
        fieldname = q.fieldname
        if fieldname not in s.schema:
            return Matches.empty()
        field = s.schema[fieldname]
        try:
            btext = field.to_bytes(q.text)
        except ValueError:
            return Matches.empty()
        m = self._term_bytes(field, fieldname, btext)
        return m if q.boost == 1.0 else Matches(m.docs, m.scores * q.boost)

    def _term_bytes(self, field, fieldname: str, btext: bytes) -> Matches:
        """`_scored_term`, remembered for this generation (read-only arrays: shared)."""
        key = (fieldname, btext)
        m = self._terms.get(key)
        if m is None:
            m = self._scored_term(field, fieldname, btext)
            m.docs.setflags(write=False)  # shared by later queries: nobody writes into them
            m.scores.setflags(write=False)
            self._terms.put(key, m)
        return m

    def _scored_term(self, field, fieldname: str, btext: bytes) -> Matches:
        """A term's matches in every segment, with their BM25F scores (no boost)."""
        docs, scores = [], []
        scorable = field.scorable
        found = [(leaf, leaf.postings(fieldname, btext)) for leaf in self.leaves]
        found = [(leaf, p) for leaf, p in found if len(p.ids)]
        if scorable and found:
            w = self.weighting
            b = w._field_B.get(fieldname, w.B)
            k1 = w.K1
            # Whoosh's document frequency is the postings' count (deleted documents included, as
            # here): counted from the lists just read, not looked up again in every segment.
            idf = math.log(self.doccount / (sum(len(p.ids) for _, p in found) + 1)) + 1
            avgfl = self._avg_length(fieldname)
        for leaf, p in found:
            tf = p.weights.astype(np.float64)
            if scorable:
                fl = leaf.lengths(fieldname)[p.ids].astype(np.float64)
                sc = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
            else:
                sc = tf
            docs.append(p.ids + leaf.offset)
            scores.append(sc)
        if not docs:
            return Matches.empty()
        return Matches(np.concatenate(docs), np.concatenate(scores))

    def _avg_length(self, fieldname: str) -> float:
        """The field's average length for BM25F, as Whoosh computes it (once per generation)."""
        return self._cached(f"avgfl:{fieldname}", lambda: self.searcher.avg_field_length(fieldname) or 1)

    def _whoosh(self, q: wq.Query) -> Matches:
        """Fallback: Whoosh's own matcher for this subtree, per segment."""
        docs: list[int] = []
        scores: list[float] = []
        context = self.searcher.context(weighting=self.weighting)
        for leaf in self.leaves:
            m = q.matcher(leaf.searcher, context)
            while m.is_active():
                docs.append(m.id() + leaf.offset)
                scores.append(m.score())
                m.next()
        if not docs:
            return Matches.empty()
        d = np.asarray(docs, dtype=np.int64)
        sc = np.asarray(scores, dtype=np.float64)
        order = np.argsort(d, kind="stable")
        return Matches(d[order], sc[order])


#: Above this share of the archive, unions and intersections use dense arrays (O(archive), no
#: sorting) instead of sorted-array set operations (O(n log n)).
DENSE_SHARE = 1 / 32


def _at_least(k: int, parts: list[Matches], boost: float = 1.0) -> Matches:
    """Documents in at least `k` of `parts`, with the sum of their scores (MinimumShouldMatch)."""
    parts = [p for p in parts if len(p.docs)]
    if len(parts) < k or not parts:
        return Matches.empty()
    docs = np.concatenate([p.docs for p in parts])
    scores = np.concatenate([p.scores for p in parts])
    uniq, inv = np.unique(docs, return_inverse=True)
    counts = np.bincount(inv, minlength=len(uniq))
    summed = np.bincount(inv, weights=scores, minlength=len(uniq))
    keep = counts >= k
    return _boosted(Matches(uniq[keep], summed[keep]), boost)


def _boosted(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 else Matches(m.docs, m.scores * boost)


def _union(parts: list[Matches], boost: float = 1.0, n: int = 0) -> Matches:
    parts = [p for p in parts if len(p.docs)]
    if not parts:
        return Matches.empty()
    if len(parts) == 1:
        m = parts[0]
    elif n and sum(len(p.docs) for p in parts) > n * DENSE_SHARE:
        acc = np.zeros(n, dtype=np.float64)
        present = np.zeros(n, dtype=bool)
        for p in parts:  # docnums are unique within a part, so fancy-index += is exact
            acc[p.docs] += p.scores
            present[p.docs] = True
        docs = np.flatnonzero(present)
        m = Matches(docs, acc[docs])
    else:
        docs = np.concatenate([p.docs for p in parts])
        scores = np.concatenate([p.scores for p in parts])
        uniq, inv = np.unique(docs, return_inverse=True)
        m = Matches(uniq, np.bincount(inv, weights=scores, minlength=len(uniq)))
    if boost != 1.0:
        m = Matches(m.docs, m.scores * boost)
    return m


def _intersection(parts: list[Matches], boost: float = 1.0, n: int = 0) -> Matches:
    if not parts or any(not len(p.docs) for p in parts):
        return Matches.empty()
    parts = sorted(parts, key=lambda p: len(p.docs))
    docs, scores = parts[0].docs, parts[0].scores
    for p in parts[1:]:
        if n and len(p.docs) > n * DENSE_SHARE:
            dense = np.zeros(n, dtype=np.float64)
            inp = np.zeros(n, dtype=bool)
            dense[p.docs] = p.scores
            inp[p.docs] = True
            keep = inp[docs]
            docs = docs[keep]
            scores = scores[keep] + dense[docs]
        else:
            common, ia, ib = np.intersect1d(docs, p.docs, assume_unique=True, return_indices=True)
            docs, scores = common, scores[ia] + p.scores[ib]
        if not len(docs):
            return Matches.empty()
    if boost != 1.0:
        scores = scores * boost
    return Matches(docs, scores)


def _dedupe_sorted(a: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array (np.unique would sort, or hash, it again)."""
    if len(a) < 2:
        return a
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def _sorted_set(parts: list[np.ndarray]) -> np.ndarray:
    """The distinct values of `parts`, ascending. Position keys arrive ascending per term, so with
    one term (the usual word of a phrase) there is nothing to sort."""
    if not parts:
        return positions._EMPTY_I
    a = parts[0] if len(parts) == 1 else np.concatenate(parts)
    if len(a) > 1 and not (a[1:] > a[:-1]).all():
        a = _dedupe_sorted(np.sort(a))
    return a


def _sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Values of `a` also in `b`, both ascending and distinct (a search of the smaller in the larger)."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a) or not len(b):
        return a[:0]
    at = np.searchsorted(b, a)
    at[at >= len(b)] = 0
    return a[b[at] == a]
