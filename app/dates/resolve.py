"""Turning a parsed date expression into an inclusive range of calendar days.

Kept apart from the grammar (`extract.py`) because these are *decisions*, not parsing, and each one
is a rule a researcher may need to look up when a mentioned date looks wrong:

Ranges
- part of a month: early (مطلع بداية أوائل مستهل) = days 1–10, mid (منتصف أواسط وسط) = 11–20,
  late (أواخر نهاية آخر) = 21–last day.
- part of a year, by thirds: early = January–April, mid = May–August, late = September–December.
- seasons are meteorological: spring = March–May, summer = June–August, autumn = September–November,
  winter Y = 1 December Y-1 … end of February Y (the winter whose January falls in Y).
- "week" ranges: الأسبوع الماضي = the seven days before publication, الأسبوع المقبل = the seven after.

Year and weekday inference (only when the publication date is known)
- no year, no modifier (11 تشرين الثاني, منتصف مارس, في ديسمبر): the occurrence *nearest* to
  publication (distance 0 when the range contains it; a tie goes to the past). "Most recent not
  after publication" was tried first and measured on the ANT news sample: dates without a year
  more than 200 days in the past were, on reading, all upcoming events ("the elections set for
  6 May" in a March report, "the summit on 12 June" in a May one) — news names a past date that
  far back with الماضي or a year. Nearest also absorbs estimated publication dates a day off.
- الماضي / المنصرم / الفائت: a whole month → the latest such month *before the publication month*;
  a day (15 نونبر الماضي) → the latest such date strictly before publication.
- الجاري / الحالي: the publication year.
- المقبل / القادم: a month → the next such month after the publication month; a day → the first such
  date strictly after publication.
- weekday alone (الخميس, يوم الاثنين): the latest such weekday on or before publication; with
  الماضي strictly before; with المقبل/القادم, or when a future cue (غدا, المقرر …) precedes it in
  the same sentence, the first one strictly after publication.
"""
from __future__ import annotations

import calendar
import datetime as dt


PARTS = ("early", "mid", "late")
SEASONS = ("spring", "summer", "autumn", "winter")
PAST, CURRENT, NEXT = "past", "current", "next"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), month_end(year, month)


def month_part_range(year: int, month: int, part: str) -> tuple[dt.date, dt.date]:
    """Early = 1–10, mid = 11–20, late = 21–end."""
    if part == "early":
        return dt.date(year, month, 1), dt.date(year, month, 10)
    if part == "mid":
        return dt.date(year, month, 11), dt.date(year, month, 20)
    if part == "late":
        return dt.date(year, month, 21), month_end(year, month)
    raise ValueError(f"unknown part {part!r}")


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_part_range(year: int, part: str) -> tuple[dt.date, dt.date]:
    """Thirds of the year: Jan–Apr, May–Aug, Sep–Dec."""
    first = {"early": 1, "mid": 5, "late": 9}[part]
    return dt.date(year, first, 1), month_end(year, first + 3)


def season_range(year: int, season: str) -> tuple[dt.date, dt.date]:
    """Meteorological seasons; winter Y runs from 1 December Y-1 to the end of February Y."""
    if season == "winter":
        return dt.date(year - 1, 12, 1), month_end(year, 2)
    first = {"spring": 3, "summer": 6, "autumn": 9}[season]
    return dt.date(year, first, 1), month_end(year, first + 2)


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _distance(r: tuple[dt.date, dt.date], pub: dt.date) -> int:
    if r[0] <= pub <= r[1]:
        return 0
    return (pub - r[1]).days if r[1] < pub else (r[0] - pub).days


def nearest(ranges: list[tuple[dt.date, dt.date]], pub: dt.date) -> tuple[dt.date, dt.date] | None:
    """The range nearest to `pub`; on a tie, the earlier one."""
    return min(ranges, key=lambda r: (_distance(r, pub), r[0] > pub), default=None)


def infer_day(month: int, day: int, pub: dt.date, modifier: str | None) -> dt.date | None:
    """A day and month without a year, resolved against the publication date (see module doc)."""
    candidates = [d for y in range(pub.year - 4, pub.year + 5) if (d := _valid(y, month, day))]
    if not candidates:  # 31 February and the like
        return None
    if modifier == PAST:
        before = [d for d in candidates if d < pub]
        return max(before) if before else None
    if modifier == NEXT:
        after = [d for d in candidates if d > pub]
        return min(after) if after else None
    if modifier == CURRENT:
        return _valid(pub.year, month, day)
    best = nearest([(d, d) for d in candidates], pub)
    return best[0] if best else None


def infer_month_year(month: int, pub: dt.date, modifier: str | None, part: str | None = None) -> int:
    """The year of a month (or of a part of it: early/mid/late) mentioned without one."""
    if modifier == PAST:
        return pub.year if month < pub.month else pub.year - 1
    if modifier == NEXT:
        return pub.year if month > pub.month else pub.year + 1
    if modifier == CURRENT:
        return pub.year
    years = range(pub.year - 1, pub.year + 2)
    spans = {y: (month_part_range(y, month, part) if part else month_range(y, month)) for y in years}
    best = nearest(list(spans.values()), pub)
    return next(y for y, r in spans.items() if r == best)


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


def relative_month(pub: dt.date, modifier: str | None) -> tuple[int, int]:
    """الشهر الماضي / الجاري / المقبل (no modifier = the current month)."""
    delta = {PAST: -1, NEXT: 1}.get(modifier or CURRENT, 0)
    return shift_month(pub.year, pub.month, delta)


def relative_year(pub: dt.date, modifier: str | None) -> int:
    return pub.year + {PAST: -1, NEXT: 1}.get(modifier or CURRENT, 0)


def relative_season(season: str, pub: dt.date, modifier: str | None) -> tuple[dt.date, dt.date] | None:
    """الصيف الماضي: the latest such season that ended before publication; الجاري: the one
    containing publication (else the latest begun); المقبل: the first starting after it."""
    occ = [season_range(y, season) for y in range(pub.year - 2, pub.year + 3)]
    if modifier == PAST:
        done = [r for r in occ if r[1] < pub]
        return done[-1] if done else None
    if modifier == NEXT:
        later = [r for r in occ if r[0] > pub]
        return later[0] if later else None
    begun = [r for r in occ if r[0] <= pub]
    return begun[-1] if begun else None


def weekday_on_or_before(pub: dt.date, weekday: int, strictly: bool = False) -> dt.date:
    back = (pub.weekday() - weekday) % 7
    if strictly and back == 0:
        back = 7
    return pub - dt.timedelta(days=back)


def weekday_after(pub: dt.date, weekday: int) -> dt.date:
    ahead = (weekday - pub.weekday()) % 7 or 7
    return pub + dt.timedelta(days=ahead)
