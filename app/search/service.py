"""The one search service: every page, API route, feed and export asks it, so they cannot disagree."""
from __future__ import annotations

import bisect
import datetime as dt
import re
import threading
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import func, select
from whoosh.query import And, Every, NumericRange, Or, Query, Term
from whoosh.searching import Searcher

from app.archive import Archive
from app.dates import timeline
from app.dates.timeline import Bucket
from app.models import DateMention, PlaceMention, Report

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


@dataclass
class PlaceBucket:
    """One period of a place's timeline: reports naming it, and how often they name it."""

    start: dt.date
    end: dt.date
    reports: int
    mentions: int


@dataclass
class PlaceTimeline:
    buckets: list[PlaceBucket]
    unit: str
    undated_reports: int


def key_to_date(key: int) -> dt.date | None:
    if not key:
        return None
    return dt.date(key // 10000, key // 100 % 100, key % 100)


#: A single token that could be a record's identifier (a crawler id, a permalink id).
_IDENTIFIER = re.compile(r"^[\w.:/#@+-]{3,200}$")


def identifier_query(q: str) -> Query | None:
    """Exact-match clauses for `source_id` (a source's own id) and `id` (the permalink), when the
    whole query is one identifier-like token; they are OR-ed with the text query."""
    token = q.strip().strip('"«»“”')
    if not _IDENTIFIER.match(token):
        return None
    return Or([Term("source_id", token.lower()), Term("id", token.lower())])


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
        self._reader = reader
        self._ids: dict[int, str] | None = None
        self.doc_places: dict[int, list[str]] = {}
        for slug, docs in self.places.items():
            for d in docs:
                self.doc_places.setdefault(d, []).append(slug)
        # Near-duplicate group per document (its own id when alone), for collapse=1.
        self.groups = list(reader.column_reader("dup_group")) if reader.has_column("dup_group") else []

    @property
    def ids(self) -> dict[int, str]:
        """docnum → report id, read on first use (only the mentioned-date timeline needs it)."""
        if self._ids is None:
            self._ids = {n: f["id"] for n, f in self._reader.iter_docs()}
        return self._ids


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

    def _plan(self, p: SearchParams, parsed: ParsedQuery, searcher: Searcher) -> tuple[Query, Query | set[int] | None, dict]:
        """Query, filter and ordering for `p`: shared by the paged search and the full walk."""
        query = parsed.query if parsed.query is not None else Every()
        ident = identifier_query(p.q)
        if ident is not None:  # a source's record id or a permalink id, typed into the search box
            query = Or([parsed.query, ident]) if parsed.query is not None else ident
        kwargs: dict = {}
        if p.effective_sort != "relevance" or parsed.query is None:
            kwargs["sortedby"] = "published"
            kwargs["reverse"] = p.effective_sort != "oldest"
        return query, self._filter(p, searcher), kwargs

    # -- the service -------------------------------------------------------------------------
    def search(self, p: SearchParams) -> SearchPage:
        parsed = parse(p.q)
        searcher = self.archive.index.searcher()
        if p.q.strip() and parsed.query is None and identifier_query(p.q) is None:
            return SearchPage(p, parsed, 0, [], {"neighbourhood": []}, [], "day")
        query, filt, kwargs = self._plan(p, parsed, searcher)
        sort = p.effective_sort
        limit = p.page * p.per_page
        cols = self._cols(searcher)
        collapse = p.collapse and bool(cols.groups)
        # Ranked by score, Whoosh's top-N collector can drop a document tied with the cut-off
        # (seen with near-duplicate reports): page 2 then repeats one report and loses another.
        # Scoring every match (limit=None) gives one exact order that every page slices.
        # Collapsing needs the whole order too: one entry per near-duplicate group, its best-ranked
        # member (Whoosh's collapse facet, with every match collected, would remove by list scans).
        ranked = "sortedby" not in kwargs
        results = searcher.search(query, limit=None if ranked or collapse else limit, filter=filt, **kwargs)
        docset = results.docs()
        sizes: Counter = Counter()
        if collapse:
            groups = cols.groups
            sizes = Counter(groups[d] for d in docset)
            seen: set = set()
            order = []
            for key, docnum in results.top_n:
                g = groups[docnum]
                if g not in seen:
                    seen.add(g)
                    order.append((key, docnum))
            total = len(order)
        else:
            order = results.top_n
            total = len(results)
        page_items = order[(p.page - 1) * p.per_page: limit]
        ids = [searcher.stored_fields(docnum)["id"] for _, docnum in page_items]
        scored = sort == "relevance" and parsed.query is not None
        scores = {rid: (key if scored else None) for rid, (key, _) in zip(ids, page_items)}
        hits = self._hits(ids, scores, parsed, {rid: cols.doc_places.get(d, []) for rid, (_, d) in zip(ids, page_items)})
        if collapse:
            group_of = {rid: cols.groups[d] for rid, (_, d) in zip(ids, page_items)}
            for hit in hits:
                hit.group_size = sizes.get(group_of.get(hit.id, hit.id), 1)
        facets = {"neighbourhood": self._place_facets(docset, cols)}
        histogram, unit = self._histogram(p, docset, cols)
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

    def _histogram(self, p: SearchParams, docset: set[int], cols: _Columns) -> tuple[list[Bucket], str]:
        """The timeline of the whole result set, on the date the filter is about: publication
        dates, or (date_field=mentioned) the mentioned ranges clipped to the from/to window, so
        that a bar's count is exactly what its link (from/to = the bar) returns."""
        if p.date_field == "mentioned":
            ids = {cols.ids[d] for d in docset if d in cols.ids}
            stmt = select(DateMention.report_id, DateMention.date_from, DateMention.date_to)
            if p.date_from:
                stmt = stmt.where(DateMention.date_to >= p.date_from)
            if p.date_to:
                stmt = stmt.where(DateMention.date_from <= p.date_to)
            per_report: dict[str, list[tuple[dt.date, dt.date]]] = {}
            with self.archive.session() as s:
                for rid, lo, hi in s.execute(stmt):
                    if rid in ids:
                        per_report.setdefault(rid, []).append((lo, hi))
            return timeline.histogram(per_report.values(), (p.date_from, p.date_to))
        days = (key_to_date(cols.published[d]) for d in docset
                if d < len(cols.published) and cols.published[d])
        return timeline.histogram([(d, d)] for d in days)

    # -- places ------------------------------------------------------------------------------
    def place_counts(self, slugs: list[str] | None = None) -> dict[str, tuple[int, int]]:
        """slug → (reports naming the place, mentions in all of them), from the database."""
        stmt = (select(PlaceMention.place_slug, func.count(), func.sum(PlaceMention.count))
                .group_by(PlaceMention.place_slug))
        if slugs is not None:
            stmt = stmt.where(PlaceMention.place_slug.in_(slugs))
        with self.archive.session() as s:
            return {slug: (int(n), int(m or 0)) for slug, n, m in s.execute(stmt)}

    def place_timeline(self, slug: str) -> PlaceTimeline:
        """How a place's mentions spread over time (by publication date), from the database:
        the same buckets as the results timeline, with the mentions summed in each."""
        stmt = (select(Report.published, PlaceMention.count)
                .join(PlaceMention, PlaceMention.report_id == Report.id)
                .where(PlaceMention.place_slug == slug))
        with self.archive.session() as s:
            rows = list(s.execute(stmt))
        dated = [(d, c) for d, c in rows if d is not None]
        buckets, unit = timeline.histogram([(d, d)] for d, _ in dated)
        mentions = [0] * len(buckets)
        starts = [b.start for b in buckets]
        for d, c in dated:
            mentions[bisect.bisect_right(starts, d) - 1] += c
        return PlaceTimeline([PlaceBucket(b.start, b.end, b.count, m) for b, m in zip(buckets, mentions)],
                             unit, undated_reports=len(rows) - len(dated))

    def group_members(self, report: Report) -> list[Report]:
        """The other reports of `report`'s near-duplicate group ("also published as")."""
        if not report.dup_group:
            return []
        return [r for r in self.archive.group_members(report.dup_group) if r.id != report.id]

    def report(self, rid: str) -> Report | None:
        from sqlalchemy.orm import selectinload
        with self.archive.session() as s:
            return s.scalar(select(Report).where(Report.id == rid)
                            .options(selectinload(Report.places), selectinload(Report.dates)))

    def iter_result_ids(self, p: SearchParams, batch: int = 200) -> Iterator[list[str]]:
        """Every result's report ID, in result order, in batches of `batch` (whole-set exports).

        Ignores `page`/`per_page`. Holds only the ordered document numbers (4 bytes per result) and
        maps them through this generation's docnum → id table, which stays valid (and is not
        copied) even if an ingest commits and the shared searcher moves on mid-export.
        """
        parsed = parse(p.q)
        if p.q.strip() and parsed.query is None and identifier_query(p.q) is None:
            return
        searcher = self.archive.index.searcher()
        query, filt, kwargs = self._plan(p, parsed, searcher)
        results = searcher.search(query, limit=None, filter=filt, **kwargs)
        order = array("i", (docnum for _, docnum in results.top_n))
        del results
        ids = self._cols(searcher).ids
        for start in range(0, len(order), batch):
            yield [ids[d] for d in order[start:start + batch]]
