"""The results page's sidebar — the place facet and the timeline SVG — built in Python.

WHY: in Jinja these were the most expensive part of a results page (a third of its template
time at 100k reports): every bar and every place is one link, and each link re-encoded all the
page's parameters (`SearchParams.url`, an Arabic query percent-encoded again for every one of
~70 bars and ~60 places). Here each link is a page URL with one part replaced (`LinkPattern`),
and the markup is joined once. The output is the markup the template partial wrote.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from urllib.parse import quote_plus

from markupsafe import Markup, escape

from app.dates.hijri import arabic_digits
from app.dates.timeline import Bucket
from app.search.params import SearchParams

from .dates import UNIT_AR, bucket_label

#: Stand-ins that `SearchParams.url` writes where a link's dates or places go; they cannot occur
#: elsewhere in a URL it writes (every other value is percent-encoded, so no other `=` appears
#: after a parameter name, and no real place slug holds a NUL).
_FROM, _TO = dt.date(1, 1, 1), dt.date(1, 1, 2)
_FROM_KEY, _TO_KEY = "from=" + _FROM.isoformat(), "to=" + _TO.isoformat()
_PLACE = "\x00"
_PLACE_KEY = "neighbourhood=" + quote_plus(_PLACE)


@lru_cache(maxsize=4096)
def _place_item(slug: str) -> str:
    return "neighbourhood=" + quote_plus(slug)


class LinkPattern:
    """Links to `params` (page 1) with only the date window, or only the places, changed —
    the same strings `SearchParams.url` writes, from one call to it per kind of link."""

    def __init__(self, params: SearchParams, path: str = "/reports"):
        self.params = params
        self.path = path
        self._dates: tuple[str, str, str] | None = None
        self._places: tuple[str, str] | None = None

    def dates(self, date_from: dt.date, date_to: dt.date) -> str:
        if self._dates is None:
            url = self.params.url(self.path, date_from=_FROM, date_to=_TO, page=1)
            head, rest = url.split(_FROM_KEY, 1)
            mid, tail = rest.split(_TO_KEY, 1)
            self._dates = (head + "from=", mid + "to=", tail)
        head, mid, tail = self._dates
        return f"{head}{date_from.isoformat()}{mid}{date_to.isoformat()}{tail}"

    def dates_pattern(self) -> tuple[str, str, str]:
        """`dates` as (head, middle, tail), escaped for an attribute: head + from + middle +
        to + tail, dates written YYYY-MM-DD."""
        self.dates(_FROM, _TO)
        return tuple(_href(part) for part in self._dates)

    def places(self, slugs: tuple[str, ...]) -> str:
        if self._places is None:
            url = self.params.url(self.path, neighbourhood=(_PLACE,), page=1)
            self._places = tuple(url.split(_PLACE_KEY, 1))
        head, tail = self._places
        if slugs:
            return head + "&".join(map(_place_item, slugs)) + tail
        # No place left: drop the separator the place parameter had on one side.
        if head.endswith("&"):
            return head[:-1] + tail
        return head + tail[1:] if tail else head[:-1]

    def toggle_place(self, slug: str) -> str:
        """`params.toggle_neighbourhood(slug).url(path)`."""
        current = self.params.neighbourhood
        if slug in current:
            return self.places(tuple(s for s in current if s != slug))
        return self.places(current + (slug,))


@lru_cache(maxsize=4096)
def _bar_label(start: dt.date, end: dt.date, unit: str) -> str:
    """A bar's period in words, escaped (the same periods recur on every page: remembered)."""
    return str(escape(bucket_label(start, end, unit)))


@lru_cache(maxsize=4096)
def _period(start: dt.date, end: dt.date, unit: str) -> tuple[str, str, str]:
    """(label escaped, start and end as YYYY-MM-DD) of a bar's period."""
    return _bar_label(start, end, unit), start.isoformat(), end.isoformat()


@lru_cache(maxsize=256)
def _columns(n: int, width: int) -> tuple[list[str], str]:
    """x of each of n bars (newest at the left: the page reads right to left) and their width."""
    bw = width / n
    return [f"{width - i * bw + bw * 0.1:.2f}" for i in range(1, n + 1)], f"{bw * 0.8:.2f}"


def _href(url: str) -> str:
    """A URL `SearchParams.url` wrote, escaped for an attribute: every value in it is
    percent-encoded, so `&` is its only character HTML escaping changes."""
    return url.replace("&", "&amp;")


