"""The Arabic text field: Whoosh's TEXT, indexed fast and stored compactly.

Why a field class of our own:

- Indexing through a Whoosh analyzer chain costs a generator step, a `Token` update and a fold per
  token per filter (measured: 2.8 ms for a 2 KB article over the four text fields — the largest
  single cost of ingest). Words repeat, so `ArabicText.index` runs the *same* chain once per
  distinct word (memoised per process) and assembles the document's terms and positions from the
  per-word results. Filters that look only at one word (fold, stopwords, light stems, even a filter
  that splits one glued word into two tokens) give identical output; `fast_path_ok` checks that
  on a sample text when the field is first used, and falls back to the plain chain if a future
  filter ever looks across words.
- Positions are stored with `codec.VarintPositions` (≈1 byte a position instead of ≈14).

Fields are pickled into the index's table of contents, so this class path is part of the index
format (see `schema.SCHEMA_VERSION`).
"""
from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.fields import COLUMN, TEXT
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from app.arabic.analyzer import splitter_for
from app.arabic.glue import active_vocabulary, using_vocabulary
from app.arabic.tokenize import WORD_RE

from .codec import TermFrequency, VarintPositions

#: Distinct words remembered per field before the memo is cleared (bounds memory on huge ingests).
MEMO_LIMIT = 400_000

#: Text for the start-up equivalence check: stopwords, prepositions, glued words, digits, Latin,
#: tashkeel and tatweel, presentation forms — the cases where a per-word shortcut could differ.
_CHECK_TEXT = ("قال مدير المرصد السوري لحقوق الإنسان إن قوات النظام تقدمت في حي الشعار وبحلب "
               "والمدنيين للمدنيين بالكلور في الولاياتالمتحدة و الأممالمتحدة ب16 غارة COVIDكورونا "
               "مَدِينَةُ حلـــب ﻻ إدلب 5 ديسمبر ٢٠١٦ من في على إلى عن أن ان هذا كما the UN. "
               "ومن ثم لافروف في هامبورغ، وقاضي عسكر والكلاسة؛ ليست هي؟ نعم!")


def _word_tokens(analyzer, word: str) -> tuple[tuple[int, str], ...]:
    """(relative position, term) for one word run through the whole chain."""
    return tuple((t.pos, t.text) for t in analyzer(word, positions=True, mode="index"))


class _SplitProbe:
    """A vocabulary under which no glued word splits, noting the words whose split was asked about.

    `glue.Splitter` asks for the whole word's frequency only after the checks that do not depend on
    the vocabulary (length, letters, lexicon, stopwords): the words asked about are exactly those
    whose analysis another vocabulary could change. Analysed under the probe, a word's tokens are
    valid under any vocabulary that splits none of them — so the per-word memo survives batches
    (each ingest batch has its own vocabulary) and only the split decisions are taken again.
    """

    def __init__(self) -> None:
        self.asked: list[str] = []

    def doc_count(self) -> int:
        return 0

    def doc_frequency(self, word: str) -> int:
        self.asked.append(word)
        return 1 << 62  # never rare: the splitter answers "no split"


_PROBE = _SplitProbe()
#: Per analyzer chain (fields sharing a chain share it): word → (tokens, words asked about).
_MEMOS: dict[int, tuple[Any, dict[str, tuple[tuple[tuple[int, str], ...], tuple[str, ...]]]]] = {}


def _memo_for(analyzer) -> dict:
    held = _MEMOS.get(id(analyzer))
    if held is None or held[0] is not analyzer:
        held = _MEMOS[id(analyzer)] = (analyzer, {})
    memo = held[1]
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    return memo


def _analyse(analyzer, word: str) -> tuple[tuple[tuple[int, str], ...], tuple[str, ...]]:
    """One word's tokens with nothing split, and the words whose split the chain asked about."""
    probe = splitter_for(_PROBE)
    probe._splits.clear()
    probe._df.clear()
    _PROBE.asked = []
    with using_vocabulary(_PROBE):
        toks = _word_tokens(analyzer, word)
    return toks, tuple(_PROBE.asked)


