"""How dates read on the pages: Gregorian and Hijri side by side, the basis always stated, and
each mentioned date with its resolved range and a link to the reports that mention it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.dates.hijri import gregorian_label, hijri_label, range_label
from app.models import Report
from app.search.params import SearchParams

PRECISION_AR = {"day": "يوم", "week": "أسبوع", "part": "جزء من شهر أو سنة", "month": "شهر",
                "season": "فصل", "year": "سنة"}
BASIS_AR = {"stated": "تاريخ النشر كما ذكره المصدر", "estimated": "تاريخ تقديري",
            "unknown": "تاريخ غير معروف"}
UNIT_AR = {"day": "بالأيام", "week": "بالأسابيع", "month": "بالأشهر", "year": "بالسنوات"}


def hijri_range(date_from: dt.date, date_to: dt.date) -> str:
    a, b = hijri_label(date_from), hijri_label(date_to)
    return a if date_from == date_to or not (a and b) else f"{a} – {b}"


@dataclass(frozen=True)
class MentionView:
    number: int
    start: int
    end: int
    text: str
    date_from: dt.date
    date_to: dt.date
    precision: str
    relative: bool
    label: str  # Gregorian, in words
    hijri: str
    precision_ar: str
    url: str  # reports that mention an overlapping date

    @property
    def datetime_attr(self) -> str | None:
        """A valid HTML `datetime` for a day, a month or a year; None for other ranges."""
        if self.precision == "day":
            return self.date_from.isoformat()
        if self.precision == "month":
            return self.date_from.isoformat()[:7]
        if self.precision == "year":
            return str(self.date_from.year)
        return None


def mentioned_dates(r: Report) -> list[MentionView]:
    out = []
    for k, d in enumerate(sorted(r.dates, key=lambda d: d.start), start=1):
        label = range_label(d.date_from, d.date_to, d.precision)
        url = SearchParams(date_from=d.date_from, date_to=d.date_to, date_field="mentioned").url()
        out.append(MentionView(k, d.start, d.end, d.text, d.date_from, d.date_to, d.precision,
                               d.relative, label, hijri_range(d.date_from, d.date_to),
                               PRECISION_AR.get(d.precision, d.precision), url))
    return out


def register(env) -> None:
    """Jinja filters used by the templates' date macros."""
    env.filters["hijri"] = lambda d: hijri_label(d) if d else ""
    env.filters["gregorian_ar"] = lambda d: gregorian_label(d) if d else ""
    env.globals["BASIS_AR"] = BASIS_AR
    env.globals["UNIT_AR"] = UNIT_AR
    env.globals["bucket_label"] = bucket_label


def bucket_label(start: dt.date, end: dt.date, unit: str) -> str:
    """A timeline bar's period in words: one day, a week's two ends, a month, a year."""
    if unit == "day":
        return gregorian_label(start)
    if unit == "month":
        return range_label(start, end, "month")
    if unit == "year":
        return range_label(start, end, "year")
    return range_label(start, end, "week")
