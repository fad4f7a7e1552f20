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
            self._n_all = reader.doc_count_all()
            #: The index generation (table of contents) this reader is of.
            self.generation = reader.generation()
        self._has_field = fieldname in reader.schema

    def doc_count_all(self) -> int:
        """Documents in the index's segments, deleted ones included (0: no term anywhere)."""
        return self._n_all

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


class KeptVocabulary:
    """The index's document frequencies, remembered across the batches of one ingest run.

    Why: every batch decides its glued words again (its vocabulary is new), and each decision
    looks up the word and its candidate parts; read from the index, a lookup is a term-table
    search in every segment (a fifth of the ingest's main process). Between two batches the index
    changes only by the segment this process commits, whose per-term document counts it knows
    (`committed`), so looked-up counts are kept and brought up to date instead of read again.

    Exactly the index's counts, or forgotten: a reader's document frequency counts deleted
    documents until a merge drops them, so a commit whose merge dropped deleted documents — or a
    generation this process did not write (another writer, a deletion batch) — starts afresh.
    Over an index with no documents at all the counts are complete: an unknown word has none.
    """

    def __init__(self) -> None:
        self.generation: int | None = None
        self.counts: dict[str, int] = {}
        self.complete = False
        self._base: IndexVocabulary | None = None

    def at(self, base: IndexVocabulary, generation: int | None) -> KeptVocabulary:
        """These counts for `base`, a reader of the index's `generation` (None: unknown), forgotten
        if they are of another generation."""
        if generation is None or generation != self.generation:
            self.counts = {}
            self.complete = base.doc_count_all() == 0
            self.generation = generation
        self._base = base
        return self

    def doc_count(self) -> int:
        return self._base.doc_count() if self._base is not None else 0

    def doc_frequency(self, word: str) -> int:
        c = self.counts.get(word)
        if c is None:
            if self.complete:
                return 0
            c = self.counts[word] = self._base.doc_frequency(word) if self._base is not None else 0
        return c

    def committed(self, before: int, after: int, added: dict[bytes, int] | None, dropped_deleted: bool) -> None:
        """This process committed generation `after` on top of `before`, adding a segment whose
        vocabulary field has `added` (term bytes → documents); `dropped_deleted`: a merge of the
        commit dropped deleted documents."""
        if self.generation is None or before != self.generation or added is None or dropped_deleted:
            self.generation, self.counts, self.complete, self._base = None, {}, False, None
            return
        counts = self.counts
        if self.complete:
            for t, n in added.items():
                w = t.decode("utf-8")
                counts[w] = counts.get(w, 0) + n
        else:
            for t, n in added.items():
                w = t.decode("utf-8")
                c = counts.get(w)
                if c is not None:
                    counts[w] = c + n
        self.generation = after
        self._base = None


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


#: word → its folded form if that is a word the vocabulary counts ("" if not): words repeat from
#: report to report, folding them again was most of `document_words` (bounded).
_COUNTED_FORM: dict[str, str] = {}
_COUNTED_FORM_LIMIT = 500_000


def document_words(text: str) -> set[str]:
    """The distinct folded surface forms of one text (stopwords out), as `body_exact` has them."""
    forms = _COUNTED_FORM
    if len(forms) >= _COUNTED_FORM_LIMIT:
        forms.clear()
    out = set()
    for raw in set(WORD_RE.findall(text)):  # each distinct word folded once
        w = forms.get(raw)
        if w is None:
            w = fold(raw)
            if w in stopwords():
                w = ""
            forms[raw] = w
        if w:
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