class ArabicText(TEXT):
    """TEXT with memoised per-word analysis, varint positions, and frequencies kept only as the
    posting's weight (`codec.TermFrequency`) when there are no positions."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if isinstance(self.format, Positions):
            self.format = VarintPositions(field_boost=self.format.field_boost)
        elif type(self.format) is Frequency:
            self.format = TermFrequency(field_boost=self.format.field_boost)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for k in ("_fast_ok",):
            state.pop(k, None)
        return state

    # -- the fast path ---------------------------------------------------------------------
    def _terms(self, text: str, asked: set[str] | None = None) -> Iterator[tuple[int, str]]:
        """(position, term) for the whole text, exactly as the analyzer chain would number them.

        With `asked`, the text is analysed as if no glued word split, and the words whose split
        the active vocabulary would have to decide are added to `asked` (see `PreAnalysed`).
        """
        memo = _memo_for(self.analyzer)
        split = splitter_for(active_vocabulary()).split if asked is None else None
        askers: list[tuple[str, ...]] = []  # the words' asked tuples, merged into `asked` at the end
        base = None  # StopFilter(renumber=True): the first kept word keeps its raw index, then +1
        try:
            for raw_index, word in enumerate(WORD_RE.findall(text)):
                entry = memo.get(word)
                if entry is None:
                    entry = memo[word] = _analyse(self.analyzer, word)
                toks, words_asked = entry
                if words_asked:
                    # Words long enough to be glued: the memoised analysis is the one where nothing
                    # splits; under this vocabulary a part of the word may split after all.
                    if split is None:
                        askers.append(words_asked)
                    else:
                        for w in words_asked:
                            if split(w):
                                toks = _word_tokens(self.analyzer, word)
                                break
                if not toks:
                    continue
                if base is None:
                    base = raw_index
                if len(toks) == 1 and not toks[0][0]:  # the usual word: one token, no offset
                    yield base, toks[0][1]
                    base += 1
                    continue
                last = base
                for rel, term in toks:
                    last = base + rel
                    yield last, term
                base = last + 1
        finally:
            if askers:
                asked.update(*askers)

    def fast_path_ok(self) -> bool:
        ok = self.__dict__.get("_fast_ok")
        if ok is None:
            slow = [(t.pos, t.text) for t in self.analyzer(_CHECK_TEXT, positions=True, mode="index")
                    if not t.stopped]
            ok = self.__dict__["_fast_ok"] = slow == list(self._terms(_CHECK_TEXT))
        return ok

    def pre_analyse(self, text: str) -> PreAnalysed | str:
        """The text analysed ahead of the batch it will be written in (an ingest worker does this:
        the batch's vocabulary is not known yet). `index` uses the result when none of the words
        it asked about splits under the vocabulary active then, and analyses the text otherwise."""
        if not self.fast_path_ok():
            return text
        asked: set[str] = set()
        if type(self.format) is TermFrequency:  # counts only, no values: what `_items` packs
            freqs = Counter(term for _, term in self._terms(text, asked))
            n = len(freqs)
            return PreAnalysed(text, "\0".join(freqs).encode("utf-8"), array("I", freqs.values()).tobytes(),
                               b"", bytes(4 * n), frozenset(asked))
        if not isinstance(self.format, Positions):
            return PreAnalysed.pack(text, self._items(self._terms(text, asked)), asked)
        poses: dict[str, list[int]] = defaultdict(list)
        for pos, term in self._terms(text, asked):
            poses[term].append(pos)
        encode = self.format.encode
        values = [encode(plist) for plist in poses.values()]
        return PreAnalysed(text, "\0".join(poses).encode("utf-8"),
                           array("I", map(len, poses.values())).tobytes(), b"".join(values),
                           array("I", map(len, values)).tobytes(), frozenset(asked))

    def usable(self, value: PreAnalysed) -> bool:
        """Whether `value`'s terms are this field's terms under the active vocabulary."""
        if not self.fast_path_ok():
            return False
        split = splitter_for(active_vocabulary()).split
        return not any(split(w) for w in value.asked)

    def index(self, value: Any, **kwargs: Any):
        if isinstance(value, PreAnalysed):
            if not kwargs and self.fast_path_ok():
                split = splitter_for(active_vocabulary()).split
                if not any(split(w) for w in value.asked):
                    return value.items(self.format.field_boost)
            value = value.text
        if not isinstance(value, str) or kwargs or not self.fast_path_ok():
            return super().index(value, **kwargs)
        return self._items(self._terms(value))

    def _items(self, terms: Iterator[tuple[int, str]]):
        """Whoosh's (term bytes, frequency, weight, encoded value) per distinct term."""
        fb = self.format.field_boost
        if isinstance(self.format, Positions):
            poses: dict[str, list[int]] = defaultdict(list)
            for pos, term in terms:
                poses[term].append(pos)
            encode = self.format.encode
            for term, plist in poses.items():
                yield term.encode("utf-8"), len(plist), float(len(plist)) * fb, encode(plist)
        else:
            freqs: dict[str, int] = defaultdict(int)
            for _, term in terms:
                freqs[term] += 1
            # Frequency stores the count as a packed uint; TermFrequency and Existence store nothing.
            value_of = pack_uint if type(self.format) is Frequency else (lambda n: b"")
            for term, n in freqs.items():
                yield term.encode("utf-8"), n, float(n) * fb, value_of(n)


@dataclass(frozen=True)
class PreAnalysed:
    """A text field's value with its index terms computed ahead, as if no glued word split.

    `asked`: the words whose glued-word split depends on the vocabulary; if any of them splits
    under the vocabulary of the batch, the terms are computed again from `text`.
    """

    text: str
    #: Terms (UTF-8, NUL-separated), frequencies (uint32), values concatenated and their lengths
    #: (uint32): a few flat objects instead of four per term (memory and pickling between processes).
    terms: bytes
    freqs: bytes
    values: bytes
    value_lengths: bytes
    asked: frozenset[str]

    @classmethod
    def pack(cls, text: str, items, asked) -> PreAnalysed:
        terms, freqs, values, lengths = [], array("I"), [], array("I")
        for tbytes, freq, _weight, vbytes in items:
            terms.append(tbytes)
            freqs.append(freq)
            values.append(vbytes)
            lengths.append(len(vbytes))
        return cls(text, b"\0".join(terms), freqs.tobytes(), b"".join(values), lengths.tobytes(), frozenset(asked))

    def items(self, field_boost: float = 1.0):
        """`ArabicText.index`'s (term bytes, frequency, weight, value) tuples again."""
        if not self.terms and not self.freqs:
            return
        freqs, lengths = array("I"), array("I")
        freqs.frombytes(self.freqs)
        lengths.frombytes(self.value_lengths)
        values, at = self.values, 0
        for tbytes, freq, n in zip(self.terms.split(b"\0"), freqs, lengths):
            yield tbytes, freq, float(freq) * field_boost, values[at:at + n]
            at += n


class TextColumn(COLUMN):
    """A per-document text value kept only as a column (no term per document in the term table):
    for values read by docnum (`sha256` for `check`, `dup_group` for collapsing), never searched."""

    def to_column_value(self, value: Any) -> bytes:
        return value.encode("utf-8") if isinstance(value, str) else value
