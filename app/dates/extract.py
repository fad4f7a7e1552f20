"""Dates mentioned in Arabic report text: a small grammar over folded tokens.

Why not a library: dateparser 1.5 (languages=["ar"]) reads `5 ديسمبر 2016` and a bare weekday, but
nothing of `11 تشرين الثاني/نوفمبر`, `15 نونبر الماضي`, `منتصف مارس 2011`, `اليوم الخميس`,
`مطلع نوفمبر الجاري` or `١٥ كانون الأول ٢٠١٦`, and its `search_dates` finds nothing in seed 001.
Arab media mix four month-name systems, double forms, glued words from stripped links and relative
expressions; a grammar we can read and test is the honest tool. hijridate converts Hijri dates.

Pipeline: `spans()` gives words with offsets into the *original* text → each word is folded
(`fold`), a leading clitic (و ف ب ل ك) is split off when the rest is a date word, and a word glued
from date words (الثانينوفمبر, تشرينالثاني) is cut into its pieces → rules are tried at each token,
longest first → each match is resolved (rules in `resolve.py`) into an inclusive date range.

Words of one expression must be joined only by spaces, `/`, brackets or dashes (`tight`); a comma
or full stop ends an expression, so "أمس، الخميس" is two mentions, never one.

`precision` is one of PRECISIONS: day, week (الأسبوع الماضي), part (early/mid/late of a month or a
year), month, season, year. `relative` is True when the value needed the publication date (اليوم,
أمس, weekdays, الماضي/الجاري/المقبل, منذ أسبوع, and day/month without a year). When `published` is
None those mentions cannot be resolved and are dropped; absolute ones are still returned.

Deliberately *not* dates: counts (845 قتيلا, 150 ألف, ب16), ages (25 عاماً), vague spans
(الأيام الماضية, الأيام ال26 الماضية, منذ أيام), hours (قبل ساعات — today or yesterday?),
اليوم before an ordinal (اليوم الثالث = "the third day"), a season with no year (ملابس للشتاء), and
months whose name is also a common word (آب "father", مارس "practised", ماي) unless a day, a year,
a modifier or a preceding في/خلال/منذ/حتى/شهر makes them dates.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import NamedTuple

from hijridate import Hijri

from app.arabic.normalise import fold
from app.arabic.tokenize import WordMemo, word_columns

from . import resolve as R

PRECISIONS = ("day", "week", "part", "month", "season", "year")


@dataclass(frozen=True)
class DateMention:
    start: int  # offsets into the ORIGINAL text
    end: int
    text: str  # original[start:end]
    date_from: dt.date  # inclusive range
    date_to: dt.date
    precision: str  # one of PRECISIONS
    relative: bool  # the value depended on the publication date


# ---------------------------------------------------------------- lexicon (folded forms)

MONTHS: dict[str, int] = {
    # Western / Egyptian (أبريل and إبريل both fold to ابريل)
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Maghrebi (Morocco)
    "ماي": 5, "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
    # Tunisia / Algeria
    "جانفي": 1, "فيفري": 2, "افريل": 4, "جوان": 6, "جويليه": 7, "اوت": 8,
    # Syriac / Levantine, one-word names
    "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9,
}
SYRIAC_PAIRS = {("كانون", "الثاني"): 1, ("كانون", "الاول"): 12,
                ("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11}
#: Month names that are also ordinary words: never a date without strong context.
AMBIGUOUS_MONTHS = {"اب", "مارس", "ماي", "جوان", "اوت"}
STRONG_CONTEXT = {"في", "خلال", "منذ", "حتي", "شهر", "بحلول"}
CONTEXT = STRONG_CONTEXT | {"من", "الي", "قبل", "بعد", "اواخر", "مطلع"}

HIJRI_SINGLE = {"محرم": 1, "صفر": 2, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10}
HIJRI_PAIRS = {
    ("ربيع", "الاول"): 3, ("ربيع", "الثاني"): 4, ("ربيع", "الاخر"): 4,
    ("جمادي", "الاولي"): 5, ("جمادي", "الاول"): 5,
    ("جمادي", "الثانيه"): 6, ("جمادي", "الاخره"): 6, ("جمادي", "الاخر"): 6, ("جمادي", "الثاني"): 6,
    ("ذو", "القعده"): 11, ("ذي", "القعده"): 11, ("ذو", "الحجه"): 12, ("ذي", "الحجه"): 12,
}
HIJRI_MARKS = {"ه", "هجري", "هجريه", "للهجره"}

WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4,
            "السبت": 5, "الاحد": 6}

PARTS = {
    "مطلع": "early", "بدايه": "early", "اوائل": "early", "مستهل": "early",
    "منتصف": "mid", "اواسط": "mid", "وسط": "mid",
    "اواخر": "late", "نهايه": "late", "اخر": "late",
}
MODIFIERS = {
    "الماضي": R.PAST, "الماضيه": R.PAST, "المنصرم": R.PAST, "المنصرمه": R.PAST,
    "الفائت": R.PAST, "الفائته": R.PAST,
    "الجاري": R.CURRENT, "الجاريه": R.CURRENT, "الحالي": R.CURRENT, "الحاليه": R.CURRENT,
    "المقبل": R.NEXT, "المقبله": R.NEXT, "القادم": R.NEXT, "القادمه": R.NEXT,
}
SEASONS = {"ربيع": "spring", "الربيع": "spring", "صيف": "summer", "الصيف": "summer",
           "خريف": "autumn", "الخريف": "autumn", "شتاء": "winter", "الشتاء": "winter"}
YEAR_WORDS = {"عام", "العام", "سنه", "السنه", "عامي"}
YEAR_PREPS = {"في", "منذ", "خلال", "حتي", "بحلول", "قبل", "بعد", "مطلع", "منتصف", "اواخر"}
#: after اليوم these make it "the n-th / next / same day", not "today".
NOT_TODAY = {"الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن",
             "التاسع", "العاشر", "الاخير", "التالي", "السابق", "نفسه", "ذاته", "الواحد",
             "العالمي", "الدولي", "الوطني"}
FUTURE_CUES = {"غدا", "المقرر", "مقرر", "المرتقب", "مرتقب", "يرتقب", "سوف", "يعتزم", "تعتزم"}

NUMBER_WORDS = {
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
    "عشر": 10, "عشره": 10,
}
#: منذ/قبل + unit: word → (unit, count implied by the word or None when a number must precede)
UNITS = {
    "يوم": ("day", 1), "يومين": ("day", 2), "ايام": ("day", None), "يوما": ("day", None),
    "اسبوع": ("week", 1), "اسبوعين": ("week", 2), "اسابيع": ("week", None), "اسبوعا": ("week", None),
    "شهر": ("month", 1), "شهرين": ("month", 2), "اشهر": ("month", None), "شهور": ("month", None),
    "شهرا": ("month", None),
    "عام": ("year", 1), "عامين": ("year", 2), "اعوام": ("year", None), "عاما": ("year", None),
    "سنه": ("year", 1), "سنتين": ("year", 2), "سنوات": ("year", None), "سنين": ("year", None),
}
ORDINAL_DAYS = {
    "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6, "السابع": 7,
    "الثامن": 8, "التاسع": 9, "العاشر": 10, "الحادي": 1,
}
ORDINAL_TENS = {"عشر": 10, "العشرين": 20, "الثلاثين": 30}

RELATIVE_WORDS = {"اليوم", "امس", "الامس", "غدا", "غد", "اول", "منذ", "قبل", "الاسبوع", "الشهر",
                  "العام", "السنه", "الليله", "يوم", "بعد", "هذا", "هذه"}

#: Every word the grammar looks at: a clitic is split off, or a glued word cut, only into these.
KNOWN = (set(MONTHS) | {"كانون", "تشرين", "الاول", "الثاني"} | set(WEEKDAYS) | set(PARTS)
         | set(MODIFIERS) | set(SEASONS) | YEAR_WORDS | RELATIVE_WORDS | set(UNITS)
         | CONTEXT | YEAR_PREPS | set(HIJRI_SINGLE) | {w for p in HIJRI_PAIRS for w in p}
         | set(NUMBER_WORDS) | set(ORDINAL_DAYS) | set(ORDINAL_TENS) | {"الموافق", "الماضيه"})
#: Pieces a glued word may be cut into (long enough that a cut cannot be a coincidence).
GLUE = {w for w in set(MONTHS) | {"كانون", "تشرين", "الاول", "الثاني"} | set(WEEKDAYS)
        | set(MODIFIERS) | {"اليوم", "امس"} if len(w) >= 3 and w != "ماي"}
CLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_CLITIC_LETTERS = frozenset(c[0] for c in CLITICS)

_TIGHT = re.compile(r"[ \t\u00a0/()\[\]\-–—_\u200b-\u200f\u061c]*")
_SENTENCE_END = re.compile(r"[.!?؟؛;:\n«»\"]")

_DIGIT = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
_NUMERIC = re.compile(
    rf"(?<!{_DIGIT})(?:(?P<d>{_DIGIT}{{1,2}})(?P<s>[/.\-]){_DIGIT}{{1,2}}(?P=s)(?P<y>{_DIGIT}{{4}})"
    rf"|(?P<y2>{_DIGIT}{{4}})(?P<s2>[/\-]){_DIGIT}{{1,2}}(?P=s2){_DIGIT}{{1,2}})(?!{_DIGIT})")
#: What every numeric date contains: a cheap test first (a pattern that starts with a lookbehind
#: is tried at every position of the text, one that starts with a class skips to its letters).
_NUMERIC_HINT = re.compile(rf"{_DIGIT}[/.\-]{_DIGIT}")


# ---------------------------------------------------------------- tokens

def _fold_mapped(surface: str) -> tuple[str, list[int]]:
    """Fold `surface` character by character, remembering for each folded character the index it
    came from. (Run once per new word of the texts: with a fold per character it was a third of
    extraction's cost on unseen text.)"""
    folded = list(map(_FOLD_CHAR.__getitem__, surface))
    w = "".join(folded)
    if len(w) == len(surface) and "" not in folded:  # one character each (nearly every word)
        return w, list(range(len(surface)))
    pos = [k for k, f in enumerate(folded) for _ in f]
    return w, pos


#: A character → its fold.
_FOLD_CHAR = WordMemo(fold)


#: The first three letters of the pieces: a word that starts otherwise is no glued date word.
_GLUE_HEADS = {g[:3] for g in GLUE}


def _split_glued(w: str) -> list[str] | None:
    if w[:3] not in _GLUE_HEADS:
        return None  # every cut below wants w[:i] in GLUE for an i ≥ 3
    for i in range(3, len(w) - 2):
        a, b = w[:i], w[i:]
        if a in GLUE and b in GLUE:
            return [a, b]
    for i in range(3, len(w) - 5):
        if w[:i] in GLUE:
            rest = _split_glued(w[i:])
            if rest:
                return [w[:i], *rest]
    return None


class _Tokens(NamedTuple):
    """A text's tokens as parallel lists (the i-th token is ws[i], starts[i], ends[i], clitics[i],
    and the rules that can start on it, rules[i]).

    Why lists and not one object per token: most words of a report are no date word and need
    nothing but their place in the sequence, so the lists are built by C-level maps over the
    regex matches and the word cache; only the few words cut into pieces or with a clitic split
    off take a Python step (measured: tokenising 0.24 → 0.1 ms per news article).
    """

    ws: list[str]  # folded word, clitic removed when the rest is a date word
    starts: list[int]  # offsets into the original text
    ends: list[int]
    clitics: list[str]
    rules: list[tuple[str, ...]]


def _tokens(text: str) -> _Tokens:
    surfaces, starts, ends = word_columns(text)  # = tokenize.spans, without a Span object per word
    infos = list(map(_WORDS.__getitem__, surfaces))
    ws = list(map(itemgetter(0), infos))
    rules = list(map(itemgetter(1), infos))
    starts, ends = list(starts), list(ends)
    clitics = [""] * len(ws)
    if None in ws:
        at = list(compress(range(len(ws)), map(is_, ws, repeat(None))))
        for k in reversed(at):  # splice from the end, so the indices before k stay valid
            start = starts[k]
            pieces = _word_tokens(surfaces[k])
            ws[k:k + 1] = [p[0] for p in pieces]
            starts[k:k + 1] = [start + p[1] for p in pieces]
            ends[k:k + 1] = [start + p[2] for p in pieces]
            clitics[k:k + 1] = [p[3] for p in pieces]
            rules[k:k + 1] = [_rules_for(p[0]) for p in pieces]
    return _Tokens(ws, starts, ends, clitics, rules)


def _plain_word(surface: str) -> tuple[str | None, tuple[str, ...]]:
    """(the folded word, the rules that can start on it) when `surface` is one token covering the
    whole word with no clitic split off (nearly every word), else (None, ()) (see `_word_tokens`)."""
    pieces = _word_tokens(surface)
    if len(pieces) == 1:
        w, a, b, clitic = pieces[0]
        if a == 0 and b == len(surface) and not clitic:
            return w, _rules_for(w)
    return None, ()


#: Surface word → `_plain_word`, once per distinct word.
_WORDS = WordMemo(_plain_word)


@lru_cache(maxsize=200_000)
def _word_tokens(surface: str) -> tuple[tuple[str, int, int, str], ...]:
    """(piece, start, end, clitic) of one word, offsets relative to the word.

    Depends on the word alone, and a text's words repeat: cached, this is most of extraction's
    cost gone (measured on news articles: 2.3 → 0.9 ms per article).
    """
    w, pos = _fold_mapped(surface)
    if not w:
        return ()
    if w in KNOWN or w.isdigit():
        return ((w, 0, len(surface), ""),)
    clitic = ""
    for c in CLITICS if w[0] in _CLITIC_LETTERS else ():
        if not w.startswith(c):
            continue
        rest = w[len(c):]
        if len(rest) >= 2 and rest != "اب" and (  # باب is a door, not ب+آب
                rest in KNOWN or _split_glued(rest)):
            clitic, w, pos = c, rest, pos[len(c):]
            break
    pieces = [w] if w in KNOWN else (_split_glued(w) or [w])
    out = []
    k = 0
    for n, piece in enumerate(pieces):
        start = pos[k]
        k += len(piece)
        end = pos[k] if k < len(pos) else len(surface)
        out.append((piece, start, end, clitic if n == 0 else ""))
    return tuple(out)


# ---------------------------------------------------------------- grammar

@dataclass(frozen=True, slots=True)
class _Match:
    first: int  # token indices [first, last]
    last: int
    value: tuple[dt.date, dt.date] | None  # None: needs a publication date we do not have
    precision: str
    relative: bool


#: The rules of `_Grammar.at`, in the order they are tried, with the words each can start on
#: (folded; see each rule's first test). A number may start any rule.
RULE_STARTS = (
    ("relative_rule", {"اليوم", "امس", "الامس", "اول", "غدا", "بعد", "يوم", "الليله", "منذ", "قبل",
                       "الاسبوع", "الشهر", "العام", "السنه", "هذا", "هذه"}),
    ("part_rule", set(PARTS) | {"اول"}),
    ("hijri", set(HIJRI_SINGLE) | {w for w, _ in HIJRI_PAIRS}),
    ("numeric_day", set()),
    ("ordinal_day", set(ORDINAL_DAYS) | {"العشرين", "الثلاثين"}),
    ("weekday_rule", set(WEEKDAYS)),
    ("season_rule", set(SEASONS)),
    ("month_rule", set(MONTHS) | {w for w, _ in SYRIAC_PAIRS} | {"شهر"}),
    ("year_rule", YEAR_WORDS | YEAR_PREPS),
)
_ALL_RULES = tuple(name for name, _ in RULE_STARTS)


_RULES_BY_WORD = {w: tuple(name for name, words in RULE_STARTS if w in words)
                  for _, words in RULE_STARTS for w in words}


def _rules_for(w: str) -> tuple[str, ...]:
    """The rules that can match starting on the folded word `w` (empty: none can)."""
    if w.isdigit():
        return _ALL_RULES
    return _RULES_BY_WORD.get(w, ())


class _Grammar:
    def __init__(self, text: str, published: dt.date | None):
        self.text = text
        self.pub = published
        self.ws, self.starts, self.ends, self.clitics, self.rules = _tokens(text)
        self.n = len(self.ws)
        self.blocked: set[int] = set()  # tokens already read as a numeric date

    # -- token access
    def w(self, i: int) -> str:
        return self.ws[i] if 0 <= i < self.n and i not in self.blocked else ""

    def tight(self, i: int) -> bool:
        """Tokens i and i+1 belong to one expression (only spaces, / or brackets between)."""
        if not (0 <= i < self.n - 1):
            return False
        gap = self.text[self.ends[i]:self.starts[i + 1]]
        return self.clitics[i + 1] == "" and (gap == " " or bool(_TIGHT.fullmatch(gap)))

    def nxt(self, i: int) -> str:
        """The word after i if it is tightly joined to it, else ''."""
        return self.w(i + 1) if self.tight(i) else ""

    def num(self, i: int) -> int | None:
        if 0 <= i < self.n and i not in self.blocked and self.ws[i].isdigit():
            return int(self.ws[i])
        return None

    def is_year(self, i: int, lo: int = 1800, hi: int = 2100) -> bool:
        n = self.num(i)
        return n is not None and len(self.w(i)) == 4 and lo <= n <= hi

    def is_day(self, i: int) -> bool:
        n = self.num(i)
        return n is not None and len(self.w(i)) <= 2 and 1 <= n <= 31

    # -- value helpers
    def _rel(self, first, last, make, precision) -> _Match:
        """A relative match: its value is computed only when the publication date is known."""
        value = make(self.pub) if self.pub else None
        if value is not None and not isinstance(value, tuple):
            value = (value, value)
        return _Match(first, last, value, precision, True)

    @staticmethod
    def _abs(first, last, value, precision) -> _Match:
        return _Match(first, last, value, precision, False)

    # -- pieces
    def month(self, i: int, double: bool = True) -> tuple[int, int] | None:
        """A month name at i → (month, index of its last token); also the double form
        تشرين الثاني/نوفمبر (or glued), when both halves name the same month."""
        w = self.w(i)
        if (w, self.nxt(i)) in SYRIAC_PAIRS:
            m, last = SYRIAC_PAIRS[(w, self.w(i + 1))], i + 1
        elif w in MONTHS:
            m, last = MONTHS[w], i
        else:
            return None
        if double and self.tight(last):
            other = self.month(last + 1, double=False)
            if other and other[0] == m:
                last = other[1]
        return m, last

    def year_after(self, i: int) -> tuple[int, int] | None:
        """An explicit year right after token i: `2016`, `عام 2016`, `2016م` → (year, last)."""
        j = i + 1
        if not self.tight(i):
            return None
        if self.w(j) in ("عام", "سنه") and self.tight(j):
            j += 1
        if not self.is_year(j):
            return None
        year, last = self.num(j), j
        if self.w(j + 1) == "م" and self.starts[j + 1] == self.ends[j]:
            last = j + 1
        return year, last

    def relative_year_after(self, i: int) -> tuple[str, int] | None:
        """`[من] العام الماضي`, `[من] هذا العام` after a month → (modifier, last token)."""
        j = i + 1
        if not self.tight(i):
            return None
        if self.w(j) == "من" and self.tight(j):
            j += 1
        if self.w(j) in ("هذا", "هذه") and self.nxt(j) in ("العام", "السنه"):
            return R.CURRENT, j + 1
        if self.w(j) in ("العام", "السنه"):
            mod = self.modifier_after(j)
            if mod:
                return mod
        return None

    def modifier_after(self, i: int) -> tuple[str, int] | None:
        if self.nxt(i) in MODIFIERS:
            return MODIFIERS[self.w(i + 1)], i + 1
        return None

    def future_context(self, i: int) -> bool:
        """A future cue (غدا, المقرر …) in the five words before i, within the same sentence."""
        for k in range(i - 1, max(-1, i - 6), -1):
            if _SENTENCE_END.search(self.text[self.ends[k]:self.starts[k + 1]]):
                return False
            if self.w(k) in FUTURE_CUES:
                return True
        return False

    # -- rules (each returns a _Match starting at i, or None)
    def day_month(self, i: int, day: int, first: int) -> _Match | None:
        """`day [من] month [year | modifier]`; the day token(s) end at i-1."""
        j = i
        if self.w(j) == "من" and self.tight(j - 1):
            j += 1
        if not self.tight(j - 1):
            return None
        mo = self.month(j)
        if not mo:
            if self.w(j) == "الشهر" and self.modifier_after(j) and day <= 31:  # 22 من الشهر الجاري
                mod = self.modifier_after(j)[0]
                return self._rel(first, j + 1, lambda p: R._valid(
                    *R.relative_month(p, mod), day), "day")
            return None
        m, last = mo
        ry = self.relative_year_after(last)
        if ry:
            return self._rel(first, ry[1], lambda p: R._valid(R.relative_year(p, ry[0]), m, day),
                             "day")
        yr = self.year_after(last)
        if yr:
            year, last = yr
            try:
                d = dt.date(year, m, day)
            except ValueError:
                return None
            return self._abs(first, last, (d, d), "day")
        mod = self.modifier_after(last)
        if mod:
            last = mod[1]
        if not any(R._valid(y, m, day) for y in (2015, 2016)):
            return None
        return self._rel(first, last, lambda p: R.infer_day(m, day, p, mod and mod[0]), "day")

    def numeric_day(self, i: int) -> _Match | None:
        if not self.is_day(i):
            return None
        return self.day_month(i + 1, self.num(i), i)

    def ordinal_day(self, i: int) -> _Match | None:
        """الخامس من نوفمبر, الحادي عشر من, الحادي والعشرين من, العشرين من."""
        w = self.w(i)
        nt = i + 1 if i + 1 < self.n else None  # the next token, whatever it is
        if w in ORDINAL_DAYS:
            day, last = ORDINAL_DAYS[w], i
            if self.nxt(i) == "عشر":  # الحادي عشر … التاسع عشر
                day, last = day + 10, i + 1
            elif (nt is not None and self.clitics[nt] == "و" and self.ws[nt] in ("العشرين", "الثلاثين")
                  and re.fullmatch(r"[ \t\u00a0]*و", self.text[self.ends[i]:self.starts[nt]])):
                day, last = day + ORDINAL_TENS[self.ws[nt]], i + 1
            elif w == "الحادي":
                return None
        elif w in ("العشرين", "الثلاثين"):
            day, last = ORDINAL_TENS[w], i
        else:
            return None
        if day > 31 or self.nxt(last) != "من":
            return None
        return self.day_month(last + 1, day, i)

    def hijri(self, i: int) -> _Match | None:
        """[day] Hijri-month year [هـ]: only with an explicit year (صفر is also "zero")."""
        first, day = i, None
        if self.is_day(i) and self.tight(i):
            first, day, i = i, self.num(i), i + 1
        w = self.w(i)
        if (w, self.nxt(i)) in HIJRI_PAIRS:
            m, last = HIJRI_PAIRS[(w, self.w(i + 1))], i + 1
        elif w in HIJRI_SINGLE:
            m, last = HIJRI_SINGLE[w], i
        else:
            return None
        if not (self.tight(last) and self.is_year(last + 1, 1300, 1500)):
            return None
        year, last = self.num(last + 1), last + 1
        if self.nxt(last) in HIJRI_MARKS:
            last += 1
        try:
            if day:
                g = Hijri(year, m, day).to_gregorian()
                d = dt.date(g.year, g.month, g.day)
                return self._abs(first, last, (d, d), "day")
            g1 = Hijri(year, m, 1).to_gregorian()
            g2 = Hijri(year, m, Hijri(year, m, 1).month_length()).to_gregorian()
            return self._abs(first, last, (dt.date(g1.year, g1.month, g1.day),
                                           dt.date(g2.year, g2.month, g2.day)), "month")
        except (ValueError, OverflowError):
            return None

    def month_rule(self, i: int) -> _Match | None:
        """[شهر] month [year | modifier]; a bare month needs a preceding context word."""
        first = i
        if self.w(i) == "شهر" and self.tight(i):
            i += 1
        mo = self.month(i)
        if not mo or (self.tight(first - 1) and self.num(first - 1) is not None):
            return None  # "31 شباط 2016": the day was impossible, the month alone is not meant
        m, last = mo
        yr = self.year_after(last)
        if yr:
            return self._abs(first, yr[1], R.month_range(yr[0], m), "month")
        ry = self.relative_year_after(last)
        if ry:
            return self._rel(first, ry[1], lambda p: R.month_range(R.relative_year(p, ry[0]), m),
                             "month")
        mod = self.modifier_after(last)
        if mod:
            return self._rel(first, mod[1], lambda p: R.month_range(
                R.infer_month_year(m, p, mod[0]), m), "month")
        word = self.w(i)
        prev = self.w(first - 1) if self.tight(first - 1) else ""
        ctx = STRONG_CONTEXT if word in AMBIGUOUS_MONTHS and first == i else CONTEXT | {"شهر"}
        if first == i and prev not in ctx:
            return None
        return self._rel(first, last, lambda p: R.month_range(R.infer_month_year(m, p, None), m),
                         "month")

    def part_rule(self, i: int) -> _Match | None:
        """مطلع/منتصف/أواخر … + [شهر] month | الشهر | العام | [عام] year; أول + month = day 1."""
        w = self.w(i)
        if w not in PARTS and w != "اول":
            return None
        part = PARTS.get(w, "early")
        j = i + 1
        if not self.tight(i):
            return None
        if self.w(j) == "شهر" and self.tight(j):
            j += 1
        mo = self.month(j)
        if mo:
            m, last = mo
            if w == "اول":  # أول نوفمبر = 1 November
                return self.day_month(j, 1, i)
            yr = self.year_after(last)
            if yr:
                return self._abs(i, yr[1], R.month_part_range(yr[0], m, part), "part")
            ry = self.relative_year_after(last)
            if ry:
                return self._rel(i, ry[1], lambda p: R.month_part_range(
                    R.relative_year(p, ry[0]), m, part), "part")
            mod = self.modifier_after(last)
            last = mod[1] if mod else last
            return self._rel(i, last, lambda p: R.month_part_range(
                R.infer_month_year(m, p, mod and mod[0], part), m, part), "part")
        if w == "اول":
            return None
        if self.w(j) == "الشهر":
            mod = self.modifier_after(j)
            last = mod[1] if mod else j
            return self._rel(i, last, lambda p: R.month_part_range(
                *R.relative_month(p, mod and mod[0]), part), "part")
        if self.w(j) in ("العام", "السنه") and not self.is_year(j + 1):
            mod = self.modifier_after(j)
            last = mod[1] if mod else j
            if mod and self.tight(last) and self.is_year(last + 1, 1900):  # العام المقبل 2019
                return self._abs(i, last + 1, R.year_part_range(self.num(last + 1), part), "part")
            return self._rel(i, last, lambda p: R.year_part_range(
                R.relative_year(p, mod and mod[0]), part), "part")
        if self.w(j) in YEAR_WORDS and self.tight(j):
            j += 1
        if self.is_year(j, 1900):
            return self._abs(i, j, R.year_part_range(self.num(j), part), "part")
        return None

    def season_rule(self, i: int) -> _Match | None:
        season = SEASONS.get(self.w(i))
        if not season:
            return None
        yr = self.year_after(i)
        if not yr and self.nxt(i) == "العام" and self.tight(i + 1) and self.is_year(i + 2):
            yr = self.num(i + 2), i + 2
        if yr:
            return self._abs(i, yr[1], R.season_range(yr[0], season), "season")
        if self.nxt(i) in ("العام", "السنه"):
            mod = self.modifier_after(i + 1)
            last = mod[1] if mod else i + 1
            return self._rel(i, last, lambda p: R.season_range(
                R.relative_year(p, mod and mod[0]), season), "season")
        mod = self.modifier_after(i)
        if mod and self.w(i).startswith("ال"):
            return self._rel(i, mod[1], lambda p: R.relative_season(season, p, mod[0]), "season")
        return None

    def year_rule(self, i: int) -> list[_Match] | None:
        """عام 2011, سنة 2016, عامي 2015 و2016; في/منذ/خلال 2013 (year only)."""
        w = self.w(i)
        if w in YEAR_WORDS and self.tight(i) and self.is_year(i + 1, 1900):
            out = [self._abs(i, i + 1, R.year_range(self.num(i + 1)), "year")]
            k = i + 1
            while (w == "عامي" and k + 1 < self.n and self.ws[k + 1] == "و"
                   and self.tight(k) and self.tight(k + 1) and self.is_year(k + 2, 1900)):
                out.append(self._abs(k + 2, k + 2, R.year_range(self.num(k + 2)), "year"))
                k += 2
            return out
        if w in YEAR_PREPS and self.tight(i) and self.is_year(i + 1, 1950):
            y = self.num(i + 1)
            if self.pub and y > self.pub.year + 1:
                return None
            after = self.nxt(i + 1)
            # "في 2013 غارة": a counted noun follows a number, not a year
            if after and not after.isdigit() and (after.endswith("ا") or after in _COUNTED):
                return None
            return [self._abs(i + 1, i + 1, R.year_range(y), "year")]
        return None

    def weekday_rule(self, i: int) -> _Match | None:
        w = self.w(i)
        if w not in WEEKDAYS:
            return None
        if self.w(i - 1) in ("ايام",) and self.tight(i - 1):
            return None
        wd = WEEKDAYS[w]
        # الخميس 8 ديسمبر / الخميس الموافق 8 ديسمبر: the date decides
        j = i + 1
        if self.nxt(i) == "الموافق":
            j += 1
        if self.tight(j - 1):
            dm = self.numeric_day(j) or self.ordinal_day(j)
            if dm:
                return _Match(i, dm.last, dm.value, dm.precision, dm.relative)
        mod = self.modifier_after(i)
        if mod and mod[0] == R.PAST:
            return self._rel(i, mod[1], lambda p: R.weekday_on_or_before(p, wd, strictly=True), "day")
        if (mod and mod[0] == R.NEXT) or self.future_context(i):
            return self._rel(i, mod[1] if mod else i, lambda p: R.weekday_after(p, wd), "day")
        return self._rel(i, i, lambda p: R.weekday_on_or_before(p, wd), "day")

    def relative_rule(self, i: int) -> _Match | None:
        w, n1 = self.w(i), self.nxt(i)
        day = dt.timedelta(days=1)

        def with_weekday(last: int, make) -> _Match:
            if self.nxt(last) in WEEKDAYS:
                last += 1
            return self._rel(i, last, make, "day")

        if w == "اليوم":
            if n1 in NOT_TODAY:
                return None
            return with_weekday(i, lambda p: p)
        if w in ("امس", "الامس"):
            if n1 == "الاول":
                return with_weekday(i + 1, lambda p: p - 2 * day)
            return with_weekday(i, lambda p: p - day)
        if w == "اول":
            if n1 == "امس":
                return with_weekday(i + 1, lambda p: p - 2 * day)
            if n1 == "من" and self.tight(i + 1) and self.w(i + 2) == "امس":
                return with_weekday(i + 2, lambda p: p - 2 * day)
            return None
        if w == "غدا":
            return with_weekday(i, lambda p: p + day)
        if w == "بعد" and n1 == "غد":
            return self._rel(i, i + 1, lambda p: p + 2 * day, "day")
        if w == "يوم" and n1 == "غد":
            return self._rel(i, i + 1, lambda p: p + day, "day")
        if w == "الليله" and n1 in ("الماضي", "الماضيه"):
            return self._rel(i, i + 1, lambda p: p - day, "day")
        if w in ("منذ", "قبل"):
            return self.ago(i)
        if w in ("الاسبوع", "الشهر", "العام", "السنه"):
            mod = self.modifier_after(i)
            if not mod:
                return None
            kind = mod[0]
            if w == "الاسبوع":
                if kind == R.CURRENT:
                    return None
                sign = -1 if kind == R.PAST else 1
                return self._rel(i, mod[1], lambda p: (p - 7 * day, p - day) if sign < 0
                                 else (p + day, p + 7 * day), "week")
            if w == "الشهر":
                return self._rel(i, mod[1], lambda p: R.month_range(*R.relative_month(p, kind)),
                                 "month")
            if self.tight(mod[1]) and self.is_year(mod[1] + 1, 1900):  # العام المقبل 2019
                return self._abs(i, mod[1] + 1, R.year_range(self.num(mod[1] + 1)), "year")
            return self._rel(i, mod[1], lambda p: R.year_range(R.relative_year(p, kind)), "year")
        if w in ("هذا", "هذه") and n1 in ("العام", "السنه", "الشهر"):
            if n1 == "الشهر":
                return self._rel(i, i + 1, lambda p: R.month_range(p.year, p.month), "month")
            return self._rel(i, i + 1, lambda p: R.year_range(p.year), "year")
        return None

    def ago(self, i: int) -> _Match | None:
        """منذ أسبوع, قبل يومين, منذ 3 أيام, قبل عام: a point that far before publication.
        Days and weeks give a day; months a month; years a year. `قبل أسبوع من …` is "a week
        before something else" and is skipped, except for years, where the coarse precision
        absorbs the difference (قبل عام من المحافظين)."""
        j = i + 1
        if not self.tight(i):
            return None
        count = None
        if self.num(j) is not None and len(self.w(j)) <= 2:
            count, j = self.num(j), j + 1
        elif self.w(j) in NUMBER_WORDS:
            count, j = NUMBER_WORDS[self.w(j)], j + 1
        if count is not None and not self.tight(j - 1):
            return None
        unit = UNITS.get(self.w(j))
        if not unit:
            return None
        kind, implied = unit
        n = count if count is not None else implied
        if n is None or (count is not None and implied is not None and implied != 1):
            return None
        if self.is_year(j + 1):  # منذ عام 2012 is a year, not "a year ago"
            return None
        if self.nxt(j) == "من" and kind != "year":
            return None
        if kind in ("day", "week"):
            days = n * (7 if kind == "week" else 1)
            return self._rel(i, j, lambda p: p - dt.timedelta(days=days), "day")
        if kind == "month":
            return self._rel(i, j, lambda p: R.month_range(*R.shift_month(p.year, p.month, -n)),
                             "month")
        return self._rel(i, j, lambda p: R.year_range(p.year - n), "year")

    # -- driver
    def matches(self) -> list[_Match]:
        out: list[_Match] = []
        self.blocked = self._numeric(out)
        # Only the words a rule can start on (`_rules_for`) are tried: most words of any text are
        # none, and the rest are mostly في and من, which would go through every rule for nothing.
        i = 0
        for k in compress(range(self.n), self.rules):
            if k < i or k in self.blocked:
                continue
            found = self.at(k)
            if found:
                out.extend(found)
                i = max(m.last for m in found) + 1
        return out

    def at(self, i: int) -> list[_Match] | None:
        if not (0 <= i < self.n) or i in self.blocked or not self.rules[i]:
            return None  # no rule can start here (every rule would return None)
        if self.w(i) == "يوم" and self.tight(i) and self.w(i + 1) not in ("غد",):
            inner = self.at(i + 1)
            if inner and len(inner) == 1 and inner[0].precision == "day":
                m = inner[0]
                return [_Match(i, m.last, m.value, m.precision, m.relative)]
        for name in self.rules[i]:
            m = getattr(self, name)(i)
            if m:
                return m if name == "year_rule" else [m]
        return None

    def _numeric(self, out: list[_Match]) -> set[int]:
        """15/11/2016, 15-11-2016, 2016-11-15 (day first, as Arab media write them)."""
        consumed: set[int] = set()
        if not _NUMERIC_HINT.search(self.text):
            return consumed
        for mt in _NUMERIC.finditer(self.text):
            nums = [int(fold(x)) for x in re.findall(_DIGIT + "+", mt.group(0))]
            y, m, d = nums if mt.group("y2") else nums[::-1]
            idx = [k for k in range(self.n) if mt.start() <= self.starts[k] and self.ends[k] <= mt.end()]
            consumed.update(idx)  # an impossible 31/02/2016 is still not three loose numbers
            try:
                value = dt.date(y, m, d)
            except ValueError:
                continue
            out.append(self._abs(idx[0], idx[-1], (value, value), "day"))
        return consumed


_COUNTED = {"قتيل", "شخص", "مدني", "غاره", "طفل", "جريح", "مقاتل", "عنصر", "برميل", "صاروخ",
            "قذيفه", "نازح", "لاجئ", "الف", "مليون", "مليار", "دولار", "كيلومتر", "متر"}


def extract(text: str, published: dt.date | None) -> list[DateMention]:
    """Every date expression in `text`, in order, resolved against `published` where needed."""
    g = _Grammar(text, published)
    mentions = []
    for m in sorted(g.matches(), key=lambda m: g.starts[m.first]):
        if m.value is None:
            continue
        start, end = g.starts[m.first], g.ends[m.last]
        mentions.append(DateMention(start, end, text[start:end], m.value[0], m.value[1],
                                    m.precision, m.relative))
    return mentions
