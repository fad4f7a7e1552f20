"""Glued words: split against the archive's vocabulary, real words never split, positions line up."""
import pytest

from app.arabic.analyzer import stem_analyzer, surface_analyzer
from app.arabic.glue import Splitter, split_glued, using_vocabulary
from app.arabic.normalise import fold
from app.arabic.tokenize import words
from app.search.vocabulary import CountedVocabulary, count_documents
from tests.conftest import SEEDS

GLUED_IN_SEEDS = {
    "الأممالمتحدة": ("الامم", "المتحده"),
    "الولاياتالمتحدة": ("الولايات", "المتحده"),
    "الولاياتالمتحدةوروسيا": ("الولايات", "المتحده", "وروسيا"),
    "جنوبالمدينة": ("جنوب", "المدينه"),
    "الثانينوفمبر": ("الثاني", "نوفمبر"),
    "إيرانوروسيا": ("ايران", "وروسيا"),
    "عبدالرحمن": ("عبد", "الرحمن"),  # a name written both ways; splitting lets عبد الرحمن find it
}

REAL_WORDS = [
    "المتحدة", "الانتخابات", "بالمستشفى", "المستشفيات", "الولايات", "والمدنيين", "للمدنيين",
    "الإنسانية", "المعارضة", "الاشتباكات", "المتفجرة", "وحلفاؤها", "الاستراتيجية", "الديمقراطية",
    "المحاصرين", "والإيرانيين", "الكيميائية", "بالقنابل", "العنقودية", "ليلتهم", "متطوعينا",
    "الأمريكيين", "المتحالفة", "والميليشيات", "فلسطين", "بريطانيا", "كفرنبل", "المعضمية",
    "وستتوقف", "استقبلاهم", "المبين", "المخارج", "الأناناس", "دافيدسون", "لاريجاني",
]


@pytest.fixture(scope="module")
def seed_texts():
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture(scope="module", params=["lexicon only", "seed vocabulary"])
def splitter(request, seed_texts):
    return Splitter(None if request.param == "lexicon only" else count_documents(seed_texts))


@pytest.mark.parametrize("glued,parts", GLUED_IN_SEEDS.items())
def test_glued_seed_words_split(splitter, glued, parts):
    assert splitter.split(fold(glued)) == parts


@pytest.mark.parametrize("word", REAL_WORDS)
def test_real_words_are_never_split(splitter, word):
    assert splitter.split(fold(word)) is None


def test_no_other_seed_word_is_split(splitter, seed_texts):
    split = {w for t in seed_texts for w in words(t) if splitter.split(fold(w))}
    assert split == set(GLUED_IN_SEEDS)


def test_a_frequent_glued_form_is_a_word():
    # If an archive writes a form often, it is the archive's word, not damage.
    counts = {fold("جنوبالمدينة"): 50, fold("جنوب"): 60, fold("المدينة"): 900}
    assert Splitter(CountedVocabulary(counts, 1000)).split(fold("جنوبالمدينة")) is None


def test_parts_must_be_common_in_the_archive():
    # Two parts that are words of the archive, but rare ones: a rare name, not two glued words.
    n = 10_000
    counts = {"دافيد": 15, "سون": 20}
    assert Splitter(CountedVocabulary(counts, n)).split("دافيدسون") is None
    counts = {"جنوب": 800, "المدينه": 1500}
    assert Splitter(CountedVocabulary(counts, n)).split("جنوبالمدينه") == ("جنوب", "المدينه")


def test_the_vocabulary_teaches_new_words():
    # Not in the curated lexicon: only an archive that uses both words splits them.
    assert split_glued("مؤتمرصحفي") is None
    texts = ["مؤتمر صحفي"] * 30 + ["نص آخر"] * 70
    assert split_glued("مؤتمرصحفي", count_documents(texts)) == ("مؤتمر", "صحفي")


def positions(analyzer, text):
    return [(t.text, t.pos) for t in analyzer(text, positions=True)]


def test_parts_follow_at_consecutive_positions():
    # The glued token keeps its position; its parts take it and the next ones; later words move up.
    assert positions(surface_analyzer(), "مستشار الأممالمتحدة للشؤون") == [
        ("مستشار", 0), ("الاممالمتحده", 1), ("الامم", 1), ("المتحده", 2), ("للشؤون", 3)]
    terms = positions(stem_analyzer(), "دعا الولاياتالمتحدةوروسيا إلى التوسط")
    assert ("ولا", 1) in terms and ("متحد", 2) in terms and ("روسيا", 3) in terms and ("توسط", 4) in terms


def test_the_active_vocabulary_decides_at_index_time():
    text = "عقد مؤتمرصحفي أمس"
    assert "صحف" not in [t.text for t in stem_analyzer()(text)]
    with using_vocabulary(count_documents(["مؤتمر صحفي"] * 30 + ["نص"] * 70)):
        assert "صحف" in [t.text for t in stem_analyzer()(text)]


def test_digits_glued_to_letters_and_mixed_scripts_are_separate_tokens():
    assert words("أودت ب16 مدنيا") == ["أودت", "ب", "16", "مدنيا"]
    assert words("بـ104 مليون") == ["بـ", "104", "مليون"]
    assert words("فيروسCOVID19انتشر") == ["فيروس", "COVID", "19", "انتشر"]
    # ب alone is a stopword; the number stays searchable
    assert [t.text for t in stem_analyzer()("ب16")] == ["16"]
