"""The archive's own vocabulary: document frequencies of folded surface forms.

Used to split glued words (`app.arabic.glue`) and to suggest corrections (`suggest.py`). It is
never a separate file to keep in step: it *is* the index (`body_exact` holds exactly the folded
surface forms), plus, while a batch is being written, that batch's own words.

- at query time: `IndexVocabulary` over the current searcher (one per index generation);
- at ingest: the index as committed plus the batch (`BatchVocabulary`), so a large first ingest
  already learns from its own reports;
- at `reindex` (and in the relevance benchmark): a counting pass over every report first
  (`count_documents` → `CountedVocabulary`), so the rebuilt index is the same whatever order or
  history the archive had.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext

from app.arabic.normalise import fold
from app.arabic.stopwords import stopwords
from app.arabic.tokenize import WORD_RE

VOCABULARY_FIELD = "body_exact"


class IndexVocabulary:
    """Document frequencies read from an index reader (cheap lookups, nothing loaded up front)."""

    def __init__(self, reader, fieldname: str = VOCABULARY_FIELD, lock=None):
        self.reader = reader
        self.fieldname = fieldname
        #: The index's read lock (index.py: Whoosh's file handles are not thread-safe).
        self.lock = lock or nullcontext()
        with self.lock:
            self._n = reader.doc_count()
        self._has_field = fieldname in reader.schema

    def doc_count(self) -> int:
        return self._n

    def doc_frequency(self, word: str) -> int:
        if not self._has_field:
            return 0
        try:
            with self.lock:
                return self.reader.doc_frequency(self.fieldname, word)
        except Exception:  # a closed or replaced reader: treat as unknown rather than fail a write
            return 0


class CountedVocabulary:
    """Document frequencies from a counting pass (reindex, benchmark, a batch being ingested)."""

    def __init__(self, counts: Counter[str] | dict[str, int], n_docs: int):
        self.counts = counts
        self.n_docs = n_docs

    def doc_count(self) -> int:
        return self.n_docs

    def doc_frequency(self, word: str) -> int:
        return self.counts.get(word, 0)


class BatchVocabulary:
    """The committed index plus the batch being written."""

    def __init__(self, index_vocab: IndexVocabulary | None, batch: CountedVocabulary):
        self.index_vocab = index_vocab
        self.batch = batch

    def doc_count(self) -> int:
        return (self.index_vocab.doc_count() if self.index_vocab else 0) + self.batch.doc_count()

    def doc_frequency(self, word: str) -> int:
        base = self.index_vocab.doc_frequency(word) if self.index_vocab else 0
        return base + self.batch.doc_frequency(word)


def document_words(text: str) -> set[str]:
    """The distinct folded surface forms of one text (stopwords out), as `body_exact` has them."""
    stop = stopwords()
    out = set()
    for raw in set(WORD_RE.findall(text)):  # each distinct word folded once
        w = fold(raw)
        if w and w not in stop:
            out.add(w)
    return out


def count_documents(texts: Iterable[str], min_df: int = 1) -> CountedVocabulary:
    """Count, for every folded word, how many of `texts` contain it.

    `min_df` > 1 drops the long tail (a word in one report is as good as unknown to the glue
    rules), which keeps a 100k-report count small in memory.
    """
    return count_word_sets((document_words(text) for text in texts), min_df)


def count_word_sets(word_sets: Iterable[set[str] | frozenset[str]], min_df: int = 1) -> CountedVocabulary:
    """`count_documents` from each text's `document_words` (computed elsewhere, e.g. in a worker)."""
    counts: Counter[str] = Counter()
    n = 0
    for words in word_sets:
        counts.update(words)
        n += 1
    if min_df > 1:
        counts = Counter({w: c for w, c in counts.items() if c >= min_df})
    return CountedVocabulary(counts, n)
