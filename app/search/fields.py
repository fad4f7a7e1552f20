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

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from whoosh.fields import COLUMN, TEXT
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from app.arabic.glue import MIN_LENGTH as GLUE_MIN_LENGTH
from app.arabic.glue import active_vocabulary
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
        for k in ("_memo", "_memo_long", "_memo_vocabulary", "_fast_ok"):
            state.pop(k, None)
        return state

    # -- the fast path ---------------------------------------------------------------------
    def _terms(self, text: str) -> Iterator[tuple[int, str]]:
        """(position, term) for the whole text, exactly as the analyzer chain would number them."""
        memo: dict[str, tuple[tuple[int, str], ...]] = self.__dict__.setdefault("_memo", {})
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        # A word long enough to be two glued words is analysed against the active vocabulary
        # (glued-word splitting): its memo is only valid for the vocabulary it was filled under.
        # Shorter words never depend on it and stay memoised across batches.
        long_memo: dict[str, tuple[tuple[int, str], ...]] = self.__dict__.setdefault("_memo_long", {})
        vocab = active_vocabulary()
        if len(long_memo) > MEMO_LIMIT or self.__dict__.get("_memo_vocabulary", False) is not vocab:
            long_memo.clear()
            self.__dict__["_memo_vocabulary"] = vocab
        analyzer = self.analyzer
        base = None  # StopFilter(renumber=True): the first kept word keeps its raw index, then +1
        for raw_index, word in enumerate(WORD_RE.findall(text)):
            m = memo if len(word) < GLUE_MIN_LENGTH else long_memo
            toks = m.get(word)
            if toks is None:
                toks = m[word] = _word_tokens(analyzer, word)
            if not toks:
                continue
            if base is None:
                base = raw_index
            last = base
            for rel, term in toks:
                last = base + rel
                yield last, term
            base = last + 1

    def fast_path_ok(self) -> bool:
        ok = self.__dict__.get("_fast_ok")
        if ok is None:
            slow = [(t.pos, t.text) for t in self.analyzer(_CHECK_TEXT, positions=True, mode="index")
                    if not t.stopped]
            ok = self.__dict__["_fast_ok"] = slow == list(self._terms(_CHECK_TEXT))
        return ok

    def index(self, value: Any, **kwargs: Any):
        if not isinstance(value, str) or kwargs or not self.fast_path_ok():
            yield from super().index(value, **kwargs)
            return
        fb = self.format.field_boost
        if isinstance(self.format, Positions):
            poses: dict[str, list[int]] = defaultdict(list)
            for pos, term in self._terms(value):
                poses[term].append(pos)
            encode = self.format.encode
            for term, plist in poses.items():
                yield term.encode("utf-8"), len(plist), float(len(plist)) * fb, encode(plist)
        else:
            freqs: dict[str, int] = defaultdict(int)
            for _, term in self._terms(value):
                freqs[term] += 1
            # Frequency stores the count as a packed uint; TermFrequency and Existence store nothing.
            value_of = pack_uint if type(self.format) is Frequency else (lambda n: b"")
            for term, n in freqs.items():
                yield term.encode("utf-8"), n, float(n) * fb, value_of(n)



class TextColumn(COLUMN):
    """A per-document text value kept only as a column (no term per document in the term table):
    for values read by docnum (`sha256` for `check`, `dup_group` for collapsing), never searched."""

    def to_column_value(self, value: Any) -> bytes:
        return value.encode("utf-8") if isinstance(value, str) else value
