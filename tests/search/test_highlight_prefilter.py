"""Highlighting skips splitting a long word when nothing of the query can be inside it
(`WordMatcher.may_contain_match`): that shortcut must never change a verdict."""
from __future__ import annotations

import pytest

from app.arabic.glue import Splitter
from app.arabic.normalise import fold, fold_keep_ta
from app.arabic.stem import stem_variants
from app.arabic.tokenize import words
from app.search.highlight import WordMatcher, containment_key, match_spans
from app.search.query import parse
from app.search.vocabulary import count_documents
from tests.conftest import SEEDS

#: Words whose stems change letters: derived verb forms, pronouns after endings, ta marbuta
#: written ت, hamza seats, prepositions, tanween.
TRICKY = ["ينتظر", "يستخدم", "تستقبلان", "التنمية", "التنظيم", "يكتبونها", "ستستأنف", "ويلتقط",
          "عاصمتها", "لعاصمتها", "أسماؤه", "أبناؤهم", "مقالاته", "قواتهم", "كبيراً", "لحلب", "وبحلب",
          "كمدينة", "الأممالمتحدة", "الولاياتالمتحدةوروسيا", "جنوبالمدينة", "بالمستشفى", "شيئا"]


@pytest.fixture(scope="module")
def seed_words() -> list[str]:
    return sorted({w for p in sorted(SEEDS.glob("*.txt")) for w in words(p.read_text(encoding="utf-8"))})


@pytest.fixture(scope="module")
def splitter() -> Splitter:
    return Splitter(count_documents(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))


def test_every_stem_keeps_its_key_inside_the_word(seed_words):
    canon = str.maketrans({"ة": "ه", "ت": "ه", "ؤ": "ء", "ئ": "ء"})
    for w in seed_words + TRICKY:
        inside = fold(w).translate(canon)
        for v in stem_variants(fold_keep_ta(w)):
            assert containment_key(v) in inside, (w, v)


def _reference(m: WordMatcher, word: str) -> bool:
    """The verdict without the shortcut: the word, else any part of its split."""
    folded, keep = fold(word), fold_keep_ta(word)
    if m._matches_one(folded, keep):
        return True
    parts = m.splitter.split(folded) if len(folded) >= 6 else None
    i = 0
    for p in parts or ():
        if m._matches_one(p, keep[i:i + len(p)]):
            return True
        i += len(p)
    return False


@pytest.mark.parametrize("q", ["المتحدة", "الأمم", "روسيا", "مدينة", "حلب", "انتظر", "تنمية", "أسماء",
                               "عاصمة", "مستشفى*", "الولايات المتحدة", "نوفمبر", "الرحمن", "مدنيين"])
def test_the_shortcut_changes_no_verdict(q, seed_words, splitter):
    parsed = parse(q)
    m = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces, parsed.highlight_prefixes,
                       splitter=splitter)
    for w in seed_words + TRICKY:
        assert m.matches(w) == _reference(m, w), (q, w)


def test_a_glued_word_is_still_marked(splitter):
    m = WordMatcher.of(parse("المتحدة").highlight_stems, (), splitter=splitter)
    text = "قالت الأممالمتحدة إن القصف مستمر"
    assert [text[a:b] for a, b in match_spans(text, m)] == ["الأممالمتحدة"]


#: Texts whose folding is not plain: diacritics and tatweel inside words, capitals, digits of
#: three systems, glued scripts, presentation forms (NFKC), a Greek final sigma, an emoji.
ODD_TEXTS = [
    "قُصِفَت حَلَب يومَ الأمـــم المتّحدة، وقالت الأُمَمُ المُتَّحِدَة إنّ المستشفى قُصف.",
    "COVID-19 و covidكورونا في حلب2016 و٢٠١٦ و۲۰۱۶؛ Aleppo ALEPPO aleppo.",
    "ﺣﻠﺐ والأمم المتحدة ﻻ تعليق، ثم حلب.",
    "ΟΔΟΣ οδος 🙂 حلب — «الأممالمتحدة» (المتحدة) ـحلبـ",
    "لعاصمتها وبحلب كمدينة التنمية يستخدم ينتظر أسماؤه أبناؤهم",
]


def _word_by_word(text: str, m: WordMatcher) -> list[tuple[int, int]]:
    from app.arabic.tokenize import WORD_RE
    return [(w.start(), w.end()) for w in WORD_RE.finditer(text) if m.matches(w.group())]


@pytest.mark.parametrize("q", ["المتحدة", "الأمم المتحدة", "حلب", "مستشفى*", "قصف", "covid", "Aleppo", "2016",
                               "٢٠١٦", "οδος", "عاصمة", "انتظر", "أسماء", "تنمية", "مدينة", "ا", "ة"])
def test_spans_found_through_the_keys_are_every_matching_word(q, seed_words, splitter):
    """`match_spans` finds words by looking for the matcher's keys in the whole text: the same
    spans as testing every word."""
    parsed = parse(q)
    m = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces, parsed.highlight_prefixes,
                       splitter=splitter)
    texts = ODD_TEXTS + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for text in texts:
        assert match_spans(text, m) == _word_by_word(text, m), (q, text[:40])
    assert match_spans(ODD_TEXTS[0], m) == _word_by_word(ODD_TEXTS[0], m)


def test_diacritics_and_tatweel_inside_a_word_do_not_hide_it():
    parsed = parse("حلب الأمم")
    m = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces, parsed.highlight_prefixes)
    text = ODD_TEXTS[0]
    assert [text[a:b] for a, b in match_spans(text, m)] == ["حَلَب", "الأمـــم", "الأُمَمُ"]


def test_snippet_text_is_what_striptags_reads():
    from app.search.highlight import snippet, snippet_text
    m = WordMatcher.of(parse("حلب").highlight_stems, parse("حلب").highlight_surfaces)
    for text in ODD_TEXTS + ['قال "الأطباء" في حلب: <b>لا</b> & ما زال القصف \'مستمرا\'.']:
        html = snippet(text, m)
        assert " ".join(snippet_text(html).split()) == html.striptags()
