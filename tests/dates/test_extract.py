"""The date extractor on the five seed reports (every expression, exactly) and on the forms Arab
media use: four month-name systems, double and glued forms, Arabic-Indic digits, relative
expressions, Hijri dates — and numbers that are not dates."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from app.dates.extract import PRECISIONS, DateMention, extract

D = dt.date
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _published() -> dict[str, dt.date]:
    with open(SEEDS / "manifest.csv", encoding="utf-8") as f:
        return {r["file"]: D.fromisoformat(r["published"]) for r in csv.DictReader(f)}


def _seed(prefix: str) -> tuple[str, dt.date]:
    (name,) = [n for n in _published() if n.startswith(prefix)]
    return (SEEDS / name).read_text(encoding="utf-8"), _published()[name]


def rows(mentions: list[DateMention]) -> list[tuple]:
    return [(m.text, m.date_from, m.date_to, m.precision, m.relative) for m in mentions]


# Every date expression in each seed, in text order: (text, from, to, precision, relative).
SEED_EXPECTED = {
    # published 2016-11-25 (Friday)
    "000": [
        ("نهاية العام", D(2016, 9, 1), D(2016, 12, 31), "part", True),  # "by the end of the year"
        ("منذ أسبوع", D(2016, 11, 18), D(2016, 11, 18), "day", True),
        ("11 تشرين الثاني/نوفمبر", D(2016, 11, 11), D(2016, 11, 11), "day", True),
    ],
    # published 2016-12-08 (Thursday)
    "001": [
        ("اليوم الخميس", D(2016, 12, 8), D(2016, 12, 8), "day", True),
        ("أمس الأربعاء", D(2016, 12, 7), D(2016, 12, 7), "day", True),
        ("15 نونبر الماضي", D(2016, 11, 15), D(2016, 11, 15), "day", True),
        ("اليوم الخميس", D(2016, 12, 8), D(2016, 12, 8), "day", True),
        ("الخميس", D(2016, 12, 8), D(2016, 12, 8), "day", True),  # الخاضعة … شرق حلب- الخميس نداء
        ("الخميس", D(2016, 12, 8), D(2016, 12, 8), "day", True),  # لافروف الخميس في هامبورغ
        ("اليوم", D(2016, 12, 8), D(2016, 12, 8), "day", True),  # أقول لكم اليوم
    ],
    # published 2016-11-17 (Thursday)
    "002": [
        ("أمس", D(2016, 11, 16), D(2016, 11, 16), "day", True),
        ("منتصف شهر أكتوبر الماضي", D(2016, 10, 11), D(2016, 10, 20), "part", True),
        ("مطلع نوفمبر الجاري", D(2016, 11, 1), D(2016, 11, 10), "part", True),
        ("قبل عام", D(2015, 1, 1), D(2015, 12, 31), "year", True),  # Trudeau took power in 2015
    ],
    # published 2016-12-04 (Sunday)
    "003": [
        ("أمس", D(2016, 12, 3), D(2016, 12, 3), "day", True),
        ("السبت", D(2016, 12, 3), D(2016, 12, 3), "day", True),
        ("أمس الأول", D(2016, 12, 2), D(2016, 12, 2), "day", True),
        ("أمس", D(2016, 12, 3), D(2016, 12, 3), "day", True),
        ("صيف عام 2015", D(2015, 6, 1), D(2015, 8, 31), "season", False),
        ("منتصف مارس 2011", D(2011, 3, 11), D(2011, 3, 20), "part", False),
    ],
    # published 2016-12-05 (Monday)
    "004": [
        ("الأثنين", D(2016, 12, 5), D(2016, 12, 5), "day", True),
        ("اليوم", D(2016, 12, 5), D(2016, 12, 5), "day", True),  # مؤتمر صحفي عقده اليوم
        ("عام 2012", D(2012, 1, 1), D(2012, 12, 31), "year", False),
        ("الاثنين", D(2016, 12, 5), D(2016, 12, 5), "day", True),
        ("اليوم", D(2016, 12, 5), D(2016, 12, 5), "day", True),  # اعتبارا من اليوم
        ("غدا", D(2016, 12, 6), D(2016, 12, 6), "day", True),
        ("الاربعاء", D(2016, 12, 7), D(2016, 12, 7), "day", True),  # "غدا مساء او صباح الاربعاء": future
        ("منتصف تشرين الثانينوفمبر", D(2016, 11, 11), D(2016, 11, 20), "part", True),
    ],
}


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_every_date_expression_in_the_seeds(prefix):
    text, published = _seed(prefix)
    assert rows(extract(text, published)) == SEED_EXPECTED[prefix]


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed_offsets_point_into_the_original_text(prefix):
    text, published = _seed(prefix)
    mentions = extract(text, published)
    assert mentions
    for m in mentions:
        assert text[m.start:m.end] == m.text
        assert m.precision in PRECISIONS and m.date_from <= m.date_to
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_seed_examples_named_in_the_issue():
    def find(prefix, surface):
        text, published = _seed(prefix)
        return [(m.date_from, m.date_to) for m in extract(text, published) if m.text == surface]

    assert find("004", "الأثنين") == [(D(2016, 12, 5), D(2016, 12, 5))]
    assert find("004", "منتصف تشرين الثانينوفمبر") == [(D(2016, 11, 11), D(2016, 11, 20))]
    assert find("001", "اليوم الخميس")[0] == (D(2016, 12, 8), D(2016, 12, 8))
    assert find("001", "أمس الأربعاء") == [(D(2016, 12, 7), D(2016, 12, 7))]
    assert find("001", "15 نونبر الماضي") == [(D(2016, 11, 15), D(2016, 11, 15))]
    assert find("002", "مطلع نوفمبر الجاري") == [(D(2016, 11, 1), D(2016, 11, 10))]
    assert find("003", "منتصف مارس 2011") == [(D(2011, 3, 11), D(2011, 3, 20))]


def test_without_publication_date_only_absolute_mentions_remain():
    text, _ = _seed("003")
    assert rows(extract(text, None)) == [r for r in SEED_EXPECTED["003"] if not r[4]]
    text, _ = _seed("001")
    assert extract(text, None) == []


# ------------------------------------------------------------------ month-name systems

ALL_MONTH_NAMES = [
    # Syriac / Levantine
    ("كانون الثاني", 1), ("شباط", 2), ("آذار", 3), ("نيسان", 4), ("أيار", 5), ("حزيران", 6),
    ("تموز", 7), ("آب", 8), ("أيلول", 9), ("تشرين الأول", 10), ("تشرين الثاني", 11),
    ("كانون الأول", 12),
    # Western / Egyptian, with spelling variants
    ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("أبريل", 4), ("إبريل", 4), ("ابريل", 4),
    ("مايو", 5), ("يونيو", 6), ("يونيه", 6), ("يوليو", 7), ("يوليه", 7), ("يولية", 7),
    ("أغسطس", 8), ("اغسطس", 8), ("سبتمبر", 9), ("أكتوبر", 10), ("نوفمبر", 11), ("ديسمبر", 12),
    # Maghrebi
    ("ماي", 5), ("يوليوز", 7), ("غشت", 8), ("شتنبر", 9), ("نونبر", 11), ("دجنبر", 12),
    # Tunisia / Algeria
    ("جانفي", 1), ("فيفري", 2), ("أفريل", 4), ("جوان", 6), ("جويلية", 7), ("أوت", 8),
]


@pytest.mark.parametrize("name,month", ALL_MONTH_NAMES)
def test_day_month_year_in_every_naming_system(name, month):
    text = f"وقع الهجوم في 15 {name} 2016 حسب المصدر"
    (m,) = extract(text, None)
    assert (m.text, m.date_from, m.date_to, m.precision, m.relative) == (
        f"15 {name} 2016", D(2016, month, 15), D(2016, month, 15), "day", False)


@pytest.mark.parametrize("name,month", ALL_MONTH_NAMES)
def test_month_and_year(name, month):
    (m,) = extract(f"تظاهرات في {name} 2011 في المدينة", None)
    assert (m.date_from.month, m.date_from.day, m.precision) == (month, 1, "month")
    assert m.date_to.month == month and m.date_to.year == 2011


@pytest.mark.parametrize("text,expected", [
    ("في 11 تشرين الثاني/نوفمبر 2016", "11 تشرين الثاني/نوفمبر 2016"),
    ("في 11 تشرين الثاني (نوفمبر) 2016", "11 تشرين الثاني (نوفمبر) 2016"),
    ("في 11 نوفمبر/تشرين الثاني 2016", "11 نوفمبر/تشرين الثاني 2016"),
    ("في 11 تشرين الثانينوفمبر 2016", "11 تشرين الثانينوفمبر 2016"),  # slash lost with a link
    ("في 11 تشرينالثاني 2016", "11 تشرينالثاني 2016"),  # space lost
    ("في 11 تشرينالثانينوفمبر 2016", "11 تشرينالثانينوفمبر 2016"),
])
def test_double_and_glued_forms(text, expected):
    (m,) = extract(text, None)
    assert m.text == expected and text[m.start:m.end] == expected
    assert (m.date_from, m.precision) == (D(2016, 11, 11), "day")


def test_glued_december_and_clitic_on_a_glued_word():
    (m,) = extract("بدأت في 5 كانون الأولديسمبر 2016", None)
    assert m.date_from == D(2016, 12, 5)
    (m,) = extract("في 5 آذارمارس 2016", None)
    assert (m.text, m.date_from) == ("5 آذارمارس 2016", D(2016, 3, 5))


def test_arabic_indic_digits():
    text = "قتل ١٥ مدنيا في ١٥ كانون الأول ٢٠١٦ وفي ٣ آذار"
    ms = extract(text, D(2017, 1, 10))
    assert rows(ms) == [("١٥ كانون الأول ٢٠١٦", D(2016, 12, 15), D(2016, 12, 15), "day", False),
                        ("٣ آذار", D(2017, 3, 3), D(2017, 3, 3), "day", True)]
    (m,) = extract("منتصف مارس ۲۰۱۱", None)  # Extended (Persian) digits too
    assert m.date_from == D(2011, 3, 11)


def test_diacritics_and_tatweel_do_not_hide_a_date():
    text = "أَمْسِ الأرْبِعَاء وفي 5 ديســمبر 2016"
    ms = extract(text, D(2016, 12, 8))
    assert rows(ms) == [("أَمْسِ الأرْبِعَاء", D(2016, 12, 7), D(2016, 12, 7), "day", True),
                        ("5 ديســمبر 2016", D(2016, 12, 5), D(2016, 12, 5), "day", False)]


# ------------------------------------------------------------------ parts of months and years, seasons

@pytest.mark.parametrize("word,first,last", [
    ("مطلع", 1, 10), ("بداية", 1, 10), ("أوائل", 1, 10), ("مستهل", 1, 10),
    ("منتصف", 11, 20), ("أواسط", 11, 20),
    ("أواخر", 21, 28), ("نهاية", 21, 28), ("آخر", 21, 28),
])
def test_month_parts(word, first, last):
    (m,) = extract(f"{word} شباط 2015", None)
    assert (m.date_from, m.date_to, m.precision) == (D(2015, 2, first), D(2015, 2, last), "part")


def test_late_month_ends_on_the_months_last_day():
    (m,) = extract("أواخر شباط 2016", None)
    assert m.date_to == D(2016, 2, 29)
    (m,) = extract("أواخر الشهر الماضي", D(2016, 12, 5))
    assert (m.date_from, m.date_to, m.relative) == (D(2016, 11, 21), D(2016, 11, 30), True)


def test_first_of_month():
    (m,) = extract("في أول نوفمبر 2016", None)
    assert (m.date_from, m.precision) == (D(2016, 11, 1), "day")


def test_year_parts():
    assert rows(extract("منتصف عام 2015 ثم أواخر 2016", None)) == [
        ("منتصف عام 2015", D(2015, 5, 1), D(2015, 8, 31), "part", False),
        ("أواخر 2016", D(2016, 9, 1), D(2016, 12, 31), "part", False)]
    (m,) = extract("مطلع العام الماضي", D(2016, 12, 5))
    assert (m.date_from, m.date_to) == (D(2015, 1, 1), D(2015, 4, 30))


@pytest.mark.parametrize("text,first,last", [
    ("صيف عام 2015", D(2015, 6, 1), D(2015, 8, 31)),
    ("شتاء 2016", D(2015, 12, 1), D(2016, 2, 29)),
    ("ربيع 2011", D(2011, 3, 1), D(2011, 5, 31)),
    ("خريف سنة 2014", D(2014, 9, 1), D(2014, 11, 30)),
    ("صيف العام 2013", D(2013, 6, 1), D(2013, 8, 31)),
])
def test_seasons(text, first, last):
    (m,) = extract(f"منذ {text} والحصار مستمر", None)
    assert (m.text, m.date_from, m.date_to, m.precision) == (text, first, last, "season")


def test_relative_seasons():
    pub = D(2016, 12, 5)
    assert rows(extract("الصيف الماضي", pub)) == [("الصيف الماضي", D(2016, 6, 1), D(2016, 8, 31), "season", True)]
    assert extract("الشتاء المقبل", D(2016, 10, 1))[0].date_from == D(2016, 12, 1)
    assert extract("صيف العام الماضي", pub)[0].date_from == D(2015, 6, 1)


# ------------------------------------------------------------------ years

def test_bare_years_only_in_date_context():
    ms = extract("منذ عام 2011 وفي سنة 2016 وخلال 2013 وبين عامي 2014 و2015", None)
    assert [(m.text, m.date_from.year, m.precision) for m in ms] == [
        ("عام 2011", 2011, "year"), ("سنة 2016", 2016, "year"), ("2013", 2013, "year"),
        ("عامي 2014", 2014, "year"), ("2015", 2015, "year")]


def test_a_count_after_in_is_not_a_year():
    assert extract("شن الطيران في 2013 غارة و1995 قتيلا عام", None) == []


# ------------------------------------------------------------------ relative expressions

THU = D(2016, 12, 8)  # a Thursday


@pytest.mark.parametrize("text,value", [
    ("اليوم", THU), ("اليوم الخميس", THU), ("أمس", D(2016, 12, 7)), ("الأمس", D(2016, 12, 7)),
    ("بالأمس", D(2016, 12, 7)), ("وأمس", D(2016, 12, 7)), ("يوم أمس", D(2016, 12, 7)),
    ("أمس الأربعاء", D(2016, 12, 7)), ("أمس الأول", D(2016, 12, 6)), ("أول أمس", D(2016, 12, 6)),
    ("أول من أمس", D(2016, 12, 6)), ("غدا", D(2016, 12, 9)), ("غداً الجمعة", D(2016, 12, 9)),
    ("بعد غد", D(2016, 12, 10)), ("يوم غد", D(2016, 12, 9)), ("الليلة الماضية", D(2016, 12, 7)),
    # weekdays: the latest such day on or before publication
    ("الخميس", THU), ("يوم الخميس", THU), ("والخميس", THU), ("الأربعاء", D(2016, 12, 7)),
    ("الجمعة", D(2016, 12, 2)), ("الجمعه", D(2016, 12, 2)), ("السبت", D(2016, 12, 3)),
    ("الأحد", D(2016, 12, 4)), ("الإثنين", D(2016, 12, 5)), ("الثلاثاء", D(2016, 12, 6)),
    ("الخميس الماضي", D(2016, 12, 1)), ("الخميس المقبل", D(2016, 12, 15)),
    ("الأحد القادم", D(2016, 12, 11)),
    # منذ / قبل + a count
    ("منذ أسبوع", D(2016, 12, 1)), ("قبل يومين", D(2016, 12, 6)), ("منذ 3 أيام", D(2016, 12, 5)),
    ("منذ ثلاثة أيام", D(2016, 12, 5)), ("قبل أسبوعين", D(2016, 11, 24)),
    ("منذ ١٠ أيام", D(2016, 11, 28)),
])
def test_relative_days(text, value):
    (m,) = extract(f"قال المرصد {text} إن القصف استمر", THU)
    surface = {"بالأمس": "الأمس", "وأمس": "أمس", "والخميس": "الخميس"}.get(text, text)
    assert (m.text, m.date_from, m.date_to, m.precision, m.relative) == (surface, value, value, "day", True)


def test_clitics_are_left_out_of_the_span():
    text = "وقال والخميس وبالأمس"
    ms = extract(text, THU)
    assert [m.text for m in ms] == ["الخميس", "الأمس"]


def test_today_with_an_ordinal_is_not_today():
    for phrase in ("اليوم الثالث", "اليوم التالي", "اليوم الأول", "اليوم العالمي لحقوق الإنسان"):
        assert extract(f"غارات {phrase} على حلب", THU) == []


def test_weekday_after_a_future_cue_is_the_next_one():
    (_, wed) = extract("من المرجح ان تبدأ غدا مساء او صباح الاربعاء", D(2016, 12, 5))
    assert wed.date_from == D(2016, 12, 7)
    (m,) = extract("من المقرر أن يعقد المجلس اجتماعه الأحد", THU)
    assert m.date_from == D(2016, 12, 11)
    # a full stop ends the cue's reach
    (_, m) = extract("ستبدأ غدا. وقال الأحد إن", THU)
    assert m.date_from == D(2016, 12, 4)


@pytest.mark.parametrize("text,first,last,precision", [
    ("الأسبوع الماضي", D(2016, 12, 1), D(2016, 12, 7), "week"),
    ("الأسبوع المقبل", D(2016, 12, 9), D(2016, 12, 15), "week"),
    ("الشهر الماضي", D(2016, 11, 1), D(2016, 11, 30), "month"),
    ("الشهر الجاري", D(2016, 12, 1), D(2016, 12, 31), "month"),
    ("الشهر المقبل", D(2017, 1, 1), D(2017, 1, 31), "month"),
    ("هذا الشهر", D(2016, 12, 1), D(2016, 12, 31), "month"),
    ("العام الماضي", D(2015, 1, 1), D(2015, 12, 31), "year"),
    ("السنة الماضية", D(2015, 1, 1), D(2015, 12, 31), "year"),
    ("العام الحالي", D(2016, 1, 1), D(2016, 12, 31), "year"),
    ("هذا العام", D(2016, 1, 1), D(2016, 12, 31), "year"),
    ("العام المقبل", D(2017, 1, 1), D(2017, 12, 31), "year"),
    ("منذ شهرين", D(2016, 10, 1), D(2016, 10, 31), "month"),
    ("قبل خمس سنوات", D(2011, 1, 1), D(2011, 12, 31), "year"),
    ("منذ 25 عاما", D(1991, 1, 1), D(1991, 12, 31), "year"),
    ("منتصف الشهر الجاري", D(2016, 12, 11), D(2016, 12, 20), "part"),
    ("نهاية العام", D(2016, 9, 1), D(2016, 12, 31), "part"),
])
def test_relative_periods(text, first, last, precision):
    (m,) = extract(f"وقال {text} إن", THU)
    assert (m.text, m.date_from, m.date_to, m.precision, m.relative) == (text, first, last, precision, True)


def test_a_week_before_something_else_is_not_a_week_before_publication():
    assert extract("قبل أسبوع من الانتخابات", THU) == []


@pytest.mark.parametrize("text,value", [
    ("15 نونبر الماضي", D(2016, 11, 15)),  # last November
    ("5 ديسمبر الماضي", D(2016, 12, 5)),  # a day: the latest such date before publication
    ("10 ديسمبر الماضي", D(2015, 12, 10)),
    ("20 ديسمبر الجاري", D(2016, 12, 20)),
    ("20 ديسمبر المقبل", D(2016, 12, 20)),
    ("5 ديسمبر المقبل", D(2017, 12, 5)),
    ("20 يناير المقبل", D(2017, 1, 20)),
    ("3 ديسمبر", D(2016, 12, 3)),  # no year: the occurrence nearest to publication …
    ("10 ديسمبر", D(2016, 12, 10)),
    ("20 ديسمبر", D(2016, 12, 20)),  # … upcoming events are named without a year too
    ("14 يناير", D(2017, 1, 14)),
    ("20 يونيو", D(2016, 6, 20)),  # 171 days back is nearer than 194 ahead
    ("1 يونيو", D(2017, 6, 1)),  # 175 ahead is nearer than 190 back
    ("29 شباط", D(2016, 2, 29)),  # the nearest year that has one
])
def test_year_inference_for_day_and_month(text, value):
    (m,) = extract(f"في {text} قتل", THU)
    assert (m.date_from, m.relative) == (value, True)


@pytest.mark.parametrize("text,month", [
    ("في نوفمبر", (2016, 11)), ("في ديسمبر", (2016, 12)), ("خلال شهر يناير", (2017, 1)),
    ("في أغسطس", (2016, 8)), ("في مارس", (2017, 3)),
    ("نوفمبر الماضي", (2016, 11)), ("ديسمبر الماضي", (2015, 12)), ("يناير المقبل", (2017, 1)),
    ("شهر رمضان الجاري", None),
])
def test_month_without_year(text, month):
    ms = extract(text, THU)
    if month is None:
        assert ms == []
        return
    (m,) = ms
    assert (m.date_from.year, m.date_from.month, m.date_from.day, m.precision) == (*month, 1, "month")


def test_ambiguous_month_words_need_context():
    # مارس "practised", آب "father", ماي: not dates on their own …
    assert extract("مارس الضغط على الأب وقال ماي", THU) == []
    assert extract("من مارس العنف", THU) == []
    # … but dates with a day, a year, a modifier or a strong preposition
    assert [m.date_from for m in extract("في آب وفي 3 مارس وماي 2016 وآذار الماضي", THU)] == [
        D(2016, 8, 1), D(2017, 3, 3), D(2016, 5, 1), D(2016, 3, 1)]


def test_ordinal_days():
    ms = extract("في الخامس من نوفمبر 2016 والحادي عشر من آذار 2011 والحادي والعشرين من أيار 2013", None)
    assert [m.date_from for m in ms] == [D(2016, 11, 5), D(2011, 3, 11), D(2013, 5, 21)]
    assert [m.text for m in ms][0] == "الخامس من نوفمبر 2016"


def test_weekday_with_an_explicit_date_uses_the_date():
    (m,) = extract("يوم الخميس 8 ديسمبر 2016", None)
    assert (m.text, m.date_from, m.relative) == ("يوم الخميس 8 ديسمبر 2016", D(2016, 12, 8), False)
    (m,) = extract("الأحد الموافق 4 كانون الأول", THU)
    assert m.date_from == D(2016, 12, 4)


def test_numeric_dates():
    ms = extract("صدر في 15/11/2016 وفي ١٥-١١-٢٠١٦ وفي 2016-11-15 لا 31/02/2016", None)
    assert [(m.text, m.date_from) for m in ms] == [
        ("15/11/2016", D(2016, 11, 15)), ("١٥-١١-٢٠١٦", D(2016, 11, 15)), ("2016-11-15", D(2016, 11, 15))]


def test_hijri_dates_in_the_text():
    ms = extract("في ٢٥ صفر ١٤٣٨ هـ وخلال رمضان 1437 هـ", None)
    assert rows(ms) == [("٢٥ صفر ١٤٣٨ هـ", D(2016, 11, 25), D(2016, 11, 25), "day", False),
                        ("رمضان 1437 هـ", D(2016, 6, 6), D(2016, 7, 5), "month", False)]
    assert extract("عدد القتلى صفر", None) == []


def test_invalid_dates_are_not_invented():
    assert extract("في 31 شباط 2016 و32 مارس 2016 و0 مايو 2016", None) == []


# ------------------------------------------------------------------ negatives

@pytest.mark.parametrize("text", [
    "845 قتيلا", "ستين في المئة", "زهاء 150 ألف مدني", "في الأيام ال26 الماضية", "أودت ب16 مدنيا",
    "بين 3000 و3500 جريح", "طائرة سوخوي 33", "هزبر (25 عاماً)", "خلال الأيام الماضية",
    "منذ أيام", "قبل ساعات", "بعد ساعات من سيطرتها", "ملابس للشتاء", "الربيع العربي",
    "خلال الاشهر الماضية", "لمدة سبعة أيام", "مدينة الباب", "الأمين العام للأمم المتحدة",
    "صحيفة تشرين", "أكثر من 60 شخصا", "بعد خمس سنوات من خروجها",
])
def test_numbers_and_words_that_are_not_dates(text):
    assert extract(f"وقال المصدر {text} في حلب", THU) == []


def test_a_comma_or_full_stop_ends_an_expression():
    ms = extract("أمس، الخميس. 15 نوفمبر", THU)
    assert [m.text for m in ms] == ["أمس", "الخميس", "15 نوفمبر"]


def test_empty_and_non_arabic_text():
    assert extract("", THU) == []
    assert extract("Reuters, 5 December 2016", THU) == []


def test_agrees_with_dateparser_where_dateparser_is_right():
    """dateparser reads plain Western/Egyptian day-month-year: both must give the same day."""
    dateparser = pytest.importorskip("dateparser")
    for text in ("5 ديسمبر 2016", "11 نوفمبر 2015", "3 مارس 2011", "21 يناير 2014", "30 يونيو 2013"):
        (m,) = extract(text, None)
        assert m.date_from == dateparser.parse(text, languages=["ar"]).date()


@pytest.mark.parametrize("text,first,last,precision", [
    ("22 من الشهر الجاري", D(2016, 12, 22), D(2016, 12, 22), "day"),
    ("3 من الشهر الماضي", D(2016, 11, 3), D(2016, 11, 3), "day"),
    ("شهر سبتمبر من العام الماضي", D(2015, 9, 1), D(2015, 9, 30), "month"),
    ("مارس من هذا العام", D(2016, 3, 1), D(2016, 3, 31), "month"),
    ("5 أيار من العام الماضي", D(2015, 5, 5), D(2015, 5, 5), "day"),
    ("أواخر يونيو من العام المقبل", D(2017, 6, 21), D(2017, 6, 30), "part"),
])
def test_days_and_months_of_a_relative_month_or_year(text, first, last, precision):
    (m,) = extract(f"وقال {text} إن", THU)
    assert (m.text, m.date_from, m.date_to, m.precision, m.relative) == (text, first, last, precision, True)


def test_an_explicit_year_after_a_relative_one_wins():
    assert rows(extract("خلال بداية العام المقبل 2019 و العام المقبل 2019", THU)) == [
        ("بداية العام المقبل 2019", D(2019, 1, 1), D(2019, 4, 30), "part", False),
        ("العام المقبل 2019", D(2019, 1, 1), D(2019, 12, 31), "year", False)]


def test_rules_are_tried_only_on_words_they_can_start_on(monkeypatch):
    """`RULE_STARTS` says which words each rule can start on, so that the others are skipped; a
    rule that started on another word would be missed. Random texts of the grammar's words must
    give the same mentions as trying every rule on every word of the grammar and number."""
    import random

    from app.dates import extract as x

    rng = random.Random(11)
    vocabulary = sorted(x.KNOWN) + ["15", "3", "2016", "1437", "31", "قتيلا", "غارة", "المدينة", "وفي", "بالعام"]
    separators = [" ", " ", " ", "/", "، ", ". ", " - "]
    texts = ["".join(rng.choice(vocabulary) + rng.choice(separators) for _ in range(40)) for _ in range(400)]
    published = dt.date(2016, 12, 5)

    def run() -> list[list[tuple]]:
        x._WORDS.clear()
        return [rows(extract(t, published)) for t in texts]

    dispatched = run()
    monkeypatch.setattr(x, "_rules_for", lambda w: x._ALL_RULES if w in x.KNOWN or w.isdigit() else ())
    everywhere = run()
    x._WORDS.clear()
    assert dispatched == everywhere
    assert sum(map(len, dispatched)) > 1000  # the texts do hold dates
