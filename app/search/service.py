"""The one search service: every page, API route, feed and export asks it, so they cannot disagree."""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select
from whoosh.query import And, Every, NumericRange, Or, Query, Term
from whoosh.searching import Searcher

from app.archive import Archive
from app.models import DateMention, Report

from .highlight import WordMatcher, snippet
from .index import published_key
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


class _Columns:
    """Per-searcher caches read from index columns and postings, not stored fields."""

    def __init__(self, searcher: Searcher):
        reader = searcher.reader()
        self.published = list(reader.column_reader("published")) if reader.has_column("published") else []
        self.places: dict[str, set[int]] = {}
        if "places" in searcher.schema:
            for term in reader.lexicon("places"):
                slug = term.decode("utf-8") if isinstance(term, bytes) else term
                self.places[slug] = set(reader.postings("places", term).all_ids())
        self.doc_places: dict[int, list[str]] = {}
        for slug, docs in self.places.items():
            for d in docs:
                self.doc_places.setdefault(d, []).append(slug)


class SearchService:
    def __init__(self, archive: Archive):
        self.archive = archive
        self._columns: tuple[int, _Columns] | None = None
        self._lock = threading.Lock()

    # -- helpers -----------------------------------------------------------------------------
    def _cols(self, searcher: Searcher) -> _Columns:
        with self._lock:
            if self._columns is None or self._columns[0] != id(searcher):
                self._columns = (id(searcher), _Columns(searcher))
            return self._columns[1]

    def _filter(self, p: SearchParams, searcher: Searcher) -> Query | set[int] | None:
        parts: list[Query] = []
        if p.neighbourhood:
            parts.append(Or([Term("places", s) for s in p.neighbourhood]))
        if (p.date_from or p.date_to) and p.date_field == "published":
            parts.append(NumericRange("published", published_key(p.date_from) or 1,
                                      published_key(p.date_to) or 99991231))
        fq: Query | None = And(parts) if len(parts) > 1 else (parts[0] if parts else None)
        if (p.date_from or p.date_to) and p.date_field == "mentioned":
            allowed = self._mentioned_docnums(p, searcher)
            if fq is not None:
                allowed &= set(searcher.docs_for_query(fq))
            return allowed
        return fq

    def _mentioned_docnums(self, p: SearchParams, searcher: Searcher) -> set[int]:
        stmt = select(DateMention.report_id).distinct()
        if p.date_from:
            stmt = stmt.where(DateMention.date_to >= p.date_from)
        if p.date_to:
            stmt = stmt.where(DateMention.date_from <= p.date_to)
        with self.archive.session() as s:
            ids = list(s.scalars(stmt))
        docs = set()
        for rid in ids:
            n = searcher.document_number(id=rid)
            if n is not None:
                docs.add(n)
        return docs

    # -- the service -------------------------------------------------------------------------
    def search(self, p: SearchParams) -> SearchPage:
        parsed = parse(p.q)
        searcher = self.archive.index.searcher()
        if p.q.strip() and parsed.query is None:
            return SearchPage(p, parsed, 0, [], {"neighbourhood": []}, [], "day")
        query = parsed.query if parsed.query is not None else Every()
        filt = self._filter(p, searcher)
        sort = p.effective_sort
        kwargs: dict = {}
        if sort != "relevance" or parsed.query is None:
            kwargs["sortedby"] = "published"
            kwargs["reverse"] = sort != "oldest"
        limit = p.page * p.per_page
        results = searcher.search(query, limit=limit, filter=filt, **kwargs)
        total = len(results)
        page_hits = results[(p.page - 1) * p.per_page: limit]
        docset = results.docs()
        cols = self._cols(searcher)
        ids = [h["id"] for h in page_hits]
        scores = {h["id"]: (h.score if sort == "relevance" and parsed.query is not None else None) for h in page_hits}
        hits = self._hits(ids, scores, parsed, {h["id"]: cols.doc_places.get(h.docnum, []) for h in page_hits})
        facets = {"neighbourhood": self._place_facets(docset, cols)}
        histogram, unit = self._histogram(docset, cols)
        return SearchPage(p, parsed, total, hits, facets, histogram, unit)

    def _hits(self, ids: list[str], scores: dict, parsed: ParsedQuery, places: dict) -> list[Hit]:
        if not ids:
            return []
        matcher = WordMatcher.of(parsed.highlight_stems, parsed.highlight_surfaces)
        with self.archive.session() as s:
            rows = {r.id: r for r in s.scalars(select(Report).where(Report.id.in_(ids)))}
        hits = []
        for rid in ids:
            r = rows.get(rid)
            if r is None:  # in the index but not (yet) in the database: never show a ghost
                continue
            hits.append(Hit(id=r.id, title=r.title, published=r.published, date_basis=r.date_basis,
                            source=r.source, snippet_html=snippet(r.body, matcher),
                            score=scores.get(rid), places=sorted(places.get(rid, []))))
        return hits

    @staticmethod
    def _place_facets(docset: set[int], cols: _Columns) -> list[FacetValue]:
        counts = [FacetValue(slug, len(docset & docs)) for slug, docs in cols.places.items()]
        counts = [c for c in counts if c.count]
        counts.sort(key=lambda c: (-c.count, c.value))
        return counts

    @staticmethod
    def _histogram(docset: set[int], cols: _Columns) -> tuple[list[Bucket], str]:
        """Counts by day, week or month (by the span of the dates), over the whole result set."""
        keys = [cols.published[d] for d in docset if d < len(cols.published) and cols.published[d]]
        if not keys:
            return [], "day"
        dates = sorted(key_to_date(k) for k in keys)
        span = (dates[-1] - dates[0]).days
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
        for d in dates:
            b = bucket_start(d)
            counts[b] = counts.get(b, 0) + 1
        # Fill empty buckets so the timeline's gaps are visible.
        buckets = []
        cur = bucket_start(dates[0])
        last = bucket_start(dates[-1])
        while cur <= last:
            end = bucket_end(cur)
            buckets.append(Bucket(cur, end, counts.get(cur, 0)))
            cur = end + dt.timedelta(days=1)
        return buckets, unit

    def report(self, rid: str) -> Report | None:
        from sqlalchemy.orm import selectinload
        with self.archive.session() as s:
            return s.scalar(select(Report).where(Report.id == rid)
                            .options(selectinload(Report.places), selectinload(Report.dates)))
