"""The analyzer, word by word: what each seed word becomes in the index (the behaviour, documented)."""
import pytest

from app.arabic.analyzer import stem_terms, surface_terms
from app.arabic.normalise import fold, strip_diacritics
from app.arabic.tokenize import spans, words

# word as written in the seeds → index terms of the stem field (light stem first, then any
# preposition-free variant at the same position).
TABLE = [
    ("والمدنيين", ["مدن"]),
    ("للمدنيين", ["مدن"]),
    ("المدنيين", ["مدن"]),
    ("مدنيين", ["مدن"]),
    ("لحلب", ["لحلب", "حلب"]),
    ("بحلب", ["بحلب", "حلب"]),
    ("حلب", ["حلب"]),
    ("بالكلور", ["كلور"]),
    ("الكلور", ["كلور"]),
    ("الأحياء", ["احياء"]),
    ("حي", ["حي"]),
    ("حيي", ["حي"]),
    ("مدينة", ["مدين"]),            # never the root دين
    ("لمدينة", ["لمدين", "مدين"]),
    ("المدينة", ["مدين"]),
    ("إدلب", ["ادلب"]),             # keeps its first letter
    ("الشعار", ["شعار"]),           # never the root شعر
    ("الصاخور", ["صاخور"]),
    ("وقاضي", ["قاض"]),
    ("قاضي", ["قاض"]),
    ("عسكر", ["عسكر"]),
    ("ومساكن", ["مساكن"]),
    ("هنانو", ["هنانو"]),
    ("الكلاسة", ["كلاس"]),
    ("وبستان", ["بست"]),          # light10 strips ان; no two-letter variant ست
    ("بحي", ["بح", "حي"]),
    ("القصر", ["قصر"]),
    ("أمس", ["امس"]),               # a content word, not a stopword
    ("اليوم", ["يوم"]),
    ("الخميس", ["خميس"]),
    ("لافروف", ["لافروف", "افروف"]),
    ("الروسية", ["روس"]),
    ("والإيرانية", ["ايران"]),
    ("الغارات", ["غار"]),
    ("غارات", ["غار"]),
    ("بالبراميل", ["براميل"]),
    ("المتفجرة", ["متفجر"]),
    ("المستشفيات", ["مستشف"]),
    ("الإنسانية", ["انسان"]),
    ("كفرنبل", ["كفرنبل", "فرنبل"]),
    ("أعزاز", ["اعزاز"]),
    ("قصفها", ["قصف"]),
    ("مقاتلو", ["مقاتلو"]),
    ("١٥", ["15"]),
    ("2016", ["2016"]),
    ("في", []),                     # stopword
    ("من", []),
    ("الْعَرَبِيّةُ", ["عرب"]),       # tashkeel stripped before anything else
    ("حلــــب", ["حلب"]),           # tatweel
]


@pytest.mark.parametrize("word,terms", TABLE)
def test_stem_terms(word, terms):
    assert stem_terms(word) == terms


def test_table_is_large_enough():
    assert len(TABLE) >= 40


@pytest.mark.parametrize("word,surface", [
    ("المدنيين", "المدنيين"), ("إدلب", "ادلب"), ("مدينة", "مدينه"), ("مستشفى", "مستشفي"),
    ("آذار", "اذار"), ("ٱلله", "الله"), ("COVID", "covid"),
])
def test_surface_terms_fold_without_stemming(word, surface):
    assert surface_terms(word) == [surface]


def test_tashkeel_does_not_split_words():
    assert words("مَدِينَةُ حَلَبَ") == ["مَدِينَةُ", "حَلَبَ"]
    assert strip_diacritics("مَدِينَةُ") == "مدينة"


def test_digits_and_scripts_split():
    assert words("ب16 طائرة") == ["ب", "16", "طائرة"]
    assert words("COVIDكورونا") == ["COVID", "كورونا"]


def test_spans_point_into_original_text():
    text = "قصفٌ على حَلَب، اليوم"
    for s in spans(text):
        assert text[s.start:s.end] == s.surface


def test_fold_rules():
    assert fold("أإآٱ") == "اااا"
    assert fold("ى") == "ي"
    assert fold("ة") == "ه"
    assert fold("١٢٣") == "123"
    # Presentation forms (from PDFs) fold to the base letters.
    assert fold("\ufedb\ufef4\ufe91") == fold("كيب")
