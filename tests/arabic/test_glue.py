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


class _AsWritten(Splitter):
    """The part rules exactly as first written (every article tried, every part looked up): the
    reference the kept part shapes and the early stop in `_best` must agree with."""

    def part_freq(self, part: str) -> int:
        from app.arabic.glue import _ARTICLES, MIN_PART
        if len(part) < MIN_PART or part in self._stop:
            return 0
        for a in _ARTICLES:
            if part.startswith(a):
                if len(part) - len(a) < MIN_PART:
                    return 0
                break
        f = self.freq(part)
        if f < self.min_df and part[0] == "و" and len(part) - 1 >= MIN_PART and part[1:] not in self._stop:
            f = self.freq(part[1:])
        return f if f >= self.min_df else 0

    def _best(self, word, n):
        import math

        from app.arabic.glue import JOINT_SHARE, _segmentations
        best = None
        for parts in _segmentations(word, n):
            freqs = [self.part_freq(p) for p in parts]
            if not all(freqs):
                continue
            joint = math.prod(self.share(f) for f in freqs) ** (1 / len(parts))
            if joint < JOINT_SHARE:
                continue
            key = (joint, min(freqs), parts)
            if best is None or key[:2] > best[:2]:
                best = key
        return (best[1], best[2]) if best else None


def test_split_decisions_are_the_rules_as_written():
    """Every seed word, and every pair of neighbouring seed words glued together (with and without
    a و in between), is split — or not — exactly as the rules as first written decide, under
    several vocabularies (none, the seeds, the seeds twice over)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    seq = [fold(w) for t in texts for w in words(t)]
    candidates = set(seq)
    for a, b in zip(seq, seq[1:]):
        candidates |= {a + b, a + "و" + b}
    candidates = sorted(candidates)
    splits = 0
    for vocab in (None, count_documents(texts), count_documents(texts * 2 + texts[:1])):
        ours, reference = Splitter(vocab), _AsWritten(vocab)
        for w in candidates:
            got = ours.split(w)
            assert got == reference.split(w), w
            splits += got is not None
    assert splits > 20  # the comparison covers words that split, not only words that do not
