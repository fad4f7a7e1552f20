"""The one search service: every page, API route, feed and export asks it, so they cannot disagree."""
from __future__ import annotations

import bisect
import threading
import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer, selectinload
from whoosh.query import Or, Query, Term

from app.archive import Archive
from app.arabic.stem import stem_variants
from app.dates import timeline
from app.dates.timeline import Bucket
from app.models import PlaceMention, Report

from .backend import SearchBackend, SearchRequest
from .highlight import WordMatcher, matching_form, snippet, snippet_text, word_forms
from .params import SearchParams
from .query import ParsedQuery, parse
from .ranking import WINDOW, demote_duplicates, spread_same_page
from .heap import HeapTrimmer
from .suggest import FEW_RESULTS, Corrector, corrections, display_form, rewrite


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
    #: What the web layer made of this page (e.g. its rendered HTML), kept with it: a page from
    #: `ResultCache` is shared by the requests of one archive state, and so is its rendering.
    rendered: dict = field(default_factory=dict, compare=False, repr=False)

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


def day_histogram(day_counts: list[tuple[dt.date, int]]) -> tuple[list[Bucket], str]:
    """`timeline.histogram` for publication dates, from (day, reports) counts.

    A publication date is a one-day range, so each report lands in exactly one bucket and counting
    per day first gives the same buckets — in time proportional to the distinct days, not reports.
    """
    if not day_counts:
        return [], "day"
    first, last = day_counts[0][0], day_counts[-1][0]
    unit = timeline.choose_unit(first, last)
    buckets: list[Bucket] = []
    cur = timeline.bucket_start(first, unit)
    while cur <= last:
        end = timeline.bucket_end(cur, unit)
        buckets.append(Bucket(cur, end, 0))
        cur = end + dt.timedelta(days=1)
    starts = [b.start for b in buckets]
    for day, n in day_counts:
        buckets[bisect.bisect_right(starts, day) - 1].count += n
    return buckets, unit


#: A results page's rows, as statements built once (the IDs bound per request): building and
#: hashing a select per request cost more than running it.
_HIT_ROWS = (select(Report.id, Report.title, Report.published, Report.date_basis, Report.source, Report.body)
             .where(Report.id.in_(bindparam("ids", expanding=True))))
_HIT_PLACES = (select(PlaceMention.report_id, PlaceMention.place_slug)
               .where(PlaceMention.report_id.in_(bindparam("ids", expanding=True))))


@dataclass(frozen=True)
class HitRow:
    """What a results page shows of one report, and its body's form for highlighting."""

    id: str
    title: str
    published: dt.date | None
    date_basis: str
    source: str | None
    body: str
    places: tuple[str, ...]
    shaped: object  # highlight.matching_form(body)


class HitRows:
    """`HitRow`s of the current index generation by report ID: an LRU per process, bounded in bytes.

    WHY: the same reports come back on many pages (the best matches of common words, the newest
    reports, a place's reports), each time two database reads and the body folded for
    highlighting. A report's row does not change while its index generation stands (a report is
    replaced or deleted only by an ingest, which commits a new generation), so rows are kept until
    the generation changes; only rows the database returned are kept.
    """

    def __init__(self, max_bytes: int = 8 * 2**20):
        self.max_bytes = max_bytes
        self._sizes: dict[SearchParams, int] = {}  # bytes of each page, as last measured
        self._bytes = 0
        self._last: SearchParams | None = None
        self._rows: OrderedDict[str, HitRow] = OrderedDict()
        self._bytes = 0
        self._generation: object | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _size(row: HitRow) -> int:
        """Roughly what a row holds: its texts (up to 4 bytes a character) and the body's form."""
        shaped = row.shaped
        form = (2 * len(shaped[0]) + (shaped[1].nbytes if shaped[1] is not None else 0)) if shaped else 0
        return 2 * (len(row.body) + len(row.title)) + form + 200

    def get(self, generation: object, ids: list[str]) -> dict[str, HitRow]:
        with self._lock:
            if generation is not self._generation:
                self._rows.clear()
                self._bytes = 0
                self._generation = generation
            found = {}
            for rid in ids:
                row = self._rows.get(rid)
                if row is not None:
                    self._rows.move_to_end(rid)
                    found[rid] = row
            return found

    def put(self, generation: object, rows: list[HitRow]) -> None:
        with self._lock:
            if generation is not self._generation:
                return
            for row in rows:
                size = self._size(row)
                if row.id in self._rows or size > self.max_bytes // 16:  # a very long report: not kept
                    continue
                self._rows[row.id] = row
                self._bytes += size
            while self._bytes > self.max_bytes and self._rows:
                _, old = self._rows.popitem(last=False)
                self._bytes -= self._size(old)


