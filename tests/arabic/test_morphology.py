"""The two morphological rules added to light10 (attached pronouns, tanween alef), and the
interrogatives that a question pasted as a query brings."""
import pytest

from app.arabic.analyzer import stem_terms
from app.arabic.stem import stem_variants
from app.arabic.normalise import fold_keep_ta


@pytest.mark.parametrize("word,also", [
    ("مقالاته", "مقال"),      # plural + pronoun: light10 stops at مقالات
    ("قواتهم", "قو"),         # as قوات
    ("عاصمتها", "عاصم"),      # ت before a pronoun is ta marbuta: عاصمة
    ("ليلتهم", "ليل"),
    ("بلادنا", "بلاد"),
    ("لعاصمتها", "عاصم"),     # through a preposition too
    ("كبيرا", "كبير"),        # tanween alef (كبيراً)
    ("عموداً", "عمود"),
    ("سابقا", "سابق"),
])
def test_variant_reaches_the_plain_word(word, also):
    assert also in stem_terms(word)
    plain = {"مقالاته": "مقالات", "قواتهم": "قوات", "عاصمتها": "عاصمة", "ليلتهم": "ليلة",
             "بلادنا": "بلاد", "لعاصمتها": "عاصمة", "كبيرا": "كبير", "عموداً": "عمود", "سابقا": "سابق"}[word]
    assert set(stem_terms(plain)) & set(stem_terms(word))


@pytest.mark.parametrize("word", ["روسيا", "سوريا", "تركيا", "ضحايا", "درعا", "دوما", "بيته", "وبستان"])
def test_no_guess_where_the_letters_belong_to_the_word(word):
    # -يا names and plurals keep their alef; short words are not cut; بيته is بيت + ه only.
    assert stem_variants(fold_keep_ta(word))[0] == stem_terms(word)[0]
    assert len(stem_terms(word)) == 1


@pytest.mark.parametrize("word", ["متى", "أين", "كيف", "لماذا", "هل", "ماذا", "كم", "ماهو", "ال", "تم"])
def test_question_words_are_not_searched(word):
    assert stem_terms(word) == []


@pytest.mark.parametrize("imperfect,past", [
    ("يتزوج", "تزوج"),      # form V
    ("تتواجد", "تواجد"),    # form VI
    ("يستخدم", "استخدم"),   # form X
    ("سيستخدم", "استخدم"),  # with the future سـ
    ("ينسحب", "انسحب"),     # form VII
    ("يجتمع", "اجتمع"),     # form VIII
    ("انسحبوا", "انسحب"),   # plural past
])
def test_derived_verb_forms_meet_their_past(imperfect, past):
    assert set(stem_terms(imperfect)) & set(stem_terms(past))


@pytest.mark.parametrize("word", ["يتيم", "تكتل", "يوم", "تقرير"])
def test_short_or_plain_words_get_no_verb_variant(word):
    assert len(stem_terms(word)) == 1
