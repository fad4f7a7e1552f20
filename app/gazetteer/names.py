"""What makes two spellings of a place name "the same name".

The loader uses these keys to refuse a data file in which two places share a name, and the
tagger uses the very same keys to look names up, so the two can never disagree.
"""
from __future__ import annotations

import re
import unicodedata

from app.arabic.normalise import fold
from app.arabic.tokenize import words

#: Latin articles always dropped from a name ("al-Bab" = "Bab", "el Midan" = "Midan").
LATIN_ARTICLES = frozenset({"al", "el"})
#: Sun-letter spellings of the article, dropped only when hyphenated ("ash-Shughur"): bare "an",
#: "at", "as" are English words in a query.
LATIN_HYPHEN_ARTICLES = frozenset({"as", "ash", "ad", "adh", "ar", "az", "an", "at", "ath", "es", "ed", "er", "ez", "en", "et"})
_APOSTROPHES = str.maketrans("", "", "'’‘`ʿʾ")
#: A Latin word, apostrophes inside it kept together ("Ma'arrat" is one word), or a number.
LATIN_WORD_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+(?:['’‘`ʿʾ][A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+)*|[0-9]+")


def arabic_key(name: str) -> tuple[str, ...]:
    """The folded words of an Arabic name (diacritics, hamza forms, ta marbuta and alif maqsura folded)."""
    return tuple(fold(w) for w in words(name))


def latin_word(word: str) -> str:
    """One Latin word in matching form: accents and apostrophes out, lower case (Ṣākhūr → sakhur)."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def is_article(word: str, hyphenated: bool) -> bool:
    return word in LATIN_ARTICLES or (hyphenated and word in LATIN_HYPHEN_ARTICLES)


def latin_key(name: str) -> tuple[str, ...]:
    """The matching words of a Latin transliteration, articles dropped ("Jisr ash-Shughur" → jisr shughur)."""
    out = []
    for m in LATIN_WORD_RE.finditer(name):
        w = latin_word(m.group(0))
        if is_article(w, name[m.end():m.end() + 1] == "-"):
            continue
        out.append(w)
    return tuple(out)
