"""The curated stopword list (see stopwords.txt for what is deliberately *not* in it)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .normalise import fold, fold_keep_ta

_LIST = Path(__file__).with_name("stopwords.txt")
# Single letters left over by tokenising ب16 or a stray و carry no meaning on their own.
_SINGLE_LETTERS = set("ابتثجحخدذرسشصضطظعغفقكلمنهويءة") | set("abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Every stopword in both matching forms (with and without the ة fold)."""
    words = [w.strip() for w in _LIST.read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if w and not w.startswith("#")]
    return frozenset({fold(w) for w in words} | {fold_keep_ta(w) for w in words} | _SINGLE_LETTERS)
