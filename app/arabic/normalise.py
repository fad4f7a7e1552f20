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

import numpy as np
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
    text = _compat(text)
    if len(text) >= _LONG:
        return _translate_long(text).lower()
    return text.translate(_FOLD_TABLE).lower()


#: From this length `fold` maps characters with numpy: `str.translate` with a dict costs ~50 ns a
#: character (a dict lookup and an int object each), numpy a few µs a call (a whole report:
#: 0.06 → 0.01 ms). Words stay with `translate`.
_LONG = 256


def _fold_arrays() -> tuple[np.ndarray, np.ndarray]:
    """`_FOLD_TABLE` as arrays over the BMP: the code point each one becomes, and whether it stays."""
    to = np.arange(0x10000, dtype=np.uint32)
    keep = np.ones(0x10000, dtype=bool)
    for cp, new in _FOLD_TABLE.items():
        if new is None:
            keep[cp] = False
        else:
            to[cp] = ord(new)
    return to, keep


_FOLD_TO, _FOLD_KEEP = _fold_arrays()


def _translate_long(text: str) -> str:
    """`text.translate(_FOLD_TABLE)`, vectorised (the table maps BMP characters to one character
    or none; other characters, lone surrogates included, pass unchanged, as with `translate`)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    bmp = np.minimum(cps, 0xFFFF)
    astral = cps > 0xFFFF
    out = np.where(astral, cps, _FOLD_TO[bmp])
    keep = _FOLD_KEEP[bmp] | astral
    return out[keep].tobytes().decode("utf-32-le", "surrogatepass")


def fold_keep_ta(text: str) -> str:
    """Like `fold` but keeps ة, for the stemmer (which strips ة as a suffix before it is folded)."""
    return _compat(text).translate(_FOLD_KEEP_TA).lower()


def fold_ta(text: str) -> str:
    """The last fold, applied after stemming: ة → ه."""
    return text.replace("ة", "ه")