def timeline_figure(buckets: list[Bucket], unit: str, params: SearchParams,
                    links: LinkPattern | None = None) -> Markup:
    """The result set's timeline: an SVG of one bar per bucket, a link per non-empty bar that
    narrows the results to its period (from/to), every bar labelled for screen readers."""
    if not buckets:
        return Markup("")
    links = links or LinkPattern(params)
    width, height = 600, 80
    peak = max(b.count for b in buckets)
    n = len(buckets)
    bw = width / n
    basis = "التواريخ المذكورة في النص" if params.date_field == "mentioned" else "تاريخ النشر"
    first = _bar_label(buckets[0].start, buckets[0].end, unit)
    last = _bar_label(buckets[-1].start, buckets[-1].end, unit)
    out = [
        '<figure class="timeline">\n'
        f'  <figcaption id="timeline-caption">التوزيع الزمني للنتائج حسب {basis} ({escape(UNIT_AR[unit])}):\n'
        f'    <bdi>{first}</bdi> – <bdi>{last}</bdi>.\n'
        '    كل عمود رابط يحصر النتائج في فترته.</figcaption>\n'
        f'  <svg viewBox="0 0 {width} {height + 2}" role="group" aria-labelledby="timeline-caption" '
        'preserveAspectRatio="none" focusable="false">\n'
    ]
    xs, bar_width = _columns(n, width)
    href = links.dates_pattern()
    for x, b in zip(xs, buckets):
        period, start, end = _period(b.start, b.end, unit)
        label = f"{period}: عدد التقارير {arabic_digits(b.count)}"
        data = f'data-count="{b.count}" data-start="{start}" data-end="{end}"'
        if b.count:
            h = (height * b.count / peak) if peak else 0
            out.append(
                f'    <a href="{href[0]}{start}{href[1]}{end}{href[2]}" aria-label="{label}" class="bar">\n'
                f'      <title>{label}</title>\n'
                f'      <rect x="{x}" y="{height - h:.2f}" width="{bar_width}" height="{h:.2f}" {data}></rect>\n'
                '    </a>\n')
        else:
            out.append(f'    <rect class="empty" x="{x}" y="{height}" width="{bar_width}" '
                       f'height="2" {data}><title>{label}</title></rect>\n')
    out.append("  </svg>\n</figure>")
    return Markup("".join(out))


#: Places listed before the rest fold into "other places".
FIRST_PLACES = 15


def place_facet(facets: list, params: SearchParams, place_label, links: LinkPattern | None = None) -> Markup:
    """The places of the result set with their counts, each a link that adds (or, when active,
    removes) it as a filter; beyond the first `FIRST_PLACES`, folded into a <details>."""
    if not facets:
        return Markup('<p class="muted">لم يُتعرّف على أحياء في هذه النتائج.</p>')
    links = links or LinkPattern(params)
    active = set(params.neighbourhood)

    def name(slug: str) -> str:
        label = place_label(slug)
        return str(escape(label)) if label else f'<bdi dir="ltr">{escape(slug)}</bdi>'

    def item(f, indent: str, marks: bool) -> str:
        href = _href(links.toggle_place(f.value))
        count = arabic_digits(f.count)
        if f.value not in active:
            return f'{indent}<li><a href="{href}">{name(f.value)}</a> <span class="count">{count}</span></li>'
        if marks:
            return (f'{indent}<li><a href="{href}" aria-current="true" class="is-active"><span aria-hidden="true">✓ </span>'
                    f'{name(f.value)}<span class="visually-hidden"> (مفعّل؛ اضغط للإزالة)</span></a> '
                    f'<span class="count">{count}</span></li>')
        return (f'{indent}<li><a href="{href}" aria-current="true" class="is-active">{name(f.value)}</a> '
                f'<span class="count">{count}</span></li>')

    out = ['<ul class="facet-list">']
    out += [item(f, "\n  ", True) for f in facets[:FIRST_PLACES]]
    out.append("\n</ul>")
    if len(facets) > FIRST_PLACES:
        out.append(f'\n<details>\n  <summary>أماكن أخرى ({arabic_digits(len(facets) - FIRST_PLACES)})</summary>\n'
                   '  <ul class="facet-list">')
        out += [item(f, "\n    ", False) for f in facets[FIRST_PLACES:]]
        out.append("\n  </ul>\n</details>")
    return Markup("".join(out))