#: Bytes of cached pages (their renderings, roughly their hits) per process.
RESULT_CACHE_BYTES = 6 * 2**20


def _page_bytes(page: SearchPage) -> int:
    """Roughly what a cached page holds: its renderings and, per hit, its snippet and fields."""
    rendered = sum(len(v[0]) if isinstance(v, tuple) else len(v) if isinstance(v, (bytes, str)) else 0
                   for v in page.rendered.values())
    return rendered + 2048 * len(page.results) + 1024


class ResultCache:
    """Finished `SearchPage`s of the current archive state, by their parameters: a bounded LRU, one
    per process, emptied whenever the state changes.

    WHY: a results page costs milliseconds of CPU (query, facets, ten snippets, database rows), and
    readers ask the same pages again and again (the first page of a popular query, the browse
    pages, a place's reports). A page is a pure function of (archive state, parameters), so it can
    be kept until the state changes. The state is the index generation (the shared searcher, which
    is reopened on every commit, see `ArchiveIndex.searcher`) *and* the database having caught up
    with it: `Archive.store` commits the index before the database, so a page computed in between
    could miss reports; entries are only kept once the database counts what the index counts, and
    that check runs once per generation. Pages are shared between requests: read-only.
    """

    def __init__(self, size: int, max_bytes: int = RESULT_CACHE_BYTES):
        self.size = max(0, int(size))
        self.max_bytes = max_bytes
        self._sizes: dict[SearchParams, int] = {}  # bytes of each page, as last measured
        self._bytes = 0
        self._last: SearchParams | None = None
        self._pages: OrderedDict[SearchParams, SearchPage] = OrderedDict()
        self._lock = threading.Lock()
        self._state: tuple[object, int] | None = None  # (searcher, token) once consistent
        self._tokens = 0
        self.hits = self.misses = 0

    def state(self, archive: Archive) -> int | None:
        """A token for the archive's current state, or None while the database lags the index."""
        if not self.size:
            return None
        searcher = archive.index.searcher()
        st = self._state
        if st is not None and st[0] is searcher:
            return st[1]
        with self._lock:
            st = self._state
            if st is not None and st[0] is searcher:
                return st[1]
            with archive.index.read_lock:
                indexed = searcher.doc_count()
            if archive.counts()["database"] != indexed:
                return None  # mid-ingest: the database commits right after the index
            self._tokens += 1
            self._state = (searcher, self._tokens)
            self._pages.clear()  # older generations' pages are never asked for again
            self._sizes.clear()
            self._bytes, self._last = 0, None
            return self._tokens

    def get(self, token: int | None, p: SearchParams) -> SearchPage | None:
        if token is None:
            return None
        with self._lock:
            page = self._pages.get(p) if self._state is not None and self._state[1] == token else None
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(p)
            self.hits += 1
            return page

    def put(self, token: int | None, p: SearchParams, page: SearchPage) -> None:
        if token is None:
            return
        with self._lock:
            # Computed under an older state (a commit landed meanwhile): not for the new one.
            if self._state is None or self._state[1] != token:
                return
            # Bytes too: a page keeps its rendering (~75 KB of HTML at 10 results), and traffic of
            # ever new queries filled 256 pages (~19 MB) per worker for no hits (RSS target).
            # A rendering is attached after `put`: the page put last is measured again now.
            last = self._last
            if last is not None and last in self._sizes:
                size = _page_bytes(self._pages[last])
                self._bytes += size - self._sizes[last]
                self._sizes[last] = size
            if p in self._pages:
                self._bytes -= self._sizes.pop(p)
            self._pages[p] = page
            self._pages.move_to_end(p)
            self._sizes[p] = _page_bytes(page)
            self._bytes += self._sizes[p]
            self._last = p
            while len(self._pages) > 1 and (len(self._pages) > self.size or self._bytes > self.max_bytes):
                old, _ = self._pages.popitem(last=False)
                self._bytes -= self._sizes.pop(old)

    def __len__(self) -> int:
        return len(self._pages)


