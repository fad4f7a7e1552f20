"""Whole-word highlighting and snippets, always HTML-escaped.

A `<mark>` always wraps a whole word as the tokenizer sees it: a tag inside an Arabic word would
break letter joining. Highlighting reads the database text, not stored index fields.
"""
from __future__ import annotations

import re
from html import unescape
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from markupsafe import Markup, escape

from app.arabic.normalise import TASHKEEL, TATWEEL, fold, fold_keep_ta
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


#: The public name of that memo (a server bounds it: `heap.HeapTrimmer`).
word_forms = _forms


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


def _word_char(c: str) -> bool:
    """What a word can be made of (`WORD_RE`'s alternatives: letters, digits, marks) and a little
    more: a run of these characters starts and ends with the words it contains."""
    return c.isalnum() or c == "_" or c in _MARKS


_MARKS = frozenset(TASHKEEL | {TATWEEL})
#: The characters whose folding `_letters` knows: Latin, Arabic, punctuation, spaces.
_KNOWN = [(0x0000, 0x024F), (0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0x2000, 0x206F)]
_UNKNOWN, _GONE = np.uint32(0xFFFFFFFF), np.uint32(0xFFFFFFFE)


@lru_cache(maxsize=1)
def _letters() -> np.ndarray:
    """What folding (`fold`, then `_CANON`) makes of each single character, by code point: the
    folded character's code point, `_GONE` where it removes the character (diacritics), `_UNKNOWN`
    where it makes several characters of it, or for characters outside `_KNOWN`. Built from
    `fold` itself (once, a few milliseconds), so it cannot disagree with it."""
    table = np.full(0x10000, _UNKNOWN, dtype=np.uint32)
    for lo, hi in _KNOWN:
        for cp in range(lo, hi + 1):
            image = fold(chr(cp)).translate(_CANON)
            if len(image) <= 1:
                table[cp] = ord(image) if image else _GONE
    return table


