"""The baseline analyzers the relevance benchmark compares Sijill's against.

- `standard()`  Whoosh's StandardAnalyzer as shipped (regex tokens, lowercase, English stoplist);
- `isri()`      Whoosh's StemmingAnalyzer with the ISRI Arabic root stemmer (`whoosh.lang.isri`);
- `lucene()`    a faithful re-implementation of Lucene's `ArabicAnalyzer` (Lucene 9/10):

      StandardTokenizer → LowerCaseFilter → DecimalDigitFilter
      → StopFilter(Lucene's Arabic stopwords.txt — applied *before* normalisation, as Lucene does)
      → ArabicNormalizationFilter → ArabicStemFilter

  `ArabicNormalizer`: آ أ إ → ا, ى → ي, ة → ه, and deletes tatweel and the eight harakat
  U+064B–U+0652 (not U+0670, not ٱ: Lucene does not touch them).
  `ArabicStemmer` (Larkey's light10): one prefix of ال وال بال كال فال لل و (in that order; و only
  if the word has four letters or more, the others only if two letters remain), then *every*
  suffix of ها ان ات ون ين يه ية ه ة ي in that order, each once, if two letters remain. Because
  normalisation runs first, ة is already ه when the stemmer sees it.
  StandardTokenizer follows Unicode UAX #29 word boundaries: letters, combining marks and digits
  form one token (so `ب16` and `COVID19` stay whole), `.` `'` between letters and `,` `.` between
  digits stay inside a token, everything else separates. The regex below reproduces that for the
  scripts in this data (Arabic, Latin, digits); it is not a full UAX #29 implementation.

These are for measurement only; the product's analysis lives in `app/arabic/`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator

from whoosh.analysis import Filter, LowercaseFilter, StandardAnalyzer, StemmingAnalyzer, StopFilter, Token, Tokenizer
from whoosh.lang.isri import ISRIStemmer

# Lucene's analysis/common/src/resources/org/apache/lucene/analysis/ar/stopwords.txt, verbatim
# (Jacques Savoy, BSD licence; http://members.unine.ch/jacques.savoy/clef/index.html). Not
# normalised: Lucene applies it before ArabicNormalizationFilter, and so does this chain.
LUCENE_ARABIC_STOPWORDS = """
من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا الا ألا إلا لكن ما وما
كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن وان وأن وإن التى التي
الذى الذي الذين الى الي إلى إلي على عليها عليه اما أما إما ايضا أيضا كل وكل لم ولم لن ولن هى هي
هو وهى وهي وهو فهى فهي فهو انت أنت لك لها له هذه هذا تلك ذلك هناك كانت كان يكون تكون وكانت وكان
غير بعض قد نحو بين بينما منذ ضمن حيث الان الآن خلال بعد قبل حتى عند عندما لدى جميع
""".split()

_LETTER = r"[^\W\d_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d]"
_TOKEN = re.compile(
    rf"(?:{_LETTER}|\d|_)+"
    rf"(?:(?:[.'’:](?:{_LETTER})+)|(?:[,.;\u060c\u066b\u066c'](?:\d)+))*"
)


class LuceneStandardTokenizer(Tokenizer):
    """UAX #29 word tokens for Arabic/Latin/digit text (see the module docstring)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, m in enumerate(_TOKEN.finditer(value)):
            t.text = m.group(0)[:255]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + m.start(), start_char + m.end()
            yield t


class DecimalDigitFilter(Filter):
    """Lucene's DecimalDigitFilter: any Unicode decimal digit (Nd) → its ASCII digit."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens):
        for t in tokens:
            if any(c.isdigit() and not c.isascii() for c in t.text):
                t.text = "".join(str(unicodedata.decimal(c)) if unicodedata.category(c) == "Nd" else c
                                 for c in t.text)
            yield t


_NORMALISE = {ord("آ"): "ا", ord("أ"): "ا", ord("إ"): "ا", ord("ى"): "ي", ord("ة"): "ه",
              **{c: None for c in (0x0640, 0x064B, 0x064C, 0x064D, 0x064E, 0x064F, 0x0650, 0x0651, 0x0652)}}


def lucene_normalise(word: str) -> str:
    return word.translate(_NORMALISE)


_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def lucene_stem(word: str) -> str:
    for p in _PREFIXES:
        if len(p) == 1 and len(word) < 4:
            continue
        if len(word) < len(p) + 2:
            continue
        if word.startswith(p):
            word = word[len(p):]
            break
    for s in _SUFFIXES:
        if len(word) >= len(s) + 2 and word.endswith(s):
            word = word[: -len(s)]
    return word


class LuceneArabicNormalizationFilter(Filter):
    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens):
        for t in tokens:
            t.text = lucene_normalise(t.text)
            if t.text:  # Lucene keeps empty terms; they can match nothing a query asks for
                yield t


class LuceneArabicStemFilter(Filter):
    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __call__(self, tokens):
        for t in tokens:
            t.text = lucene_stem(t.text)
            yield t


def lucene():
    return (LuceneStandardTokenizer() | LowercaseFilter() | DecimalDigitFilter()
            # minsize=1: Lucene's StopFilter removes listed words only, never short ones.
            | StopFilter(stoplist=LUCENE_ARABIC_STOPWORDS, minsize=1, renumber=True)
            | LuceneArabicNormalizationFilter() | LuceneArabicStemFilter())


def standard():
    return StandardAnalyzer()


_isri = ISRIStemmer()


def isri():
    return StemmingAnalyzer(stemfn=_isri.stem)


BASELINES = {"lucene": lucene, "isri": isri, "standard": standard}
