"""Arabic labels for dates: Hijri (Umm al-Qura, via hijridate) beside Gregorian.

Readers in the region date events by both calendars; the report page shows both, and the label
must say which calendar it is in (هـ / م). hijridate implements the Umm al-Qura tables, valid
1343–1500 AH (1924–2077 CE); outside that range `hijri_label` returns "" rather than guess.
"""
from __future__ import annotations

import datetime as dt

from hijridate import Gregorian

from .resolve import season_range

#: The double form Arab media use: Levantine name / Western name.
GREGORIAN_MONTHS = (
    "كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو",
    "حزيران/يونيو", "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر", "كانون الأول/ديسمبر",
)
_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

PART_NAMES = {"early": "مطلع", "mid": "منتصف", "late": "أواخر"}
SEASON_NAMES = {"spring": "ربيع", "summer": "صيف", "autumn": "خريف", "winter": "شتاء"}


def arabic_digits(n: int | str) -> str:
    return str(n).translate(_INDIC)


def hijri_label(d: dt.date) -> str:
    """"٢٥ صفر ١٤٣٨ هـ" for 2016-11-25; "" outside the converter's range."""
    try:
        h = Gregorian(d.year, d.month, d.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    return f"{arabic_digits(h.day)} {h.month_name('ar')} {arabic_digits(h.year)} هـ"


def gregorian_month_label(year: int, month: int) -> str:
    return f"{GREGORIAN_MONTHS[month - 1]} {arabic_digits(year)}"


def gregorian_label(d: dt.date) -> str:
    """"٢٥ تشرين الثاني/نوفمبر ٢٠١٦"."""
    return f"{arabic_digits(d.day)} {gregorian_month_label(d.year, d.month)}"


def range_label(date_from: dt.date, date_to: dt.date, precision: str) -> str:
    """How a resolved mention reads on the report page, e.g. "منتصف تشرين الثاني/نوفمبر ٢٠١٦
    (١١–٢٠)", "عام ٢٠١٢", "٨ كانون الأول/ديسمبر ٢٠١٦"."""
    if date_from == date_to:
        return gregorian_label(date_from)
    span = f"{gregorian_label(date_from)} – {gregorian_label(date_to)}"
    if precision == "month" and date_from.day == 1:
        return gregorian_month_label(date_from.year, date_from.month)
    if precision == "year" and (date_from.month, date_from.day) == (1, 1):
        return f"عام {arabic_digits(date_from.year)}"
    if precision == "part" and date_from.month == date_to.month:
        part = {1: "early", 11: "mid", 21: "late"}.get(date_from.day)
        if part:
            days = f"{arabic_digits(date_from.day)}–{arabic_digits(date_to.day)}"
            return f"{PART_NAMES[part]} {gregorian_month_label(date_from.year, date_from.month)} ({days})"
    if precision == "season":
        for key, name in SEASON_NAMES.items():
            if season_range(date_to.year, key) == (date_from, date_to):
                return f"{name} {arabic_digits(date_to.year)} ({span})"
    return span
