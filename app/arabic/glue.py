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

The rules are deliberately conservative — a false split would make a real word unfindable by
its exact form ranking and pollute phrase matches, a missed split only costs recall on damaged
text:

1. only Arabic words of at least six letters (two parts of three letters or more);
2. the whole must be rare: not in the lexicon, not a stopword, in at most `rare_max` reports and
   at least `RARITY_RATIO` times rarer than its rarest part;
3. the whole must not be a known word once clitics are removed: a prefix (و ف ب ل ك ال …) and/or
   a suffix (light10's, or an attached pronoun ـه ـها ـهم ـكم ـنا …, with ت → ة restored) that
   leaves a frequent word means it *is* a word (بالمستشفى, ليلتهم);
4. every part must be a frequent word (in at least `min_df` reports, i.e. 0.1% of the archive,
   or in the lexicon), possibly with a leading و (إيران|وروسيا), or a stopword of three letters
   or more (على|الأقل);
5. two parts are preferred to three; among candidates, the split whose rarest part is most
   frequent wins (ties: the longer first part).
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
MIN_PART = 3
#: The whole must be this many times rarer than its rarest part.
RARITY_RATIO = 20
#: A part is "frequent" when it appears in this share of the archive's reports (or in the lexicon).
FREQUENT_SHARE = 0.001
#: The whole is "rare" when it appears in at most this share of the reports (and never more than…).
RARE_SHARE = 0.0001

_LEXICON = Path(__file__).with_name("lexicon.txt")
_CLITIC_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال",
                    "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك", "س")
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
        n = self.vocab.doc_count()
        self.min_df = max(3, math.ceil(n * FREQUENT_SHARE))
        self.rare_max = max(2, int(n * RARE_SHARE))
        # Lexicon words count as frequent even where the archive has not seen them (often) yet.
        self.lexicon_floor = self.min_df * RARITY_RATIO * 2
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
        """Document frequency, with lexicon words and long stopwords raised to 'frequent'."""
        d = self.df(word)
        if word in self._lexicon or (len(word) >= MIN_PART and word in self._stop):
            return max(d, self.lexicon_floor)
        return d

    def known(self, word: str) -> bool:
        return self.freq(word) >= self.min_df

    def part_freq(self, part: str) -> int:
        """How frequent a part is as a word, allowing one leading و ("and")."""
        if len(part) < MIN_PART:
            return 0
        f = self.freq(part)
        if f < self.min_df and part[0] == "و" and len(part) - 1 >= MIN_PART:
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
        if len(word) < MIN_LENGTH:
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
        score, parts = best
        if whole * RARITY_RATIO > score:
            return None
        if self.is_word_form(word):
            return None
        return parts

    def _best(self, word: str, n: int) -> tuple[int, tuple[str, ...]] | None:
        best: tuple[int, int, tuple[str, ...]] | None = None
        for parts in _segmentations(word, n):
            freqs = [self.part_freq(p) for p in parts]
            if not all(freqs):
                continue
            key = (min(freqs), len(parts[0]), parts)
            if best is None or key[:2] > best[:2]:
                best = key
        return (best[0], best[2]) if best else None


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
    yield word
    for p in _CLITIC_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= MIN_PART:
            yield word[len(p):]


def _strip_suffixes(word: str) -> Iterator[str]:
    yield word
    for s in _CLITIC_SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= MIN_PART - 1:
            rest = word[: -len(s)]
            yield rest
            if rest.endswith("ت"):  # مدينتها → مدينة (folded: مدينه)
                yield rest[:-1] + "ه"
            for s2 in ("ات", "ين", "ون", "ان", "ه", "ي"):
                if rest.endswith(s2) and len(rest) - len(s2) >= MIN_PART:
                    yield rest[: -len(s2)]


def split_glued(word: str, vocab: Vocabulary | None = None) -> tuple[str, ...] | None:
    """Convenience for one word: fold it and split it against `vocab` (no caching across calls)."""
    return Splitter(vocab).split(fold(word))
