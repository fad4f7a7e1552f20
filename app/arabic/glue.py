"""Glued words: two or three words that lost the space between them (`الأممالمتحدة`).

Scrapers that remove a link often remove the spaces around it, and Arabic letters then join into
one long "word" that no query finds. A glued token is split when *the archive's own vocabulary*
says so: every part is a frequent word, while the whole is rare and is not itself a known word
with clitics attached.

Where the vocabulary comes from (see `Vocabulary`): the caller supplies document frequencies of
folded surface forms — at ingest, the index's own `body_exact` lexicon plus the batch being
added; at `reindex` and in the benchmark, a counting pass over every report before indexing; at
query time, the live index. Those are only known once an archive exists, so a small curated
lexicon of common news words (`lexicon.txt`: places, institutions, months, directions) stands in
for frequency in an empty or tiny archive. Nothing is learned from outside the archive.

The rules are deliberately conservative — a false split makes a real word match phrases it is not
part of, while a missed split only costs recall on damaged text. Measured on 10,700 documents of
news and encyclopaedia text, where transliterated names (دافيدسون, لاريجاني) and article-bearing
words (المبين, المخارج) are the usual traps:

1. only Arabic words of six to thirty letters (two parts of three letters or more);
2. the whole must be rare: not in the lexicon, not a stopword, in at most `rare_max` reports and
   at least `RARITY_RATIO` times rarer than its rarest part;
3. the whole must not be a known word once clitics are removed: conjunction, preposition,
   article, future سـ and the imperfect prefix of verbs at the front (وستتوقف), a light10 or
   pronoun suffix at the end, with ت → ة restored (ليلتهم); any such reading that leaves a known
   word means the token *is* a word (بالمستشفى);
4. every part is a known word — in at least 0.1% of the reports (and three reports), or in the
   lexicon — possibly after one leading و (إيران|وروسيا); stopwords never count as parts
   (ولا|مركزي, ومن|عدم); a part with an article must keep three letters after it (never
   ال|م…, ال|ف…: the article plus a letter is a word's beginning, not a word);
5. the parts must be common enough for gluing to be the likely story: the geometric mean of
   their shares of reports is at least `JOINT_SHARE` (1%) — جنوب and المدينة are everywhere,
   سون and دافيد are fragments of a rare name; lexicon words count as `LEXICON_SHARE`;
6. two parts are preferred to three; among candidates, the best-attested split wins.
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Protocol

from .normalise import fold
from .stopwords import stopwords

MIN_LENGTH = 6
#: Longer tokens are not words glued together but debris (or an attack): never segmented.
MAX_LENGTH = 30
MIN_PART = 3
#: The whole must be this many times rarer than its rarest part.
RARITY_RATIO = 20
#: A part is "known" when it appears in this share of the archive's reports (and MIN_DF reports).
FREQUENT_SHARE = 0.001
MIN_DF = 3
#: The whole is "rare" when it appears in at most this share of the reports (or two reports).
RARE_SHARE = 0.0001
#: Geometric mean of the parts' shares of reports, at least.
JOINT_SHARE = 0.01
#: The share a lexicon word is assumed to have when the archive has not (yet) seen it often.
LEXICON_SHARE = 0.05

_LEXICON = Path(__file__).with_name("lexicon.txt")
_ARTICLES = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
_CONJUNCTIONS = ("", "و", "ف")
_PROCLITICS = ("", "ب", "ل", "ك", "س")
_IMPERFECT = ("", "ي", "ت", "ن", "ا")
_CLITIC_SUFFIXES = ("هما", "كما", "تها", "تهم", "ها", "هم", "هن", "كم", "كن", "نا", "ني", "ان", "ات", "ون",
                    "ين", "يه", "ية", "يا", "ه", "ة", "ي", "ا")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """The curated fallback vocabulary, folded (common words any Arabic news archive has)."""
    words = (w.strip() for w in _LEXICON.read_text(encoding="utf-8").splitlines())
    return frozenset(fold(w) for w in words if w and not w.startswith("#"))


class Vocabulary(Protocol):
    """Document frequencies of folded surface forms in the archive."""

    def doc_count(self) -> int: ...

    def doc_frequency(self, word: str) -> int: ...


class NoVocabulary:
    """An empty archive: only the curated lexicon counts as frequent."""

    def doc_count(self) -> int:
        return 0

    def doc_frequency(self, word: str) -> int:
        return 0


_active: ContextVar[Vocabulary | None] = ContextVar("sijill_vocabulary", default=None)


@contextmanager
def using_vocabulary(vocab: Vocabulary | None) -> Iterator[None]:
    """Make `vocab` the vocabulary the index-time analyzer splits glued words with.

    The Whoosh schema (and so the analyzer) is pickled into the index, so the analyzer cannot
    hold a vocabulary itself: whoever writes documents activates one around the writes.
    """
    token = _active.set(vocab)
    try:
        yield
    finally:
        _active.reset(token)


def active_vocabulary() -> Vocabulary | None:
    return _active.get()


class Splitter:
    """Glued-word decisions against one vocabulary, cached (one per index generation)."""

    def __init__(self, vocab: Vocabulary | None = None, cache_size: int = 200_000):
        self.vocab = vocab or NoVocabulary()
        self.n = self.vocab.doc_count()
        self.min_df = max(MIN_DF, math.ceil(self.n * FREQUENT_SHARE))
        self.rare_max = max(2, int(self.n * RARE_SHARE))
        # Lexicon words count as common even where the archive has not seen them (often) yet.
        self.lexicon_df = max(self.min_df * RARITY_RATIO, math.ceil(self.n * LEXICON_SHARE))
        self._df: dict[str, int] = {}
        self._splits: dict[str, tuple[str, ...] | None] = {}
        self._cache_size = cache_size
        self._lexicon = lexicon()
        self._stop = stopwords()

    # -- frequencies ---------------------------------------------------------------------------
    def df(self, word: str) -> int:
        d = self._df.get(word)
        if d is None:
            if len(self._df) >= self._cache_size:
                self._df.clear()
            d = self._df[word] = self.vocab.doc_frequency(word)
        return d

    def freq(self, word: str) -> int:
        """Document frequency, with lexicon words raised to 'common'."""
        d = self.df(word)
        return max(d, self.lexicon_df) if word in self._lexicon else d

    def known(self, word: str) -> bool:
        return self.freq(word) >= self.min_df

    def share(self, df: int) -> float:
        return df / max(self.n, 1) if self.n else (LEXICON_SHARE if df else 0.0)

    def part_freq(self, part: str) -> int:
        """How common a part is as a word (0: not a valid part), allowing one leading و."""
        shape = _PART_SHAPES.get(part)
        if shape is None:
            shape = _part_shape(part, self._stop)
        if not shape:
            return 0
        f = self.freq(part)
        if f < self.min_df and shape == 2:
            f = self.freq(part[1:])
        return f if f >= self.min_df else 0

    # -- is it a word? ---------------------------------------------------------------------------
    def is_word_form(self, word: str) -> bool:
        """True if `word` is a known word, or one with clitics/inflections attached."""
        if self.known(word):
            return True
        for rest in _strip_prefixes(word):
            for stem in _strip_suffixes(rest):
                if len(stem) >= MIN_PART and stem != word and self.known(stem):
                    return True
        return False

    # -- splitting -------------------------------------------------------------------------------
    def split(self, word: str) -> tuple[str, ...] | None:
        """The parts of a glued folded word, or None when it should stay whole."""
        if not MIN_LENGTH <= len(word) <= MAX_LENGTH:
            return None
        cached = self._splits.get(word, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        if len(self._splits) >= self._cache_size:
            self._splits.clear()
        result = self._split(word)
        self._splits[word] = result
        return result

    def _split(self, word: str) -> tuple[str, ...] | None:
        if not all("\u0621" <= c <= "\u064a" for c in word):
            return None
        if word in self._lexicon or word in self._stop:
            return None
        whole = self.df(word)
        if whole > self.rare_max:
            return None
        best = self._best(word, 2) or self._best(word, 3)
        if best is None:
            return None
        rarest, parts = best
        if whole * RARITY_RATIO > rarest:
            return None
        if self.is_word_form(word):
            return None
        return parts

    def _best(self, word: str, n: int) -> tuple[int, tuple[str, ...]] | None:
        best: tuple[float, int, tuple[str, ...]] | None = None
        part_freq = self.part_freq
        for parts in _segmentations(word, n):
            freqs = []
            for p in parts:  # up to the first part that is not a known word (the split needs all)
                f = part_freq(p)
                if not f:
                    break
                freqs.append(f)
            if len(freqs) != len(parts):
                continue
            joint = math.prod(self.share(f) for f in freqs) ** (1 / len(parts))
            if joint < JOINT_SHARE:
                continue
            key = (joint, min(freqs), parts)
            if best is None or key[:2] > best[:2]:
                best = key
        return (best[1], best[2]) if best else None


#: part → 0 (never a part: too short, a stopword, an article with too little after it), 1 (a
#: possible part), 2 (a possible part that may also be read without a leading و). It depends on
#: the part only, not on the vocabulary, so it is kept across batches (bounded).
_PART_SHAPES: dict[str, int] = {}
_PART_SHAPES_LIMIT = 500_000


def _part_shape(part: str, stop) -> int:
    if len(_PART_SHAPES) >= _PART_SHAPES_LIMIT:
        _PART_SHAPES.clear()
    shape = 1
    if len(part) < MIN_PART or part in stop:
        shape = 0
    else:
        for a in _ARTICLES:
            if part.startswith(a):
                if len(part) - len(a) < MIN_PART:
                    shape = 0
                break
    if shape and part[0] == "و" and len(part) - 1 >= MIN_PART and part[1:] not in stop:
        shape = 2
    _PART_SHAPES[part] = shape
    return shape


def _segmentations(word: str, n: int) -> Iterator[tuple[str, ...]]:
    L = len(word)
    if n == 2:
        for i in range(MIN_PART, L - MIN_PART + 1):
            yield word[:i], word[i:]
    elif n == 3:
        for i in range(MIN_PART, L - 2 * MIN_PART + 1):
            for j in range(i + MIN_PART, L - MIN_PART + 1):
                yield word[:i], word[i:j], word[j:]


def _strip_prefixes(word: str) -> Iterator[str]:
    """Every reading of the front of `word` as clitics: (و|ف)(ب|ل|ك|سـ)(article | imperfect prefix)."""
    seen = {word}
    yield word
    for c in _CONJUNCTIONS:
        if c and not word.startswith(c):
            continue
        w1 = word[len(c):]
        for p in _PROCLITICS:
            if p and not w1.startswith(p):
                continue
            w2 = w1[len(p):]
            for a in (*_ARTICLES, *_IMPERFECT):
                if a and not w2.startswith(a):
                    continue
                rest = w2[len(a):]
                if len(rest) >= MIN_PART and rest not in seen:
                    seen.add(rest)
                    yield rest


def _strip_suffixes(word: str) -> Iterator[str]:
    yield word
    for s in _CLITIC_SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= MIN_PART - 1:
            rest = word[: -len(s)]
            yield rest
            if rest.endswith("ت"):  # مدينتها → مدينة (folded: مدينه)
                yield rest[:-1] + "ه"
            for s2 in ("ات", "ين", "ون", "ان", "وا", "ه", "ي", "ا"):
                if rest.endswith(s2) and len(rest) - len(s2) >= MIN_PART:
                    yield rest[: -len(s2)]


def split_glued(word: str, vocab: Vocabulary | None = None) -> tuple[str, ...] | None:
    """Convenience for one word: fold it and split it against `vocab` (no caching across calls)."""
    return Splitter(vocab).split(fold(word))
