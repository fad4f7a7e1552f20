"""The one search service: every page, API route, feed and export asks it, so they cannot disagree."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.archive import Archive
from app.models import DateMention, Report

from .backend import SearchBackend, SearchRequest
from .highlight import WordMatcher, snippet
from .params import SearchParams
from .query import ParsedQuery, parse


@dataclass
class Hit:
    id: str
    title: str
    published: dt.date | None
    date_basis: str
    source: str | None
    snippet_html: Markup
    score: float | None
    places: list[str] = field(default_factory=list)
    group_size: int = 1


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class Bucket:
    start: dt.date
    end: dt.date
    count: int


@dataclass
class SearchPage:
    params: SearchParams
    parsed: ParsedQuery
    total: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    histogram: list[Bucket]
    histogram_unit: str
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))


def key_to_date(key: int) -> dt.date | None:
    if not key:
        return None
    return dt.date(key // 10000, key // 100 % 100, key % 100)


def histogram_of(day_counts: list[tuple[dt.date, int]]) -> tuple[list[Bucket], str]:
    """Counts by day, week or month (by the span of the dates), over the whole result set."""
    if not day_counts:
        return [], "day"
    first, last_day = day_counts[0][0], day_counts[-1][0]
    span = (last_day - first).days
    unit = "day" if span <= 62 else ("week" if span <= 366 else "month")

    def bucket_start(d: dt.date) -> dt.date:
        if unit == "day":
            return d
        if unit == "week":  # weeks start on Saturday, as in Syria's working week
            return d - dt.timedelta(days=(d.weekday() - 5) % 7)
        return d.replace(day=1)

    def bucket_end(s: dt.date) -> dt.date:
        if unit == "day":
            return s
        if unit == "week":
            return s + dt.timedelta(days=6)
        nxt = (s.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return nxt - dt.timedelta(days=1)

    counts: dict[dt.date, int] = {}
    for d, n in day_counts:
        b = bucket_start(d)
        counts[b] = counts.get(b, 0) + n
    # Fill empty buckets so the timeline's gaps are visible.
    buckets = []
    cur = bucket_start(first)
    last = bucket_start(last_day)
    while cur <= last:
        end = bucket_end(cur)
        buckets.append(Bucket(cur, end, counts.get(cur, 0)))
        cur = end + dt.timedelta(days=1)
    return buckets, unit


class SearchService:
    """Parses parameters and queries, asks the backend, and builds pages from database rows."""

    def __init__(self, archive: Archive):
        self.archive = archive

    @property
    def backend(self) -> SearchBackend:
        return self.archive.index

    def _mentioned_ids(self, p: SearchParams) -> frozenset[str]:
        """Reports with a date *mentioned in the text* inside [from, to] (from the database)."""
        stmt = select(DateMention.report_id).distinct()
        if p.date_from:
            stmt = stmt.where(DateMention.date_to >= p.date_from)
        if p.date_to:
            stmt = stmt.where(DateMention.date_from <= p.date_to)
        with self.archive.session() as s:
            return frozenset(s.scalars(stmt))

    def request_for(self, p: SearchParams, parsed: ParsedQuery) -> SearchRequest:
        dated = bool(p.date_from or p.date_to)
        return SearchRequest(
            query=parsed.query, neighbourhoods=tuple(p.neighbourhood),
            published_from=p.date_from if dated and p.date_field == "published" else None,
            published_to=p.date_to if dated and p.date_field == "published" else None,
            restrict_ids=self._mentioned_ids(p) if dated and p.date_field == "mentioned" else None,
            sort=p.effective_sort, offset=(p.page - 1) * p.per_page, limit=p.per_page)

    # -- the service -------------------------------------------------------------------------
    def search(self, p: SearchParams) -> SearchPage:
        parsed = parse(p.q)
        if p.q.strip() and parsed.query is None:
            return SearchPage(p, parsed, 0, [], {"neighbourhood": []}, [], "day")
        result = self.backend.search(self.request_for(p, parsed))
        hits = self._hits(result.ids, dict(zip(result.ids, result.scores)), parsed)
        facets = {"neighbourhood": sorted((FacetValue(slug, n) for slug, n in result.place_counts.items()),
                                          key=lambda c: (-c.count, c.value))}
        histogram, unit = histogram_of(result.day_counts)
        return SearchPage(p, parsed, result.total, hits, facets, histogram, unit)

    def _hits(self, ids: list[str], scores: dict, parsed: ParsedQuery) -> list[Hit]:
        if not ids:
            return []
        matcher = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces)
        with self.archive.session() as s:
            rows = {r.id: r for r in s.scalars(select(Report).where(Report.id.in_(ids))
                                               .options(selectinload(Report.places)))}
        hits = []
        for rid in ids:
            r = rows.get(rid)
            if r is None:  # in the index but not (yet) in the database: never show a ghost
                continue
            hits.append(Hit(id=r.id, title=r.title, published=r.published, date_basis=r.date_basis,
                            source=r.source, snippet_html=snippet(r.body, matcher),
                            score=scores.get(rid), places=sorted(m.place_slug for m in r.places)))
        return hits

    def report(self, rid: str) -> Report | None:
        with self.archive.session() as s:
            return s.scalar(select(Report).where(Report.id == rid)
                            .options(selectinload(Report.places), selectinload(Report.dates)))
