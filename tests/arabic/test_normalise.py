"""`fold` is one function whatever the length of its input (long texts take a vectorised path)."""
from __future__ import annotations

import random

from app.arabic import normalise
from app.arabic.normalise import fold


def _reference(text: str) -> str:
    return normalise._compat(text).translate(normalise._FOLD_TABLE).lower()


def test_long_texts_fold_exactly_as_words_do():
    rng = random.Random(7)
    # every character the table changes or drops, Arabic letters, Latin capitals, digits of three
    # scripts, an astral character (emoji), a lone surrogate, presentation forms (NFKC)
    alphabet = ([chr(c) for c in normalise._FOLD_TABLE] + list("ابتثجحخدذرسشصضطظعغفقكلمنهوي")
                + list("ABCxyzİẞ0123456789 \n،.") + ["\U0001F600", "\ud800", "\ufefb", "\ufb50"])
    samples = ["", "قصف", "حلَب", "ـ" * 300, "نَصٌّ " * 100]
    for n in (10, 255, 256, 257, 1000, 5000):
        for _ in range(20):
            samples.append("".join(rng.choice(alphabet) for _ in range(n)))
    for text in samples:
        assert fold(text) == _reference(text), text[:40]
    assert fold("الإعلانُ عن نتائج ٢٠١٦ في حلب " * 20) == ("الاعلان عن نتائج 2016 في حلب " * 20)