def matching_form(text: str) -> tuple[str, np.ndarray | None] | None:
    """The text as `WordMatcher` keys are written (folded, `_CANON` letters), and where each of
    its characters stands in `text` (None: at the same position) — one table lookup per character,
    in numpy. None when the text has a character `_letters` does not know."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if not len(cps) or cps.max() > 0xFFFF:
        return None
    mapped = _letters()[cps]
    if (mapped == _UNKNOWN).any():
        return None
    kept = mapped != _GONE
    if kept.all():
        return mapped.tobytes().decode("utf-32-le"), None
    where = np.flatnonzero(kept)
    return mapped[where].tobytes().decode("utf-32-le"), where


#: `shaped` not given: compute it.
_COMPUTE = object()


def match_spans(text: str, matcher: WordMatcher, shaped=_COMPUTE) -> list[tuple[int, int]]:
    """(start, end) of every word of `text` that `matcher` matches, in order.

    Only words containing one of the matcher's keys can match (`WordMatcher.may_contain_match`),
    so the keys are looked for in the folded text as a whole (`matching_form`, str.find) and
    only the words around them are tested — rather than every word of a report's body, most of
    them words of no query. A text with characters whose folding `_letters` does not know (other
    scripts, presentation forms) is tokenised word by word instead."""
    if not matcher:
        return []
    matches = matcher.matches
    keys = matcher._keys
    if not keys or not all(keys):
        shaped = None  # an empty key is in every word
    elif shaped is _COMPUTE:  # (a caller may keep each text's form: `matching_form(text)`)
        shaped = matching_form(text)
    if shaped is None:  # word by word
        return [(m.start(), m.end()) for m in WORD_RE.finditer(text) if matches(m.group())]
    form, where = shaped
    found: dict[int, int] = {}
    search = WORD_RE.search
    for key in keys:
        j = form.find(key)
        covered = -1
        while j >= 0:
            i = j if where is None else int(where[j])  # the same letter in `text`
            if i >= covered:
                # The word around position i: back to the start of its run of word characters
                # (tokenising from there gives the words a scan of the whole text gives), then on.
                s = i
                while s > 0 and ((c := text[s - 1]).isalnum() or c in _MARKS or c == "_"):  # _word_char
                    s -= 1
                m = search(text, s)
                while m is not None and m.end() <= i:
                    m = search(text, m.end())
                if m is not None and m.start() <= i:
                    found[m.start()] = covered = m.end()
            j = form.find(key, j + 1)
    return [(a, b) for a, b in sorted(found.items()) if matches(text[a:b])]


def mark(text: str, matcher: WordMatcher, *, id_prefix: str | None = None, start_index: int = 0) -> tuple[Markup, int]:
    """Escape `text`, wrapping each matching word in <mark>. Returns (html, number of marks).

    With `id_prefix`, marks get ids `{prefix}{n}` (n counting from start_index + 1) so a page can
    link to the first match.
    """
    return _marked(text, match_spans(text, matcher), id_prefix, start_index)


def _marked(text: str, spans: list[tuple[int, int]], id_prefix: str | None = None,
            start_index: int = 0) -> tuple[Markup, int]:
    out: list[str] = []
    pos = 0
    n = start_index
    for start, end in spans:
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


#: What ends a sentence (`_SENTENCE`): a sentence starts after the last of these before it.
_SENTENCE_ENDS = ".!?؟؛\n"


def _sentence_at(text: str, pos: int) -> tuple[int, int]:
    """The sentence (as `_SENTENCE.finditer` cuts the text) containing the word at `pos`."""
    lo = max(0, pos - 400)  # most sentences are shorter: look back that far first
    start = max(text.rfind(c, lo, pos) for c in _SENTENCE_ENDS)
    if start < 0 and lo:
        start = max(text.rfind(c, 0, lo) for c in _SENTENCE_ENDS)
    return start + 1, _SENTENCE.match(text, start + 1).end()


def _cut_inside_a_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and _word_char(text[i - 1]) and _word_char(text[i])


def snippet_text(html: str) -> str:
    """The text of a `snippet` (whose only tags are <mark> and </mark>): what `striptags` gives,
    whitespace aside, without its regular expressions."""
    t = str(html).replace("<mark>", "").replace("</mark>", "")
    return unescape(t) if "&" in t else t


def snippet(text: str, matcher: WordMatcher, limit: int = SNIPPET_CHARS, passages: int = 2,
            shaped=_COMPUTE) -> Markup:
    """The best one or two sentences for the query, about `limit` chars, with matches marked.

    Sentences are ranked by the distinct query words they contain, then by matches, then by
    position. Only the sentences around the matches are looked at (a report's body has dozens).
    """
    hits = match_spans(text, matcher, shaped)
    if hits:
        found: dict[int, tuple[int, list[tuple[int, int]]]] = {}
        for h in hits:
            s = h[0]
            for start, (end, inside) in found.items():
                if start <= s < end:
                    inside.append(h)
                    break
            else:
                start, end = _sentence_at(text, s)
                found[start] = (end, [h])
        scored = [(len({_forms(text[a:b])[0] for a, b in inside}), len(inside), -s, s, e, inside[0][0])
                  for s, (e, inside) in found.items()]
        scored.sort(reverse=True)
        chosen = scored[:passages]
        chosen.sort(key=lambda t: -t[2])
    else:
        first = next((m for m in _SENTENCE.finditer(text) if m.group().strip()), None)
        if first is None:
            return Markup("")
        chosen = [(0, 0, 0, first.start(), first.end(), first.start())]
    budget = limit // len(chosen) if len(chosen) > 1 else limit
    pieces: list[str] = []
    for k, (_, _, _, s, e, focus) in enumerate(chosen):
        while s < e and text[s].isspace():
            s += 1
        lo, hi = _trim(text, s, e, focus, budget)
        if _cut_inside_a_word(text, lo) or _cut_inside_a_word(text, hi):
            html, _ = mark(text[lo:hi], matcher)  # the cut word's part is a word of its own
        else:
            html, _ = _marked(text[lo:hi], [(a - lo, b - lo) for a, b in hits if lo <= a and b <= hi])
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
