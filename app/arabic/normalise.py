"""What counts as "the same letters" when matching Arabic.

Display always uses the original text; these functions only produce *matching* forms.

pyarabic supplies the character constants, but not the functions themselves:
- `araby.strip_tashkeel` misses U+0670 (superscript alef, common in Quranic and careful text) and
  only strips when `is_vocalized` says so; one `str.translate` table is both complete and faster.
- `araby.normalize_alef` would be fine for alef forms, but `normalize_hamza` defaults to a
  destructive method (it rewrites ؤ/ئ), so the folding table below is explicit instead.
"""
from __future__ import annotations

import re
import unicodedata

from pyarabic import araby

#: Harakat, tanween, shadda, sukun (U+064B–U+0652) and superscript alef (U+0670).
TASHKEEL = frozenset(araby.TASHKEEL) | {"\u0670"}
TATWEEL = araby.TATWEEL

_STRIP = {ord(c): None for c in TASHKEEL | {TATWEEL}}

#: Letter folds for matching. ة→ه and ى→ي follow Lucene's ArabicNormalizer; the Persian/Urdu
#: forms (ی ک ە) appear in scraped text typed on Persian keyboards.
_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي",
    "ة": "ه", "ە": "ه",
    "ک": "ك",
}
#: Arabic-Indic (٠–٩) and Extended Arabic-Indic (۰–۹) digits match ASCII digits.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS |= {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}

_FOLD_TABLE = _STRIP | {ord(k): v for k, v in _FOLD.items()} | _DIGITS
# Without the ة/ه fold: the light stemmer needs to see ta marbuta as a suffix of its own.
_FOLD_KEEP_TA = {k: v for k, v in _FOLD_TABLE.items() if k != ord("ة")}


def strip_diacritics(text: str) -> str:
    """Remove tashkeel and tatweel (must happen before tokenising, or words split on them)."""
    return text.translate(_STRIP)


_PRESENTATION = re.compile("[\ufb50-\ufeff]")


def _compat(text: str) -> str:
    # Presentation forms (U+FB50–U+FEFF, from PDFs) and ligatures decompose under NFKC.
    if _PRESENTATION.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text


def fold(text: str) -> str:
    """Full matching form: diacritics out, alef/ya/ta-marbuta folded, digits ASCII, Latin lowercase."""
    return _compat(text).translate(_FOLD_TABLE).lower()


def fold_keep_ta(text: str) -> str:
    """Like `fold` but keeps ة, for the stemmer (which strips ة as a suffix before it is folded)."""
    return _compat(text).translate(_FOLD_KEEP_TA).lower()


def fold_ta(text: str) -> str:
    """The last fold, applied after stemming: ة → ه."""
    return text.replace("ة", "ه")
