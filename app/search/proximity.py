"""`ProximityBonus`: query words found close together rank higher — computed for the top results only.

A report about "قصف مستشفى" should beat one that mentions قصف and مستشفى paragraphs apart. Sijill
used to index every pair of neighbouring stems as a term (`body_pairs`): proximity by lookup, but
an index 21× the raw text and ingest three times slower. Only the order of the first results
depends on proximity, so the bonus is now computed at query time for the `PROXIMITY_WINDOW` best
documents by BM25F, from the `body` field's positions of those few documents (engine.py,
`Generation.with_proximity`).

The bonus scores like one more matching term per pair of neighbouring query words: BM25 with the
pair's frequency (occurrences of the two words within `PAIR_DISTANCE` positions of each other, in
either order; stopwords are not indexed so they do not count as gaps), the document's body length,
and an idf from the number of documents containing both words (co-occurrence: the statistic the
index gives without positions).

Only the order changes: every document of the window gains (or keeps) its score, so the window
stays above the rest and pages stay consistent; the total and facets never change. Whoosh's own
matcher (`matcher`) runs the wrapped query alone, without the bonus.
"""
from __future__ import annotations

from whoosh.query.wrappers import WrappingQuery

from .ranking import WINDOW

#: Two query words at most this many indexed words apart are "near".
PAIR_DISTANCE = 2
#: The best documents by BM25F that get the bonus (the ranked window of `ranking.py` and more:
#: a document just below the window can still move into it).
PROXIMITY_WINDOW = 2 * WINDOW


class ProximityBonus(WrappingQuery):
    """`child`, plus a bonus for each pair of neighbouring `words` (each a tuple of the word's
    index terms in `fieldname`) found near each other, in the best `window` documents."""

    def __init__(self, child, words: tuple[tuple[str, ...], ...], fieldname: str = "body",
                 boost: float = 1.0, window: int = PROXIMITY_WINDOW):
        super().__init__(child)
        self.words = tuple(tuple(w) for w in words)
        self.fieldname = fieldname
        self.boost = boost
        self.window = window

    def _rewrap(self, child) -> ProximityBonus:
        return self.__class__(child, self.words, self.fieldname, self.boost, self.window)

    def __eq__(self, other: object) -> bool:
        return (type(self) is type(other) and self.child == other.child and self.words == other.words
                and self.fieldname == other.fieldname and self.boost == other.boost
                and self.window == other.window)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.child, self.words, self.fieldname, self.boost, self.window))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.child!r}, words={self.words!r}, boost={self.boost})"

    def normalize(self):
        return self._rewrap(self.child.normalize())

    def pairs(self) -> list[tuple[int, int]]:
        """Indexes of neighbouring words that form a pair (a word repeated pairs with nothing)."""
        return [(i, i + 1) for i in range(len(self.words) - 1) if set(self.words[i]) != set(self.words[i + 1])]
