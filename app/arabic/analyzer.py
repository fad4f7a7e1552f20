"""Whoosh analysis chains built from the pure pieces: `ArabicTokenizer | FoldFilter | … `.

Two chains, one per index field family:

- `surface_analyzer()`  folded surface forms (المدنيين stays المدنيين) — exact forms rank higher;
- `stem_analyzer()`     folded light stems plus preposition-free variants — recall.

Both tokenise the original text, so token offsets point into what the reader sees, and both
split glued words (`glue.py`): the whole token stays at its position and its parts follow at
consecutive positions (later tokens move up), so the phrase "الأمم المتحدة" finds الأممالمتحدة.
"""
from __future__ import annotations

from typing import Iterator

from whoosh.analysis import Filter, StopFilter, Token, Tokenizer

from .glue import Splitter, Vocabulary, active_vocabulary
from .normalise import fold, fold_keep_ta
from .stem import stem_variants
from .stopwords import stopwords
from .tokenize import WORD_RE


class ArabicTokenizer(Tokenizer):
    """Yields the words of `tokenize.WORD_RE` with positions and offsets into the original."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, m in enumerate(WORD_RE.finditer(value)):
            t.text = m.group(0)
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + m.start(), start_char + m.end()
            yield t


class FoldFilter(Filter):
    """Matching form of each token; `keep_ta` leaves ة for the stemmer to see."""

    def __init__(self, keep_ta: bool = False):
        self.keep_ta = keep_ta
        self._fold = fold_keep_ta if keep_ta else fold

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.keep_ta == other.keep_ta

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        f = self._fold
        for t in tokens:
            t.text = f(t.text)
            if t.text:
                yield t


class LightStemFilter(Filter):
    """Replaces each token by its light stem; a preposition-free variant follows at the same position."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.stopped:
                yield t
                continue
            variants = stem_variants(t.text)
            t.text = variants[0]
            yield t
            for alt in variants[1:]:
                t.text = alt
                yield t


_splitters: dict[int, Splitter] = {}


def splitter_for(vocab: Vocabulary | None) -> Splitter:
    """One cached `Splitter` per vocabulary object (per index generation or per batch)."""
    key = id(vocab)
    s = _splitters.get(key)
    if s is None or s.vocab is not vocab and vocab is not None:
        if len(_splitters) > 8:
            _splitters.clear()
        s = _splitters[key] = Splitter(vocab)
    return s


class GlueSplitFilter(Filter):
    """After the whole of a glued token, its parts at consecutive positions (see `glue.py`).

    Expects folded tokens (either fold); positions of later tokens shift by the number of
    extra parts, so phrases spanning the glued token still line up.
    """

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        splitter = splitter_for(active_vocabulary())
        shift = 0
        for t in tokens:
            if t.positions:
                t.pos += shift
            if t.stopped or len(t.text) < 6:
                yield t
                continue
            parts = splitter.split(t.text.replace("ة", "ه"))
            if not parts:
                yield t
                continue
            # Parts are cut from the token as it is (ة kept for the stemmer where it was kept);
            # their character span is the whole glued token's. (Later filters rewrite t.text.)
            text, pos, i = t.text, t.pos if t.positions else 0, 0
            yield t
            for k, part in enumerate(parts):
                t.text = text[i:i + len(part)]
                i += len(part)
                if t.positions:
                    t.pos = pos + k
                yield t
            shift += len(parts) - 1
            t.text = text


def _stop_filter() -> StopFilter:
    # minsize=1: numbers such as "5" (5 ديسمبر) stay searchable; single letters are in the list.
    return StopFilter(stoplist=stopwords(), minsize=1, renumber=True)


def surface_analyzer():
    """Folded surface forms: the exact word a report used, for ranking exact matches first."""
    return ArabicTokenizer() | FoldFilter() | _stop_filter() | GlueSplitFilter()


def stem_analyzer():
    """Folded light stems with preposition variants: the recall field."""
    return ArabicTokenizer() | FoldFilter(keep_ta=True) | _stop_filter() | GlueSplitFilter() | LightStemFilter()


def stem_terms(text: str) -> list[str]:
    """Index terms of `text` through the stem chain (for tests, the CLI and explanations)."""
    return [t.text for t in stem_analyzer()(text)]


def surface_terms(text: str) -> list[str]:
    return [t.text for t in surface_analyzer()(text)]

