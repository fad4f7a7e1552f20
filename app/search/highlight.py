"""Whole-word highlighting and snippets, always HTML-escaped.

A `<mark>` always wraps a whole word as the tokenizer sees it: a tag inside an Arabic word would
break letter joining. Highlighting reads the database text, not stored index fields.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from app.arabic.normalise import fold, fold_keep_ta
from app.arabic.stem import stem_variants
from app.arabic.tokenize import WORD_RE

SNIPPET_CHARS = 250
_SENTENCE = re.compile(r"[^.!?؟؛\n]+[.!?؟؛]*")


@lru_cache(maxsize=1 << 16)
def _forms(word: str) -> tuple[str, str]:
    """(fold, fold_keep_ta) of a word of a text. Every snippet tests every word of a report's body
    and most of them are common words: remembered across requests (in a bounded LRU: about
    10 MB at most), the two foldings stop being a third of building a results page's snippets."""
    return fold(word), fold_keep_ta(word)


#: Letters a stem may carry in another shape than the word it comes from: ta marbuta written ت
#: or folded to ه, a hamza on its seat (أسماؤه → أسماء).
_CANON = str.maketrans({"ة": "ه", "ت": "ه", "ؤ": "ء", "ئ": "ء"})


def containment_key(stem: str) -> str:
    """What of `stem` is always inside the (canonical) word it was taken from: the stemmer only
    removes affixes, except for the letter shapes of `_CANON` and a first ا standing for a verb's
    ي/ت/ن (derived forms: ينتظر → انتظر), so that first ا is left out."""
    c = stem.translate(_CANON)
    return c[1:] if c.startswith("ا") else c


@dataclass(frozen=True)
class WordMatcher:
    """Decides whether a word of the text matches the query (by stem, folded surface or prefix).

    A glued word of the text (الأممالمتحدة) matches when one of its parts does — the same
    `Splitter` the index used decides what the parts are — and is marked whole.
    """

    stems: frozenset[str]
    surfaces: frozenset[str]
    prefixes: frozenset[str] = frozenset()
    splitter: Any = field(default=None, compare=False)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, stems: Iterable[str], surfaces: Iterable[str], prefixes: Iterable[str] = (),
           splitter: Any = None) -> WordMatcher:
        return cls(frozenset(stems), frozenset(surfaces), frozenset(prefixes), splitter)

    def __post_init__(self) -> None:
        keys = {containment_key(x) for x in self.stems}
        keys |= {x.translate(_CANON) for x in self.surfaces | self.prefixes}
        object.__setattr__(self, "_keys", tuple(keys))

    def may_contain_match(self, folded: str) -> bool:
        """False when no part of `folded` can match: none of the query's stems, surfaces or
        prefixes is inside it. Splitting a glued word asks the index for the frequencies of
        its possible parts; most long words of a text contain nothing of the query, and this
        test spares them (half the cost of a page's snippets)."""
        c = folded.translate(_CANON)
        return any(k in c for k in self._keys)

    def __bool__(self) -> bool:
        return bool(self.stems or self.surfaces or self.prefixes)

    def _matches_one(self, folded: str, keep_ta: str) -> bool:
        if folded in self.surfaces:
            return True
        if not self.stems.isdisjoint(stem_variants(keep_ta)):
            return True
        return bool(self.prefixes) and any(folded.startswith(p) for p in self.prefixes)

    def matches(self, word: str) -> bool:
        # Words repeat within and across snippets: remember each verdict.
        cache = self._cache
        hit = cache.get(word)
        if hit is None:
            if len(cache) > 50_000:
                cache.clear()
            hit = cache[word] = self._matches(word)
        return hit

    def _matches(self, word: str) -> bool:
        folded, keep_ta = _forms(word)
        if self._matches_one(folded, keep_ta):
            return True
        if self.splitter is not None and len(folded) >= 6 and self.may_contain_match(folded):
            parts = self.splitter.split(folded)
            if parts:
                i = 0
                for p in parts:
                    if self._matches_one(p, keep_ta[i:i + len(p)]):
                        return True
                    i += len(p)
        return False


def match_spans(text: str, matcher: WordMatcher) -> list[tuple[int, int]]:
    if not matcher:
        return []
    matches = matcher.matches
    return [(m.start(), m.end()) for m in WORD_RE.finditer(text) if matches(m.group())]


def mark(text: str, matcher: WordMatcher, *, id_prefix: str | None = None, start_index: int = 0) -> tuple[Markup, int]:
    """Escape `text`, wrapping each matching word in <mark>. Returns (html, number of marks).

    With `id_prefix`, marks get ids `{prefix}{n}` (n counting from start_index + 1) so a page can
    link to the first match.
    """
    out: list[str] = []
    pos = 0
    n = start_index
    for start, end in match_spans(text, matcher):
        out.append(str(escape(text[pos:start])))
        n += 1
        attr = f' id="{id_prefix}{n}"' if id_prefix else ""
        out.append(f"<mark{attr}>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out)), n - start_index


def _trim(text: str, start: int, end: int, focus: int, limit: int) -> tuple[int, int]:
    """A window of at most `limit` chars inside [start, end) around `focus`, cut at spaces."""
    if end - start <= limit:
        return start, end
    lo = max(start, focus - limit // 3)
    hi = min(end, lo + limit)
    lo = max(start, hi - limit)
    if lo > start:
        sp = text.find(" ", lo)
        lo = sp + 1 if 0 <= sp < hi else lo
    if hi < end:
        sp = text.rfind(" ", lo, hi)
        hi = sp if sp > lo else hi
    return lo, hi


def snippet(text: str, matcher: WordMatcher, limit: int = SNIPPET_CHARS, passages: int = 2) -> Markup:
    """The best one or two sentences for the query, about `limit` chars, with matches marked."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]
    if not sentences:
        return Markup("")
    hits = match_spans(text, matcher)
    scored = []
    for i, (s, e) in enumerate(sentences):
        inside = [h for h in hits if s <= h[0] < e]
        distinct = len({fold(text[a:b]) for a, b in inside})
        scored.append((distinct, len(inside), -i, s, e, inside[0][0] if inside else s))
    scored.sort(reverse=True)
    if not scored[0][0]:
        chosen = [scored_by_order for scored_by_order in sorted(scored, key=lambda t: -t[2])[:1]]
    else:
        chosen = [t for t in scored[:passages] if t[0]]
        chosen.sort(key=lambda t: -t[2])
    budget = limit // len(chosen) if len(chosen) > 1 else limit
    pieces: list[str] = []
    for k, (_, _, _, s, e, focus) in enumerate(chosen):
        while s < e and text[s].isspace():
            s += 1
        lo, hi = _trim(text, s, e, focus, budget)
        html, _ = mark(text[lo:hi], matcher)
        piece = str(html).strip()
        if lo > s or (k == 0 and s > 0):
            piece = "… " + piece
        if hi < e:
            piece += " …"
        if pieces:  # exactly one ellipsis between two passages
            piece = piece.removeprefix("… ")
            if not pieces[-1].endswith("…"):
                piece = "… " + piece
        pieces.append(piece)
    return Markup(" ".join(pieces))