class SearchService:
    """Parses parameters and queries, asks the search backend (`backend.py`), and builds pages
    from database rows: totals, facets and timeline come from the backend in the same pass."""

    def __init__(self, archive: Archive, cache_size: int | None = None):
        self.archive = archive
        self._correctors: tuple[object, Corrector] | None = None
        self._lock = threading.Lock()
        if cache_size is None:
            cache_size = archive.settings.result_cache
        self.cache = ResultCache(cache_size)
        self.rows = HitRows()
        self.heap = HeapTrimmer(memos=(stem_variants, word_forms))

    @property
    def backend(self) -> SearchBackend:
        return self.archive.index

    # -- helpers -----------------------------------------------------------------------------
    def request_for(self, p: SearchParams, parsed: ParsedQuery, **overrides) -> SearchRequest:
        """The backend request for `p`: shared by the paged search and the full walk (exports)."""
        query = parsed.query
        ident = identifier_query(p.q)
        if ident is not None:  # a source's record id or a permalink id, typed into the search box
            query = Or([query, ident]) if query is not None else ident
        published = p.date_field == "published"
        # Mentioned dates: filter and timeline both from the ranges the index keeps per report.
        mentioned = p.date_field == "mentioned"
        fields = dict(
            query=query, neighbourhoods=tuple(p.neighbourhood),
            published_from=p.date_from if published else None,
            published_to=p.date_to if published else None,
            mentioned_from=p.date_from if mentioned else None,
            mentioned_to=p.date_to if mentioned else None,
            mentioned_timeline=mentioned,
            sort=p.effective_sort if query is not None else (p.sort or "newest"),
            offset=(p.page - 1) * p.per_page, limit=p.per_page, collapse=p.collapse,
            # a backend drawing the timeline itself (`published_histogram`) need not list the days
            day_counts=not getattr(self.backend, "draws_timeline", False))
        fields.update(overrides)
        return SearchRequest(**fields)

    # -- the service -------------------------------------------------------------------------
    def parse(self, q: str | None) -> ParsedQuery:
        """Parse a query against the archive's current vocabulary (glued words, spellings)."""
        return parse(q, self.archive.index.vocabulary(), corrector=self._corrector())

    def _corrector(self) -> Corrector:
        searcher = self.archive.index.searcher()
        current = self._correctors
        if current is not None and current[0] is searcher:
            # The common case takes no lock: waiting for the index's read lock here (held by other
            # requests' searches) was 8% of a results page under load.
            return current[1]
        with self._lock, self.archive.index.read_lock:
            if self._correctors is None or self._correctors[0] is not searcher:
                # The index's read lock guards every later lookup too (Whoosh's handles are shared).
                self._correctors = (searcher, Corrector(searcher.reader(), lock=self.archive.index.read_lock))
            return self._correctors[1]

    def _groups(self, ids: list[str]):
        """id → near-duplicate group for the reports that have one (a lookup by key: cheap)."""
        if not ids:
            return {}
        with self.archive.session() as s:
            # On the connection: a Core select needs none of the ORM's result machinery.
            rows = s.connection().execute(select(Report.id, Report.dup_group)
                                          .where(Report.id.in_(ids), Report.dup_group.is_not(None)))
            return {rid: g for rid, g in rows}

    def _suggest(self, parsed: ParsedQuery) -> str | None:
        """Did-you-mean (see `suggest.py`), written as the archive writes the corrected words."""
        index = self.archive.index
        searcher = index.searcher()
        replacements = {}
        with index.read_lock:
            fixes = corrections(parsed, searcher.reader())
            found = []
            for c in fixes:
                postings = searcher.reader().postings("body_exact", c.folded)
                found.append((c, searcher.stored_fields(postings.id())["id"] if postings.is_active() else None))
        if not found:
            return None
        for c, rid in found:
            with self.archive.session() as s:
                body = s.scalar(select(Report.body).where(Report.id == rid)) if rid else None
            replacements[c.word.text] = display_form(c.folded, [body] if body else [])
        return rewrite(parsed.text, replacements)

    def search(self, p: SearchParams) -> SearchPage:
        """One page of results; the same parameters on the same archive state come from the
        cache (`ResultCache`)."""
        token = self.cache.state(self.archive)
        page = self.cache.get(token, p)
        if page is None:
            page = self._search(p)
            self.heap.tick()
            self.cache.put(token, p, page)
        return page

    def _search(self, p: SearchParams) -> SearchPage:
        parsed = self.parse(p.q)
        if p.q.strip() and parsed.query is None and identifier_query(p.q) is None:
            return SearchPage(p, parsed, 0, [], {"neighbourhood": []}, [], "day")
        ranked = parsed.query is not None and p.effective_sort == "relevance" and not p.collapse
        offset = (p.page - 1) * p.per_page
        if ranked and offset < WINDOW:
            # Near-duplicates must not crowd the first pages: rank a window, demote later copies of
            # a story below the first copy of every other story (`ranking.demote_duplicates`).
            result = self.backend.search(self.request_for(p, parsed, offset=0, group_keys=True,
                                                          limit=max(offset + p.per_page, WINDOW)))
            # The backend's group keys (index columns) when it has them; else the database's.
            groups = (dict(zip(result.ids, result.group_keys)) if result.group_keys is not None
                      else self._groups(result.ids))
            order = demote_duplicates(list(zip(result.ids, result.scores)), lambda hit: groups.get(hit[0]))
            page_ids = order[offset:offset + p.per_page]
            result.ids, result.scores = [i for i, _ in page_ids], [sc for _, sc in page_ids]
        else:
            result = self.backend.search(self.request_for(p, parsed))
        hits = self._hits(result.ids, dict(zip(result.ids, result.scores)), parsed)
        if result.group_sizes:
            sizes = dict(zip(result.ids, result.group_sizes))
            for hit in hits:
                hit.group_size = sizes.get(hit.id, 1)
        facets = {"neighbourhood": sorted((FacetValue(slug, n) for slug, n in result.place_counts.items()),
                                          key=lambda c: (-c.count, c.value))}
        if p.date_field == "mentioned":
            histogram, unit = result.mentioned_histogram, result.mentioned_unit
        elif result.published_histogram is not None:
            histogram, unit = result.published_histogram, result.published_unit
        else:
            histogram, unit = day_histogram(result.day_counts)
        if parsed.query is not None and p.effective_sort == "relevance":
            # near-identical reports (same headline or passage) do not sit side by side on a page
            hits = spread_same_page(hits, lambda h: h.title, lambda h: snippet_text(h.snippet_html))
        suggestion = None
        if parsed.query is not None and result.total < FEW_RESULTS and p.page == 1:
            suggestion = self._suggest(parsed)
        return SearchPage(p, parsed, result.total, hits, facets, histogram, unit, suggestion)

    def _hits(self, ids: list[str], scores: dict, parsed: ParsedQuery) -> list[Hit]:
        if not ids:
            return []
        matcher = parsed.word_matcher()
        generation = self.archive.index.searcher()
        rows = self.rows.get(generation, ids)
        missing = [rid for rid in ids if rid not in rows]
        if missing:
            # Core selects of the columns a results page shows (no ORM identity map or
            # relationship loading: a third of a page's database time). `original` (the text as
            # received) is as long as the body and never shown here, so it is not read.
            with self.archive.session() as s:
                conn = s.connection()
                found = list(conn.execute(_HIT_ROWS, {"ids": missing}))
                places: dict[str, list[str]] = {}
                for rid, slug in conn.execute(_HIT_PLACES, {"ids": missing}):
                    places.setdefault(rid, []).append(slug)
            fresh = [HitRow(r.id, r.title, r.published, r.date_basis, r.source, r.body,
                            tuple(sorted(places.get(r.id, ()))), matching_form(r.body)) for r in found]
            self.rows.put(generation, fresh)
            rows.update((row.id, row) for row in fresh)
        hits = []
        for rid in ids:
            r = rows.get(rid)
            if r is None:  # in the index but not (yet) in the database: never show a ghost
                continue
            hits.append(Hit(id=r.id, title=r.title, published=r.published, date_basis=r.date_basis,
                            source=r.source, snippet_html=snippet(r.body, matcher, shaped=r.shaped),
                            score=scores.get(rid), places=list(r.places)))
        return hits

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
        with self.archive.session() as s:
            return s.scalar(select(Report).where(Report.id == rid)
                            .options(selectinload(Report.places), selectinload(Report.dates)))

    def iter_result_ids(self, p: SearchParams, batch: int = 200) -> Iterator[list[str]]:
        """Every result's report ID, in result order, in batches of `batch` (whole-set exports).

        Ignores `page`/`per_page`. One backend call gives the whole ordered list of IDs of one
        index generation, so an ingest committing mid-export changes nothing in it.
        """
        parsed = parse(p.q)
        if p.q.strip() and parsed.query is None and identifier_query(p.q) is None:
            return
        result = self.backend.search(self.request_for(p, parsed, offset=0, limit=2**62, facets=False,
                                                      mentioned_timeline=False))
        ids = result.ids
        for start in range(0, len(ids), batch):
            yield ids[start:start + batch]
