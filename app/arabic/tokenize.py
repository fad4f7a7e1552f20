"""Word boundaries for Arabic text, with offsets into the original string.

Tokens are found on the *original* text (tashkeel and tatweel count as part of a word), so that a
token's (start, end) can be used to highlight the displayed text without re-mapping offsets.
Scripts never share a token: `ب16` is `ب` + `16`, `COVIDكورونا` is `COVID` + `كورونا`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

_ARABIC = "\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc"
_MARKS = "\u064b-\u0652\u0670\u0640"
_DIGITS = "0-9\u0660-\u0669\u06f0-\u06f9"
WORD_RE = re.compile(
    rf"[{_ARABIC}][{_ARABIC}{_MARKS}]*"  # an Arabic word (diacritics inside it kept)
    rf"|[{_DIGITS}]+"  # a number
    rf"|[^\W\d_{_ARABIC}{_MARKS}]+"  # a word in any other script (Latin, …)
)


@dataclass(frozen=True, slots=True)
class Span:
    """One word of the original text: `text[start:end] == surface`."""

    surface: str
    start: int
    end: int


def spans(text: str) -> Iterator[Span]:
    """Yield every word of `text` with its offsets, in order."""
    for m in WORD_RE.finditer(text):
        yield Span(m.group(0), m.start(), m.end())


def words(text: str) -> list[str]:
    return [m.group(0) for m in WORD_RE.finditer(text)]


_MATCH = type(re.match("", ""))


@lru_cache(maxsize=4)
def word_columns(text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """The words of `text` as three columns: surfaces, starts, ends (`spans` without an object per
    word, built by C-level maps).

    Why: ingest reads every report's words in several passes (place tagging, date extraction) and
    a Python step per word was most of their cost; the last few texts are remembered, so the
    passes over one report share one scan.
    """
    found = list(WORD_RE.finditer(text))
    return (tuple(map(_MATCH.group, found)), tuple(map(_MATCH.start, found)),
            tuple(map(_MATCH.end, found)))


class WordMemo(dict):
    """word → `compute(word)`, computed on first use: a pass over a report's words looks each one
    up here, once, with a C-level `map(memo.__getitem__, words)`.

    Why not `functools.lru_cache`: on a hit it also relinks its recency list, scattered in memory,
    and those cache misses made a cached lookup cost ~0.4 µs (most of a pass over 200 words).
    A plain dict is one probe; it is emptied when it outgrows `limit` (news vocabulary is Zipfian:
    the common words are back at once).
    """

    def __init__(self, compute, limit: int = 1 << 18):
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, word: str):
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.compute(word)
        return value
