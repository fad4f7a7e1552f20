"""Is a decoded text plausibly Arabic or Latin prose — or mojibake, binary or the wrong code page?

An archive must never store mojibake: once "Ø§Ù„" is indexed as if it were text, nobody finds
the report and nobody notices. Decoding succeeding proves nothing (every byte is valid cp1256), so
every decoded text passes these checks first. They are cheap (one numpy census of the characters
and a few C-level regex scans), because they run on every report, not only on suspicious ones.

Checks, in order:
- control characters, U+FFFD and private-use characters: binary data or a lossy decoder upstream;
- too few letters: not prose;
- letters mostly of a script that is neither Arabic nor Latin: a wrong multi-byte guess;
- UTF-8 read as a single-byte code page ("Ø§Ù„", "ط§ظ„"): detected by re-encoding and
  decoding as UTF-8 (the bytes were UTF-8 if that succeeds) and by the telltale pairs;
- Arabic letters in implausible proportions, Latin accents inside Arabic words, orphan harakat:
  the cp1256 / ISO-8859-6 mix-up (the same bytes mean different letters in the two).

`arabic_fit` is also the tie-breaker between candidate decodings of the same bytes.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

#: Letter frequencies of Arabic news prose (ANT corpus sample, 3.5M letters), for `arabic_fit`.
_FREQ = {
    "ا": 0.14770, "ل": 0.11253, "ي": 0.08145, "م": 0.06145, "و": 0.05386, "ن": 0.05225, "ر": 0.04976,
    "ت": 0.04757, "ب": 0.03602, "ع": 0.03136, "د": 0.03104, "ة": 0.03091, "س": 0.02636, "ف": 0.02604,
    "ق": 0.02267, "ه": 0.02136, "أ": 0.02129, "ك": 0.01886, "ح": 0.01743, "ج": 0.01335, "إ": 0.00998,
    "ش": 0.00974, "ط": 0.00888, "ص": 0.00887, "ى": 0.00849, "خ": 0.00814, "ض": 0.00667, "ز": 0.00653,
    "ث": 0.00556, "ذ": 0.00556, "ئ": 0.00470, "غ": 0.00449, "ء": 0.00335, "ظ": 0.00207, "ؤ": 0.00110,
    "آ": 0.00098,
}
#: log2 probability per letter; letters outside the table (Persian/Urdu forms) get a rare-letter value.
_LOGP = {c: math.log2(p) for c, p in _FREQ.items()}
_RARE = math.log2(0.0005)
#: Mean log2 p of real Arabic prose is about -4.4 (2,000 ANT articles: never below -4.8 over a whole
#: article, -5.4 over 30 characters). The gate is lenient (the expected spread shrinks with 1/sqrt(n)):
#: it only catches gross shuffles; the code-page checks below and the comparison of candidate
#: decodings by `arabic_fit` do the fine work.
def min_arabic_fit(n_letters: int) -> float:
    return -5.0 - 3.0 / math.sqrt(n_letters)


#: Latin-1 accented letters as a share of Latin letters: French prose has ~4%; Arabic cp1256 bytes
#: read as cp1252 ("ÇáÕÑÇÚ") have ~80%.
MAX_ACCENTED_SHARE = 0.3

_ARABIC_LETTER_RANGES = ((0x0620, 0x063F), (0x0641, 0x064A), (0x066E, 0x066F), (0x0671, 0x06D3), (0x06D5, 0x06D5),
                         (0x06EE, 0x06EF), (0x06FA, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08C9))
#: Presentation forms (text copied out of PDFs) are judged in their NFKC form.
_PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufefe]")
_ARABIC_MARK = re.compile(r"[\u064b-\u065f\u0670]")
_ORPHAN_MARK = re.compile(r"(?<![\u0621-\u063a\u0640-\u065f\u0670-\u06d3\u06fa-\u06ff])[\u064b-\u065f\u0670]")
_ACCENTED = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _class_table() -> list[str]:
    """One class letter per BMP code point, so `str.translate` + `str.count` count classes in C.

    A Arabic letter · L Latin letter · F letter of another script · D digit · S space ·
    B bad (controls other than tab/newline/CR/FF/VT, C1 controls, U+FFFD, private use,
    non-characters) · P anything else (punctuation, symbols, marks).
    """
    table = []
    for cp in range(0x10000):
        c = chr(cp)
        cat = unicodedata.category(c)
        if any(lo <= cp <= hi for lo, hi in _ARABIC_LETTER_RANGES):
            k = "A"
        elif cp == 0x0640:  # tatweel: decoration, not a letter
            k = "P"
        elif c.isspace():
            k = "S"
        elif cat in ("Cc", "Co", "Cs") or cp == 0xFFFD or 0xFDD0 <= cp <= 0xFDEF or cp >= 0xFFFE:
            k = "B"
        elif cat.startswith("L"):
            k = "L" if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF else "F"
        elif cat == "Nd":
            k = "D"
        else:
            k = "P"
        table.append(k)
    return table


_CLASSES = _class_table()
#: The classes as small integers for numpy (index into _CLASS_NAMES); code points beyond the BMP
#: get a class of their own: `str.translate` leaves them as they are, so they count as no class.
_CLASS_NAMES = "ALFDSBP"
_OUTSIDE = len(_CLASS_NAMES)
_CLASS_CODES = np.array([_CLASS_NAMES.index(k) for k in _CLASSES], dtype=np.uint8)
#: The letters of `_FREQ` all lie in U+0621–U+064A: counted with one bincount over that block.
_BLOCK = (0x0621, 0x064A)
#: Arabic and Latin letters glued together: ISO-8859-6 bytes read as cp1256 ("أوçا"), or a Latin
#: text's capitals read as cp1256 Arabic ("ةlection"). Real text separates the scripts, except for
#: the one-letter prefixes و ب ل ف ك ("وTwitter") and the tatweel ("لـCNN").
_AR = "\u0621-\u063a\u0641-\u064a"
_LA = "A-Za-z\u00c0-\u024f"
_NOT_PREFIX = "\u0621-\u0627\u0629-\u063a\u0642\u0645-\u0647\u0649-\u064a"
_MIXED_WORD = re.compile(f"[{_AR}]{{2}}[{_LA}]|(?<![{_AR}])[{_NOT_PREFIX}][{_LA}]|[{_LA}][{_AR}]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")
#: UTF-8 lead byte + continuation byte as cp1252/Latin-1 would show them ("Ø§", "Ã©").
_UTF8_AS_LATIN = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                            r"\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                            r"\u2039\u203a\u20ac\u2122]")
#: The same for UTF-8 Arabic (lead bytes D8–DB = ط ظ ع غ) read as cp1256 ("ط§ظ„").
_UTF8_AS_CP1256 = re.compile(r"[\u0637\u0638\u0639\u063a][\u20ac\u067e\u201a\u0192\u201e\u2026\u2020"
                             r"\u2021\u02c6\u2030\u0679\u2039\u0152\u0686\u0698\u0688\u06af\u2018-\u201d"
                             r"\u2022\u2013\u2014\u06a9\u2122\u0691\u203a\u0153\u200c\u200d\u06ba\u00a0"
                             r"\u060c\u00a2-\u00bf\u06be\u061b\u061f]")
_MOJIBAKE_CODEPAGES = ("cp1252", "latin-1", "cp1256")
#: Words with the definite article (ال, وال, بال, كال, فال, لل): ~30% of the words of Arabic prose,
#: ~0% when the code page is wrong (cp1256 ل reads as ISO-8859-6 ف, ISO ل as cp1256 ن).
_ARTICLE = re.compile(r"(?<![\u0621-\u064a])(?:[وفبكل]?ال|لل)[\u0621-\u064a]")
_PERSIAN = re.compile(r"[\u067e\u0686\u0698\u06af\u06cc\u06a9]")


@dataclass(frozen=True)
class Verdict:
    """`reason` is None when the text is plausible; `score` ranks candidate decodings (higher = better)."""

    reason: str | None
    score: float

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class _Census:
    """What the checks count in a text, from one pass over its code points (numpy): the class of
    every character (`_class_table`), each Arabic letter of U+0621–U+064A, and the characters of
    `_LA`. One pass instead of a `str.translate` and 36 `str.count` scans: judge 0.2 → 0.1 ms."""

    classes: dict[str, int]
    letters: list[int]  # occurrences of chr(_BLOCK[0] + i)
    latin_range: int  # characters in _LA (Latin letters and Latin-1 accented ones, × ÷ included)
    words: int  # = len(_ARABIC_WORD.findall(text))
    articles: int  # = len(_ARTICLE.findall(text))

    @classmethod
    def of(cls, text: str) -> _Census:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = _CLASS_CODES[np.minimum(cps, 0xFFFF)]
        codes[cps > 0xFFFF] = _OUTSIDE
        counts = np.bincount(codes, minlength=_OUTSIDE + 1).tolist()
        lo, hi = _BLOCK
        low = np.bincount(np.minimum(cps, hi + 1), minlength=hi + 2)  # every code point up to the block
        latin = int(low[0x41:0x5B].sum() + low[0x61:0x7B].sum() + low[0xC0:0x250].sum())
        words, articles = _words_and_articles(cps)
        return cls(dict(zip(_CLASS_NAMES, counts)), low[lo:hi + 1].tolist(), latin, words, articles)


_ALEF, _LAM = 0x0627, 0x0644
_ARTICLE_PREFIX = np.zeros(_BLOCK[1] + 1, dtype=bool)  # و ف ب ك ل, by code point
_ARTICLE_PREFIX[[ord(c) for c in "وفبكل"]] = True


def _words_and_articles(cps: np.ndarray) -> tuple[int, int]:
    """The counts of `_ARABIC_WORD` and `_ARTICLE` matches, from the runs of U+0621–U+064A letters.

    A word is a run of two or more. An article match starts where a run starts (its lookbehind
    wants no such letter before it, and all its letters are in the range), so there is at most one
    per run: the run begins with [وفبكل]ال, ال or لل and goes on for at least one more letter.
    """
    pad = np.zeros(len(cps) + 4, dtype=np.uint32)
    pad[1:len(cps) + 1] = cps
    run = (pad >= 0x0621) & (pad <= 0x064A)
    starts = np.flatnonzero(run[1:-3] & ~run[:-4]) + 1  # indices into pad
    words = int(np.count_nonzero(run[starts + 1]))
    c0, c1, c2 = pad[starts], pad[starts + 1], pad[starts + 2]
    article = ((_ARTICLE_PREFIX[c0] & (c1 == _ALEF) & (c2 == _LAM) & run[starts + 3])
               | (((c0 == _ALEF) | (c0 == _LAM)) & (c1 == _LAM) & run[starts + 2]))
    return words, int(np.count_nonzero(article))


def arabic_fit(text: str, arabic: int | None = None, census: _Census | None = None) -> tuple[float, int]:
    """(mean log2 letter probability, number of Arabic letters); (0.0, 0) when there are none."""
    census = census or _Census.of(text)
    if arabic is None:
        arabic = census.classes["A"]
    if not arabic:
        return 0.0, 0
    known, total = 0, 0.0
    for c, lp in _LOGP.items():
        k = census.letters[ord(c) - _BLOCK[0]]
        known += k
        total += k * lp
    return (total + (arabic - known) * _RARE) / arabic, arabic


def _sample(text: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(text)
    if not m:
        return ""
    return text[max(0, m.start() - 6): m.end() + 6].replace("\n", " ")


def mojibake(text: str) -> str | None:
    """Why `text` looks like UTF-8 read through a single-byte code page, or None."""
    if not _NON_ASCII.search(text):
        return None
    for codepage in _MOJIBAKE_CODEPAGES:
        try:
            repaired = text.encode(codepage).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return (f"mojibake: this is UTF-8 text that was decoded as {codepage} somewhere upstream "
                    f"(«{text[:24].strip()}…» should read «{repaired[:24].strip()}…»)")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    for pattern, codepage in ((_UTF8_AS_LATIN, "cp1252/Latin-1"), (_UTF8_AS_CP1256, "Windows-1256")):
        pairs = len(pattern.findall(text))
        if pairs >= 3 and 2 * pairs > 0.3 * non_ascii:
            return (f"mojibake: {pairs} character pairs look like UTF-8 bytes shown as {codepage} "
                    f"(e.g. «{_sample(text, pattern)}»)")
    return None


def judge(text: str, single_byte: bool = False, min_letters: float = 0.2) -> Verdict:
    """Decide whether `text` is plausibly Arabic or Latin prose; the reason says why not.

    `single_byte`: the text was decoded from a single-byte code page, so marks standing after no
    letter betray the wrong one (in UTF-8 text they are only sloppy typing: «شاعرا ً»).
    `min_letters`: the share of letters prose must have (0 for containers such as a CSV file).
    """
    if _PRESENTATION.search(text):
        text = unicodedata.normalize("NFKC", text)
    census = _Census.of(text)
    classes = census.classes
    n = len(text) - classes["S"]
    if n == 0:
        return Verdict("no text (only whitespace)", -99.0)
    reason = mojibake(text)  # first: its message names the exact mix-up
    if reason:
        return Verdict(reason, -99.0)
    bad = classes["B"]
    if bad > 1 + 0.001 * n:
        kinds = "replacement characters (U+FFFD)" if text.count("\ufffd") > bad / 2 else "control characters"
        return Verdict(f"{bad} {kinds} in {n} characters: binary data or a damaged encoding", -99.0)
    arabic, latin, foreign = classes["A"], classes["L"], classes["F"]
    letters = arabic + latin + foreign
    if letters < min_letters * n:
        return Verdict(f"only {100 * letters // n}% of the characters are letters: not text "
                       "(binary data or a wrong encoding?)", -99.0)
    fit, _ = arabic_fit(text, arabic, census)
    if foreign > 0.25 * letters:
        return Verdict(f"{100 * foreign // letters}% of the letters are neither Arabic nor Latin "
                       "(a wrong encoding?)", -99.0)
    words = census.words
    if arabic:
        # Every mixed word holds a character of _LA, and matches do not overlap: with few such
        # characters the count cannot reach the threshold, and the scan is skipped.
        mixed = len(_MIXED_WORD.findall(text)) if census.latin_range > 0.05 * words else 0
        if mixed > 0.05 * words:  # a wrong code page garbles most words; damage a few
            return Verdict(f"{mixed} words mix Arabic and Latin letters (e.g. «{_sample(text, _MIXED_WORD)}»): "
                           "probably a wrong code page (ISO-8859-6 read as Windows-1256?)", fit)
        marks = len(_ARABIC_MARK.findall(text)) if single_byte else 0
        if marks:
            orphans = len(_ORPHAN_MARK.findall(text))
            if orphans and orphans > 0.1 * marks and orphans > 0.002 * arabic:
                return Verdict(f"{orphans} Arabic vowel marks follow no letter (e.g. «"
                               f"{_sample(text, _ORPHAN_MARK)}»): probably the wrong code page", fit)
    if latin >= 5:
        accented = len(_ACCENTED.findall(text))
        # A short Latin phrase in Arabic prose ("Déjà vu") may well be a third accented.
        if accented > (MAX_ACCENTED_SHARE if latin >= 20 else 0.5) * latin:
            return Verdict(f"{100 * accented // latin}% of the Latin letters are accented (e.g. «"
                           f"{_sample(text, _ACCENTED)}»): Arabic Windows-1256 text read as Western "
                           "(cp1252)?", -99.0)
    if arabic >= 20 and fit < min_arabic_fit(arabic):
        return Verdict(f"the Arabic letters occur in implausible proportions (score {fit:.2f} < "
                       f"{min_arabic_fit(arabic):.2f}): probably the wrong code page", fit)
    if arabic < 20:
        return Verdict(None, max(fit, -4.6) if arabic else -4.6)  # little or no Arabic: a neutral rank
    article = census.articles / words if words else 0.0
    if words >= 40 and article < 0.03 and not _PERSIAN.search(text):
        return Verdict(f"none of {words} Arabic words has the article ال: probably the wrong code page", fit)
    return Verdict(None, fit + 2.0 * article)


def judge_container(text: str, single_byte: bool = False) -> Verdict:
    """For a whole JSON or CSV file: UTF-8/16 is accepted as it is (each record's text is judged
    on its own later, so one bad record cannot sink the file); a single-byte decoding must still
    be plausible, which is how its code page is chosen."""
    if not single_byte:
        return Verdict(None, 0.0)
    return judge(text, single_byte=True, min_letters=0.0)
