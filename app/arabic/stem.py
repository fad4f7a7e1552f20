"""Light stemming in the style of Lucene's ArabicStemmer (Larkey's light10), plus prepositions.

Root stemmers (ISRI, Khoja) are far too aggressive for search: مدينة → دين, الشعار → شعر,
إدلب → دلب. Light stemming strips only what is plainly a clitic or an inflection:

- one article-bearing prefix: ال وال بال كال فال لل (and the stacked وبال فبال ولل …), leaving at
  least two letters; otherwise و ("and") on words of four letters or more — as light10 does;
- light10's suffixes, each tried once in order, leaving at least two letters:
  ها ان ات ون ين يه ية ه ة ي.

Two general rules of Arabic morphology that light10 misses, each adding a *variant* stem at the
same position (never replacing the light10 stem, so nothing light10 finds is lost):

- an attached pronoun (ـه ـها ـهم ـهما ـهن ـكم ـكما ـنا) comes *after* the plural/feminine
  ending, so it is removed first: مقالاته → مقالات → مقال (light10 stops at مقالات), قواتهم → قو;
  and ta marbuta is written ت before it: عاصمتها → عاصمة → عاصم (light10: عاصمت), and a final
  hamza sits on و or ي before it: أسماؤه → أسماء;
- the accusative tanween alef (كبيراً, عموداً, سابقا) is dropped on words of five letters or more
  whose alef does not follow ي (so روسيا, سوريا, تركيا, ضحايا keep theirs): كبيرا → كبير.

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
#: Attached (enclitic) pronouns, longest first. ـي and ـك are left out: too many words end in them.
PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "ها", "نا", "ه")


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


def _enclitic_variants(rest: str) -> list[str]:
    """Stems of `rest` (prefix already removed) read as word + ending + attached pronoun.

    The stem of the word under the pronoun is kept whatever its length (قواتهم → قو, as قوات);
    the guesses (ت read as ة, a dropped tanween alef) only when three letters or more remain.
    """
    out: list[str] = []
    for p in PRONOUNS:
        if rest.endswith(p) and len(rest) - len(p) >= 3:
            base = rest[: -len(p)]
            if base[-1] in "ؤئ":  # the hamza's seat follows the case vowel: أسماؤه/أسمائه → أسماء
                base = base[:-1] + "ء"
            out.append(fold_ta(strip_suffixes(base)))
            if base.endswith("ت") and not base.endswith("ات"):
                guess = fold_ta(strip_suffixes(base[:-1] + "ة"))
                if len(guess) >= 3:
                    out.append(guess)
            return out
    if len(rest) >= 5 and rest.endswith("ا") and rest[-2] not in "يا":
        guess = fold_ta(strip_suffixes(rest[:-1]))
        if len(guess) >= 3:
            out.append(guess)
    return out


IMPERFECT = ("ي", "ت", "ن")


def _verb_variants(rest: str) -> list[str]:
    """The past-tense stem of an imperfect verb of the derived forms, whose past starts with ت or ا.

    يتزوج/تتواجد → تزوج/تواجد (forms V, VI); يستخدم → استخدم (X); ينسحب/ينتقد → انسحب/انتقد (VII,
    VIII with ن); يجتمع → اجتمع (VIII). A future سـ may come first (سيستخدم). Plural past ـوا
    comes off (انسحبوا → انسحب). Nouns that happen to start with these letters get a variant no
    other word has, so they lose nothing.
    """
    out: list[str] = []
    w = rest[1:] if rest[:1] == "س" and rest[1:2] in IMPERFECT and len(rest) >= 6 else rest
    if w[:1] in IMPERFECT and len(w) >= 5:
        body = w[1:]
        if body[0] == "ت":
            out.append(body)
        elif body.startswith("ست") or body[0] == "ن" or body[1] == "ت":
            out.append("ا" + body)
    if rest.endswith("وا") and len(rest) >= 5:
        out.append(rest[:-2])
    return [fold_ta(strip_suffixes(v)) for v in out]


def _variants(rest: str, main: str) -> list[str]:
    found = _enclitic_variants(rest) + _verb_variants(rest)
    return [v for v in dict.fromkeys(found) if v != main and len(v) >= 2]


@lru_cache(maxsize=200_000)
def stem_variants(word: str) -> tuple[str, ...]:
    """Index terms for one folded word: the light10 stem first, then variants (see above).

    Non-Arabic tokens (numbers, Latin) are returned unchanged.
    """
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return (word,)
    rest, had_article = strip_prefix(word)
    main = fold_ta(strip_suffixes(rest))
    out = [main, *_variants(rest, main)]
    # ب/ل/ك/ف directly on the word (after an optional و), e.g. لحلب, وبحلب, كمدينة.
    if not had_article and rest[:1] in PREPOSITIONS and len(rest) - 1 >= 2:
        bare = rest[1:]
        alt = light10(bare)
        # Keep a two-letter variant only when it is the whole remainder (بحي → حي), not what
        # suffix stripping left of a longer word (بستان → ستان → ست would conflate with "six").
        if alt != main and (len(alt) >= 3 or alt == fold_ta(bare)):
            out.append(alt)
            # لعاصمتها → عاصم, but only through a pronoun: a bare-form tanween guess is too loose.
            if any(bare.endswith(p) for p in PRONOUNS):
                out.extend(_variants(strip_prefix(bare)[0], alt))
    return tuple(dict.fromkeys(out))


def stem(word: str) -> str:
    """The main (light10) stem of one folded word."""
    return stem_variants(word)[0]
