"""Query evaluation over whole posting lists with numpy: every match, its BM25F score, in one pass.

A results page needs the exact total, facet counts and the timeline over *all* matches, plus the
top ten. Whoosh would run the query three times (top-k collector, `len(results)`, `results.docs()`)
and score one posting at a time. Here a query tree becomes two aligned arrays — global docnums
(sorted) and scores — from which total, facets, timeline and the top k are cheap.

Scores are Whoosh's own BM25F (same idf, same quantised field lengths, same boosts), so ranking
does not change. Node types evaluated natively: Term, Or, And, AndNot, AndMaybe, MinimumShouldMatch, Prefix,
Every, NullQuery.
Anything else
(phrases, spans, prefixes, ranges, Not …) is evaluated by Whoosh's matcher for that subtree, leaf
by leaf, and joined in — correct for every query, fast for the common ones.
"""
from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from . import arrays
from .arrays import Postings, PostingsCache
from .minimum_match import MinimumShouldMatch

_CACHE = PostingsCache()


@dataclass
class Matches:
    """Global docnums (sorted, unique, int64) with aligned scores (float64)."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Matches:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


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
            dates = np.array([f"{a:04d}-{b:02d}-{c:02d}" for a, b, c in zip(y[ok], m[ok], d[ok])],
                             dtype="datetime64[D]") if ok.any() else np.zeros(0, dtype="datetime64[D]")
            idx = np.flatnonzero(known)[ok]
            days[idx] = dates.astype(np.int64)
            return days
        return self._cached("published_days", build)

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
        return np.flatnonzero(self.live).astype(np.int64)

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
        return self._whoosh(q)

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
        docs, scores = [], []
        scorable = field.scorable
        if scorable:
            w = self.weighting
            b = w._field_B.get(fieldname, w.B)
            k1 = w.K1
            df = s.doc_frequency(fieldname, btext)
            idf = math.log(self.doccount / (df + 1)) + 1
            avgfl = s.avg_field_length(fieldname) or 1
        for leaf in self.leaves:
            p = leaf.postings(fieldname, btext)
            if not len(p.ids):
                continue
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
        d = np.concatenate(docs)
        sc = np.concatenate(scores)
        if q.boost != 1.0:
            sc = sc * q.boost
        return Matches(d, sc)

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


def day_to_date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
