"""`MinimumShouldMatch`: documents matching at least k of n query words, scored as their sum.

A user who pastes a whole sentence or question deserves results even when no report contains
every word of it, but a plain OR would rank a report that shares one common word with the
question. Requiring k of n words (Lucene/Elasticsearch's `minimum_should_match`) sits between.
Whoosh's `Or(minmatch=…)` is documented as "not yet implemented", hence this query.

The matcher uses the pigeonhole rule Lucene's MinShouldMatchSumScorer uses: a document that
matches k of n words matches at least one of the n-k+1 rarest words. Only those words' postings
are walked; the common words are then checked with `skip_to` on the candidates, so a query
with a very common word does not read that word's whole posting list.
"""
from __future__ import annotations

from array import array

from whoosh import matching
from whoosh.matching.mcore import Matcher, ReadTooFar
from whoosh.query import CompoundQuery


class ScoredListMatcher(Matcher):
    """Pre-computed (docnum, score) pairs in docnum order."""

    def __init__(self, ids: array, scores: array, i: int = 0, top: float | None = None):
        self._ids = ids
        self._scores = scores
        self._i = i
        self._top = max(scores) if top is None and len(scores) else (top or 0.0)

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def reset(self) -> None:
        self._i = 0

    def copy(self) -> ScoredListMatcher:
        return ScoredListMatcher(self._ids, self._scores, self._i, self._top)

    # Quality: the best score in the list bounds every score, which lets Whoosh's collector skip
    # this matcher once its top-k threshold is higher.
    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._top

    def block_quality(self) -> float:
        return self._top

    def skip_to_quality(self, minquality: float) -> int:
        if self._top <= minquality:
            self._i = len(self._ids)
        return 0

    def id(self) -> int:
        return self._ids[self._i]

    def next(self) -> None:
        if self._i >= len(self._ids):
            raise ReadTooFar
        self._i += 1

    def skip_to(self, id: int) -> None:
        ids = self._ids
        i = self._i
        while i < len(ids) and ids[i] < id:
            i += 1
        self._i = i

    def all_ids(self):
        return iter(self._ids[self._i:])

    def score(self) -> float:
        return self._scores[self._i]

    def weight(self) -> float:
        return self._scores[self._i]

    def supports(self, astype: str) -> bool:
        return False

    def value(self):
        return None

    def value_as(self, astype: str):
        raise NotImplementedError("pre-scored matcher has no postings values")

    def replace(self, minquality: float = 0):
        if not self.is_active() or (minquality and self._top < minquality):
            return matching.NullMatcher()
        return self


class MinimumShouldMatch(CompoundQuery):
    """Matches documents that match at least `minmatch` of the subqueries (sum of their scores)."""

    JOINT = " MSM "

    def __init__(self, subqueries, minmatch: int = 1, boost: float = 1.0):
        CompoundQuery.__init__(self, subqueries, boost=boost)
        self.minmatch = max(1, int(minmatch))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.subqueries!r}, minmatch={self.minmatch})"

    def __str__(self) -> str:
        return f"({self.JOINT.join(str(s) for s in self.subqueries)})>={self.minmatch}"

    def __eq__(self, other: object) -> bool:
        return CompoundQuery.__eq__(self, other) and self.minmatch == other.minmatch  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return CompoundQuery.__hash__(self) ^ hash(self.minmatch)

    def normalize(self):
        # Do not let CompoundQuery merge or drop subqueries: each one is one query *word*.
        subs = [q.normalize() for q in self.subqueries]
        return self.__class__(subs, self.minmatch, boost=self.boost)

    def requires(self):
        return set()

    def estimate_size(self, ixreader) -> int:
        return min(sum(q.estimate_size(ixreader) for q in self.subqueries), ixreader.doc_count_all())

    def estimate_min_size(self, ixreader) -> int:
        return 0

    def matcher(self, searcher, context=None):
        subs = self.subqueries
        k = min(self.minmatch, len(subs))
        if not subs:
            return matching.NullMatcher()
        reader = searcher.reader()
        order = sorted(range(len(subs)), key=lambda i: subs[i].estimate_size(reader))
        lead = order[: len(subs) - k + 1]
        rest = order[len(subs) - k + 1:]
        scored = context.weighting is not None if context else True
        counts: dict[int, int] = {}
        scores: dict[int, float] = {}
        for i in lead:
            m = subs[i].matcher(searcher, context)
            while m.is_active():
                d = m.id()
                counts[d] = counts.get(d, 0) + 1
                scores[d] = scores.get(d, 0.0) + (m.score() if scored else 1.0)
                m.next()
        if not counts:
            return matching.NullMatcher()
        candidates = sorted(counts)
        for i in rest:
            # A candidate still short by more than the remaining words can be skipped.
            m = subs[i].matcher(searcher, context)
            for d in candidates:
                if not m.is_active():
                    break
                if m.id() < d:
                    m.skip_to(d)
                    if not m.is_active():
                        break
                if m.id() == d:
                    counts[d] += 1
                    scores[d] += m.score() if scored else 1.0
        ids = array("i")
        out = array("d")
        boost = self.boost
        for d in candidates:
            if counts[d] >= k:
                ids.append(d)
                out.append(scores[d] * boost)
        if not ids:
            return matching.NullMatcher()
        return ScoredListMatcher(ids, out)
