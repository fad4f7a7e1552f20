"""Light stemming in the style of Lucene's ArabicStemmer (Larkey's light10), plus prepositions.

Root stemmers (ISRI, Khoja) are far too aggressive for search: مدينة → دين, الشعار → شعر,
إدلب → دلب. Light stemming strips only what is plainly a clitic or an inflection:

- one article-bearing prefix: ال وال بال كال فال لل (and the stacked وبال فبال ولل …), leaving at
  least two letters; otherwise و ("and") on words of four letters or more — as light10 does;
- light10's suffixes, each tried once in order, leaving at least two letters:
  ها ان ات ون ين يه ية ه ة ي.

light10 leaves the one-letter prepositions ب ل ك ف on (لحلب, بحلب, كمدينة). Stripping them blindly
would break words that merely start with those letters (بريطانيا, لبنان, فرنسا), so
`stem_variants` returns the light10 stem *and* the stem of the word without the preposition
(when a plausible word remains). The analyzer indexes both at the same position: لحلب is
found by حلب, phrases still line up, and the exact-surface field ranks the literal form higher.

Input is expected in matching form with ة kept (`normalise.fold_keep_ta`); output has ة folded to ه.
"""
from __future__ import annotations

from functools import lru_cache

from .normalise import fold_ta

# Longest first, so وبال wins over و and بال over ال.
ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")
PREPOSITIONS = ("ب", "ل", "ك", "ف")


def strip_prefix(word: str) -> tuple[str, bool]:
    """Remove one article-bearing prefix, or و on a long word. Returns (rest, article_removed)."""
    for p in ARTICLE_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            return word[len(p):], True
    if word.startswith("و") and len(word) >= 4:
        return word[1:], False
    return word, False


def strip_suffixes(word: str) -> str:
    for s in SUFFIXES:
        if word.endswith(s) and len(word) - len(s) >= 2:
            word = word[: -len(s)]
    return word


def light10(word: str) -> str:
    """The light10 stem of one folded word (ة kept on input, folded on output)."""
    rest, _ = strip_prefix(word)
    return fold_ta(strip_suffixes(rest))


@lru_cache(maxsize=200_000)
def stem_variants(word: str) -> tuple[str, ...]:
    """Index terms for one folded word: the light10 stem first, then a preposition-free stem.

    Non-Arabic tokens (numbers, Latin) are returned unchanged.
    """
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return (word,)
    rest, had_article = strip_prefix(word)
    main = fold_ta(strip_suffixes(rest))
    if had_article:
        return (main,)
    # ب/ل/ك/ف directly on the word (after an optional و), e.g. لحلب, وبحلب, كمدينة.
    if rest[:1] in PREPOSITIONS and len(rest) - 1 >= 2:
        alt = light10(rest[1:])
        # Keep a two-letter variant only when it is the whole remainder (بحي → حي), not what
        # suffix stripping left of a longer word (بستان → ستان → ست would conflate with "six").
        if alt != main and (len(alt) >= 3 or alt == fold_ta(rest[1:])):
            return (main, alt)
    return (main,)


def stem(word: str) -> str:
    """The main (light10) stem of one folded word."""
    return stem_variants(word)[0]
