"""One search result as HTML (results page, home page, place pages), built in Python.

WHY: as a Jinja macro, a result was a dozen nested macro calls (its link twice, its date, each
place name, the plural of its copies); ten results were a fifth of a results page's template
time. The markup is the macro's; escaping is markupsafe's throughout.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from jinja2.utils import url_quote
from markupsafe import Markup, escape

from app.dates.hijri import arabic_digits, gregorian_label

from .views import place_label

_ESTIMATED = (' <span class="estimated" title="لم يذكر المصدر تاريخ النشر؛ قُدِّر من محتوى التقرير">'
              'تقديري</span>')
_UNKNOWN_DATE = '<span class="muted">تاريخ غير معروف</span>'
_COPIES = ("", "نسخة مشابهة", "نسختان مشابهتان", "نسخ مشابهة", "نسخة مشابهة", "نسخة مشابهة")


def plural(n: int, zero: str, one: str, two: str, few: str, many: str, other: str) -> str:
    """Arabic number agreement (the `plural` macro): 0 / 1 / 2 / 3–10 / 11–99 / hundreds."""
    r = n % 100
    if n == 0:
        return zero
    if n == 1:
        return one
    if n == 2:
        return two
    word = few if 3 <= r <= 10 else many if 11 <= r <= 99 else other
    return f'<span class="num">{arabic_digits(n)}</span> {word}'


@lru_cache(maxsize=4096)
def date_label(published: dt.date | None, basis: str | None) -> str:
    """A publication date in words inside <time>, "estimated" said so; unknown dates say that."""
    if not published:
        return _UNKNOWN_DATE
    out = f'<time datetime="{published.isoformat()[:10]}">{gregorian_label(published)}</time>'
    return out + _ESTIMATED if basis == "estimated" else out


@lru_cache(maxsize=4096)
def place_name(slug: str) -> str:
    """A place by its Arabic name (the slug, marked left-to-right, when the gazetteer has none)."""
    label = place_label(slug)
    return str(escape(label)) if label else f'<bdi dir="ltr">{escape(slug)}</bdi>'


def report_href(rid: str, q: str | None) -> str:
    href = f"/reports/{escape(rid)}"
    return f"{href}?q={escape(url_quote(q))}" if q else href


def result_item(hit, q: str | None, heading: str = "h3", snippet: bool = True) -> Markup:
    """One result: its title linking to the report (the query along, to highlight it there),
    date, source, first four places, how many near-copies it stands for, and its snippet."""
    href = report_href(hit.id, q)
    meta = [f"    <li>{date_label(hit.published, hit.date_basis)}</li>"]
    if hit.source:
        meta.append(f"<li>{escape(hit.source)}</li>")
    if hit.places:
        names = "، ".join(place_name(s) for s in hit.places[:4])
        more = " …" if len(hit.places) > 4 else ""
        meta.append(f'<li><span class="visually-hidden">الأماكن: </span>{names}{more}</li>')
    if hit.group_size and hit.group_size > 1:
        meta.append(f'<li><a class="group-size" href="{href}#also">+ {plural(hit.group_size - 1, *_COPIES)}</a></li>')
    out = (f'<li class="result">\n  <{heading} class="result-title"><a href="{href}">{escape(hit.title)}</a></{heading}>\n'
           f'  <ul class="result-meta">\n{"".join(meta)}\n  </ul>')
    if snippet and hit.snippet_html:
        out += f'\n  <p class="snippet">{escape(hit.snippet_html)}</p>'
    return Markup(out + "\n</li>")
